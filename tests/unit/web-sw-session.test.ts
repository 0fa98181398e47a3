/** The service worker's copy of the session (docs/PROTOCOL.md W64): when it is rewritten, and the headers it gives a button's request. */
import { describe, expect, it } from "vitest";
import { actionHeaders, sessionChanged, SwSessionSchema } from "../../web/lib/sw-session.ts";

const kept = { userId: "alice", deviceId: "dev-1", token: "t.o.k" };

describe("Web push — the service worker's session", () => {
  it("[W64] it is written when nothing is kept or any of user, device or token changed — and only then", () => {
    expect(sessionChanged(null, kept)).toBe(true);
    expect(sessionChanged(kept, { ...kept })).toBe(false);
    expect(sessionChanged(kept, { ...kept, token: "new" })).toBe(true);
    expect(sessionChanged(kept, { ...kept, deviceId: "dev-2" })).toBe(true);
    expect(sessionChanged(kept, { ...kept, userId: "bob" })).toBe(true);
  });

  it("[W64] a copy that does not parse is no session", () => {
    expect(SwSessionSchema.safeParse(kept).success).toBe(true);
    expect(SwSessionSchema.safeParse({ userId: "alice", token: "t" }).success).toBe(false);
    expect(SwSessionSchema.safeParse({ ...kept, token: "" }).success).toBe(false);
    expect(SwSessionSchema.safeParse("alice").success).toBe(false);
  });

  it("[W62][W64] a button's request carries the bearer token, the device and the idempotency key", () => {
    expect(actionHeaders(kept, "sw:done:n-1")).toEqual({ authorization: "Bearer t.o.k", "x-device-id": "dev-1", "idempotency-key": "sw:done:n-1" });
  });
});
