/**
 * The OAuth state of an MCP authorization (docs/PROTOCOL.md M13): it names the
 * user and server, is signed with a key derived from the ticket secret, and
 * expires; anything else about it is refused before a room is touched.
 */
import { describe, expect, it } from "vitest";
import { signState, STATE_TTL_MS, stateKey, verifyState } from "../../party/mcp/oauth-state.ts";
import { ticketKey, verifyTicket } from "../../party/core/tickets.ts";

const NOW = Date.parse("2027-01-10T12:00:00Z");

describe("MCP — OAuth state", () => {
  it("[M13] a state names its user and server and verifies under the same secret only", async () => {
    const key = await stateKey("secret-one-0123456789abcdef");
    const { state, nonce } = await signState(key, "ana@example.com", "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000", NOW);
    const ok = await verifyState(key, state, NOW + 1_000);
    expect(ok).toEqual({ ok: true, value: { userId: "ana@example.com", serverId: "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000", expiresAt: NOW + STATE_TTL_MS, nonce } });
    const other = await stateKey("secret-two-0123456789abcdef");
    expect((await verifyState(other, state, NOW)).ok).toBe(false);
  });

  it("[M13] a tampered, expired or malformed state is refused", async () => {
    const key = await stateKey("secret-one-0123456789abcdef");
    const { state } = await signState(key, "ana", "server-1", NOW);
    const [user, ...rest] = state.split(".");
    const forged = [Buffer.from("bob").toString("base64url"), ...rest].join(".");
    expect(user).not.toBe(Buffer.from("bob").toString("base64url"));
    expect((await verifyState(key, forged, NOW)).ok).toBe(false);
    expect(await verifyState(key, state, NOW + STATE_TTL_MS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect((await verifyState(key, "not a state", NOW)).ok).toBe(false);
  });

  it("[M13] a state is not a socket ticket, nor a ticket a state (separate keys)", async () => {
    const secret = "shared-secret-0123456789abcdef";
    const { state } = await signState(await stateKey(secret), "ana", "server-1", NOW);
    expect((await verifyTicket(await ticketKey(secret), state, NOW)).ok).toBe(false);
  });
});
