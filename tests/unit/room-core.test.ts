import { describe, expect, it } from "vitest";
import { devicesOf, samePresence, type SocketPresence } from "../../party/core/presence.ts";
import { fullBucket, take } from "../../party/core/rate-limit.ts";
import { TICKET_TTL_MS, TicketStore, ticketUserId } from "../../party/core/tickets.ts";
import { nodeSql } from "../support/node-sql.ts";

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

describe("Auth — socket tickets", () => {
  it("[A4] a ticket is redeemed once, only before it expires, and carries its user id", () => {
    let now = 1_000_000;
    const store = new TicketStore(nodeSql(), () => now);
    const { ticket } = store.issue("alice@example.com");
    expect(ticketUserId(ticket)).toBe("alice@example.com");
    expect(store.redeem(ticket)).toBe(true);
    expect(store.redeem(ticket)).toBe(false);
    const late = store.issue("alice").ticket;
    now += TICKET_TTL_MS + 1;
    expect(store.redeem(late)).toBe(false);
  });

  it("[A4] a ticket from one room is worthless in another, whatever user id it claims", () => {
    const alices = new TicketStore(nodeSql());
    const bobs = new TicketStore(nodeSql());
    const { ticket } = alices.issue("alice");
    const forged = `${Buffer.from("bob").toString("base64url")}.${ticket.split(".")[1]}`;
    expect(ticketUserId(forged)).toBe("bob");
    expect(bobs.redeem(forged)).toBe(false);
  });

  for (const bad of ["", "abc", "a.b", "%%%.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", `${"A".repeat(300)}.${"A".repeat(43)}`]) {
    it(`[A4] a malformed ticket ${JSON.stringify(bad.slice(0, 20))} names no user`, () => {
      expect(ticketUserId(bad)).toBeNull();
    });
  }
});
