/**
 * The forged-ticket attack (issue 11, item 1), standing: sockets opened with
 * tickets no server issued for that user, or no longer valid, must create no
 * room — counted from each targeted Durable Object's storage (G8, A7).
 */
import { env } from "cloudflare:test";
import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { issueTicket, TICKET_TTL_MS, ticketKey } from "../../party/core/tickets.ts";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { seededRng } from "../support/random.ts";
import { api, freshUser, login, storageOf, ticket, upgradeOutcome } from "./helpers.ts";

/** Forged tickets per kind of forgery. */
const PER_KIND = 40;

const serverSecret = () => {
  const secret: unknown = Reflect.get(env, "AUTH_SECRET");
  if (typeof secret !== "string") throw new Error("the worker tests bind AUTH_SECRET (vitest.config.ts)");
  return secret;
};

describe("Security — forged socket tickets", () => {
  it("[G8][A7][A4] forged, tampered, expired and foreign tickets are closed with 4401 and create 0 rooms", async () => {
    const rng = seededRng("forged tickets");
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
    const b64 = (input: string | Uint8Array) => base64url.encode(input);
    // A real user whose genuine tickets the attacker edits.
    const alice = freshUser("alice");
    const aliceToken = await login(alice);
    const key = await ticketKey(serverSecret());
    const attackerKey = await ticketKey(`attacker-${b64(bytes(24))}`);
    const kinds: Record<string, (victim: string) => Promise<string>> = {
      // The attack of the issue: the first ticket format, `base64url(userId).<32 random bytes>`.
      "first format": async (victim) => `${b64(victim)}.${b64(bytes(32))}`,
      "random mac": async (victim) => `${b64(victim)}.${Date.now() + TICKET_TTL_MS / 2}.${b64(bytes(16))}.${b64(bytes(32))}`,
      "tampered user id": async (victim) => [b64(victim), ...(await ticket(aliceToken)).split(".").slice(1)].join("."),
      "expired, correctly signed": async (victim) => (await issueTicket(key, victim, Date.now() - TICKET_TTL_MS - 1_000)).ticket,
      "signed with another secret": async (victim) => (await issueTicket(attackerKey, victim, Date.now())).ticket,
      "a bearer token": async () => aliceToken,
    };
    const victims: string[] = [];
    let refused = 0;
    for (const [kind, forge] of Object.entries(kinds)) {
      for (let i = 0; i < PER_KIND; i++) {
        const victim = `victim-${rng.int(2 ** 30).toString(36)}-${kind.length}-${i}`;
        victims.push(victim);
        const outcome = await upgradeOutcome(`ticket=${encodeURIComponent(await forge(victim))}`);
        expect(outcome, `${kind} #${i}`).toMatchObject({ status: 101, opened: false, close: { code: CLOSE_CODES.unauthorized } });
        refused++;
      }
    }
    let roomsCreated = 0;
    let alarmsArmed = 0;
    for (const victim of victims) {
      const storage = await storageOf(victim);
      if (storage.tables > 0) roomsCreated++;
      if (storage.alarm !== null) alarmsArmed++;
    }
    // The measure can see a room: the real user's, reached by verified requests, has tables.
    const control = await storageOf(alice);
    console.log(
      `[G8] forged tickets: ${victims.length} sent (${PER_KIND} each: ${Object.keys(kinds).join(", ")}), ` +
        `${refused} closed with ${CLOSE_CODES.unauthorized}; rooms created: ${roomsCreated}, alarms armed: ${alarmsArmed} ` +
        `(control room of a verified user: ${control.tables} tables) seed=${rng.seed}`,
    );
    expect(control.tables).toBeGreaterThan(0);
    expect({ roomsCreated, alarmsArmed }).toEqual({ roomsCreated: 0, alarmsArmed: 0 });
  });

  it("[G8] a verified room arms no alarm until it holds an event", async () => {
    const user = freshUser("empty");
    const http = api(await login(user));
    expect((await http.get("/api/v1/state")).status).toBe(200);
    const empty = await storageOf(user);
    expect(empty.tables).toBeGreaterThan(0);
    expect(empty.alarm).toBeNull();
    expect((await http.post("/api/v1/tasks", { action: "create", task: { title: "First" } })).status).toBe(201);
    expect((await storageOf(user)).alarm).not.toBeNull();
  });
});
