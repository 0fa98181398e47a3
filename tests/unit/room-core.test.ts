import { describe, expect, it } from "vitest";
import { devicesOf, samePresence, type SocketPresence } from "../../party/core/presence.ts";
import { fullBucket, take } from "../../party/core/rate-limit.ts";

const socket = (deviceId: string, over: Partial<SocketPresence> = {}): SocketPresence => ({
  deviceId,
  name: deviceId,
  kind: "web",
  connectedAt: "2026-11-21T09:00:00.000Z",
  lastSeen: "2026-11-21T09:00:00.000Z",
  focused: false,
  ...over,
});

describe("Brain — presence", () => {
  it("[P9] merges the tabs of one device: earliest connect, latest seen, focused if any tab is", () => {
    const devices = devicesOf([
      socket("laptop", { connectedAt: "2026-11-21T09:05:00.000Z", lastSeen: "2026-11-21T09:06:00.000Z" }),
      socket("phone", { kind: "mobile" }),
      socket("laptop", { connectedAt: "2026-11-21T09:01:00.000Z", lastSeen: "2026-11-21T09:02:00.000Z", focused: true }),
    ]);
    expect(devices).toEqual([
      { ...socket("phone", { kind: "mobile" }) },
      { ...socket("laptop"), connectedAt: "2026-11-21T09:01:00.000Z", lastSeen: "2026-11-21T09:06:00.000Z", focused: true },
    ]);
  });

  it("[P9] treats a lastSeen tick as no presence change, and focus as one", () => {
    const a = devicesOf([socket("x")]);
    expect(samePresence(a, devicesOf([socket("x", { lastSeen: "2026-11-21T10:00:00.000Z" })]))).toBe(true);
    expect(samePresence(a, devicesOf([socket("x", { focused: true })]))).toBe(false);
  });
});

describe("Brain — rate limits", () => {
  it("[H10] allows a burst of `capacity`, then tells when to retry, then refills", () => {
    const config = { capacity: 3, perMinute: 3 };
    let bucket = fullBucket(config, 0);
    for (let i = 0; i < 3; i++) {
      const t = take(bucket, config, 0);
      expect(t.allowed).toBe(true);
      bucket = t.bucket;
    }
    const over = take(bucket, config, 0);
    expect(over).toMatchObject({ allowed: false, retryAfterSeconds: 20 });
    expect(take(over.bucket, config, 20_000).allowed).toBe(true);
  });
});
