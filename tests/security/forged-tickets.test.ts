/**
 * The standing attack suite, forged tickets (docs/PROTOCOL.md X4, G8, A4):
 * socket upgrades with tickets nobody issued — for user ids that have no
 * room — with a real ticket's secret under another user id, with a ticket
 * already redeemed, malformed, or a bearer token in its place. None may open
 * a socket, and none may create a room: rooms are counted on disk, in the dev
 * server's state directory (one SQLite file per Durable Object).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TicketSchema } from "../../shared/api.ts";
import { login } from "../integration/clients.ts";
import { type DevServer, newStateDir, startDevServer } from "../integration/dev-server.ts";
import { seededRng } from "../support/random.ts";

const FORGED = 40;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** Rooms on disk: the Durable Objects of the Brain class that have storage. */
function rooms(stateDir: string): number {
  const root = join(stateDir, "v3", "do");
  const classes = readdirSync(root).filter((name) => name.endsWith("-Brain"));
  return classes.reduce((n, dir) => n + readdirSync(join(root, dir)).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)).length, 0);
}

/**
 * Tries an upgrade. Connected means a room spoke: a room sends Yjs sync step 1
 * the moment it accepts a socket. A 401, a reset, or an upgrade closed before
 * any frame (a refusal as a 4401 close, A4) is not connected; how it ended is
 * kept for the report.
 */
function upgrade(server: DevServer, ticket: string): Promise<{ connected: boolean; how: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${server.host}/api/v1/socket?ticket=${encodeURIComponent(ticket)}`);
    ws.once("message", () => {
      ws.close();
      resolve({ connected: true, how: "connected" });
    });
    ws.once("unexpected-response", (request, response) => {
      request.destroy();
      resolve({ connected: false, how: `http ${response.statusCode}` });
    });
    ws.once("error", (error) => resolve({ connected: false, how: `error ${error.message}` }));
    ws.once("close", (code) => resolve({ connected: false, how: `close ${code}` }));
  });
}

async function ticketOf(server: DevServer, token: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  return TicketSchema.parse(await res.json()).ticket;
}

describe("Security — forged socket tickets against the dev server", () => {
  const stateDir = newStateDir();
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(stateDir, { LOG_LEVEL: "error" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`[X4][G8][A4] ${FORGED} forged, a reused, a re-addressed and malformed tickets: 0 sockets open, 0 rooms created`, async () => {
    const rng = seededRng("security forged tickets");
    const token = await login(server, "ticket-owner");
    const used = await ticketOf(server, token);
    expect(await upgrade(server, used), "a ticket the server issued opens a socket").toEqual({ connected: true, how: "connected" });
    const before = rooms(stateDir);

    const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
    const attempts: string[] = [];
    // Well-formed tickets for users who have no room, as `base64url(userId) "." 32 random bytes` (A4's old format).
    for (let i = 0; i < FORGED; i++) attempts.push(`${b64url(new TextEncoder().encode(`forged-${rng.seed}-${i}`))}.${b64url(bytes(32))}`);
    // A real, unused ticket re-addressed to a user with no room: whatever follows the first dot, under another name.
    const real = await ticketOf(server, token);
    attempts.push(`${b64url(new TextEncoder().encode(`readdressed-${rng.seed}`))}${real.slice(real.indexOf("."))}`);
    // Redeemed already (A4: single use), malformed, and a bearer token where the ticket goes.
    attempts.push(used, "", "x", "a.b", `${"A".repeat(300)}.${"A".repeat(43)}`, token);

    const outcomes = new Map<string, number>();
    for (const ticket of attempts) {
      const { how } = await upgrade(server, ticket);
      outcomes.set(how, (outcomes.get(how) ?? 0) + 1);
    }
    const created = rooms(stateDir) - before;
    console.log(
      `[X4] forged tickets: ${attempts.length} upgrades with tickets nobody issued or already used; ` +
        `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; rooms created ${created} (${before} before)`,
    );
    expect(outcomes.get("connected") ?? 0).toBe(0);
    expect(created).toBe(0);
  }, 120_000);
});
