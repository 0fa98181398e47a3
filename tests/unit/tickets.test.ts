import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { issueTicket, TICKET_TTL_MS, ticketKey, UsedTickets, verifyTicket } from "../../party/core/tickets.ts";
import { nodeSql } from "../support/node-sql.ts";

const SECRET = "unit-ticket-secret-0123456789abcdef0123";
const NOW = Date.parse("2026-11-25T10:00:00.000Z");
const key = () => ticketKey(SECRET);

/** Replaces one dot-separated part of a ticket, keeping the others (and so the mac) as issued. */
const withPart = (ticket: string, index: number, value: string) =>
  ticket
    .split(".")
    .map((part, i) => (i === index ? value : part))
    .join(".");

describe("Auth — socket tickets", () => {
  it("[A7] a ticket the server signed verifies and names its user, until it expires", async () => {
    const { ticket, expiresAt } = await issueTicket(await key(), "auth0|alice@example.com", NOW);
    expect(Date.parse(expiresAt)).toBe(NOW + TICKET_TTL_MS);
    const verified = await verifyTicket(await key(), ticket, NOW + TICKET_TTL_MS - 1);
    expect(verified).toMatchObject({ ok: true, value: { userId: "auth0|alice@example.com", expiresAt: NOW + TICKET_TTL_MS } });
    expect(await verifyTicket(await key(), ticket, NOW + TICKET_TTL_MS)).toMatchObject({ ok: false, error: { code: "unauthorized", message: "socket ticket expired" } });
  });

  it("[A7] a changed user id, expiry, nonce or mac — or another secret's ticket — is not valid", async () => {
    const { ticket } = await issueTicket(await key(), "alice", NOW);
    const other = await issueTicket(await ticketKey("another-secret-0123456789abcdef0123456"), "alice", NOW);
    const forged = [
      withPart(ticket, 0, base64url.encode("bob")),
      withPart(ticket, 1, String(NOW + TICKET_TTL_MS + 1)),
      withPart(ticket, 2, base64url.encode(new Uint8Array(16))),
      withPart(ticket, 3, base64url.encode(new Uint8Array(32))),
      other.ticket,
    ];
    for (const bad of forged) {
      expect(await verifyTicket(await key(), bad, NOW), bad).toMatchObject({ ok: false, error: { code: "unauthorized", message: "socket ticket is not valid" } });
    }
  });

  it("[A7] the ticket key is derived from the secret, never the secret itself: an HMAC keyed with the raw secret does not verify", async () => {
    const raw = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const { ticket } = await issueTicket(raw, "alice", NOW);
    expect(await verifyTicket(await key(), ticket, NOW)).toMatchObject({ ok: false });
  });

  for (const bad of ["", "abc", "a.b", `YWxpY2U.${"A".repeat(43)}`, `YWxpY2U.1.${"A".repeat(22)}.${"A".repeat(43)}`, `${"A".repeat(300)}.1764064860000.${"A".repeat(22)}.${"A".repeat(43)}`]) {
    it(`[A7] a malformed ticket ${JSON.stringify(bad.slice(0, 24))} is refused`, async () => {
      expect(await verifyTicket(await key(), bad, NOW)).toMatchObject({ ok: false, error: { code: "unauthorized", message: "socket ticket missing or malformed" } });
    });
  }

  it("[A4] a verified ticket is redeemed once, and its nonce is forgotten only after it has expired", async () => {
    let now = NOW;
    const sql = nodeSql();
    const used = new UsedTickets(sql, () => now);
    const first = await verifyTicket(await key(), (await issueTicket(await key(), "alice", NOW)).ticket, NOW);
    const second = await verifyTicket(await key(), (await issueTicket(await key(), "alice", NOW)).ticket, NOW);
    if (!first.ok || !second.ok) throw new Error("fresh tickets must verify");
    expect(used.redeem(first.value)).toBe(true);
    expect(used.redeem(first.value)).toBe(false);
    now = NOW + TICKET_TTL_MS;
    expect(used.redeem(second.value)).toBe(false);
    const later = await verifyTicket(await key(), (await issueTicket(await key(), "alice", now)).ticket, now);
    if (!later.ok) throw new Error("a fresh ticket must verify");
    expect(used.redeem(later.value)).toBe(true);
    const nonces = sql.exec<{ nonce: string }>("SELECT nonce FROM socket_tickets_used").toArray().map((r) => r.nonce);
    expect(nonces).toEqual([later.value.nonce]);
  });
});
