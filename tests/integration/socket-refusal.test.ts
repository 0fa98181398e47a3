/**
 * Refused sockets through the real dev server (issue 11, item 8): a proxy in
 * front of the rooms (here Vite's dev server) turned a plain 401 to an upgrade
 * into "socket hang up". A refusal is now a close with 4401 that any client
 * sees as such (P15), and a genuine ticket still opens a socket.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { http, login } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

type Outcome = { kind: "closed"; code: number; reason: string } | { kind: "opened" } | { kind: "error"; message: string };

/** Opens a socket with `ticket` and reports the first thing that happens to it. */
function open(server: DevServer, ticket: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${server.host}/api/v1/socket?ticket=${encodeURIComponent(ticket)}`);
    ws.on("message", () => {
      resolve({ kind: "opened" });
      ws.close();
    });
    ws.on("close", (code, reason) => resolve({ kind: "closed", code, reason: reason.toString() }));
    ws.on("error", (error) => resolve({ kind: "error", message: error.message }));
  });
}

describe("Auth — refused sockets on a running dev server", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("[P15][A4] forged, tampered and reused tickets close with 4401 and a reason, never a hang-up; a genuine ticket opens", async () => {
    const token = await login(server, "erin");
    const ticket = async () => (await http(server, token)<{ ticket: string }>("POST", "/api/v1/socket/ticket")).body.ticket;
    const genuine = await ticket();
    expect(await open(server, genuine)).toEqual({ kind: "opened" });
    const other = await ticket();
    const refusals = {
      reused: genuine,
      tampered: [Buffer.from("mallory").toString("base64url"), ...other.split(".").slice(1)].join("."),
      forged: `${Buffer.from("frank").toString("base64url")}.${Date.now() + 30_000}.${"A".repeat(22)}.${"B".repeat(43)}`,
      "first format": `${Buffer.from("frank").toString("base64url")}.${"C".repeat(43)}`,
      missing: "",
    };
    const seen: Record<string, Outcome> = {};
    for (const [name, bad] of Object.entries(refusals)) seen[name] = await open(server, bad);
    console.log(`[P15] refusals through the dev server: ${JSON.stringify(seen)}`);
    for (const [name, outcome] of Object.entries(seen)) {
      expect(outcome, name).toMatchObject({ kind: "closed", code: CLOSE_CODES.unauthorized, reason: expect.stringMatching(/^unauthorized: socket ticket/) });
    }
  });
});
