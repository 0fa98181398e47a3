/**
 * The worker the Yjs benchmark runs: the real app (Brain behind /api/*) plus
 * a bare y-partyserver `YServer` with none of our logic, the reference for
 * device-to-device latency. Bench only; never deployed.
 */
import { type Connection, routePartykitRequest, Server, type WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import app from "../party/server.ts";

export { ArchitectWorkflow, Brain } from "../party/server.ts";

export class BareRoom extends YServer {
  static override options = { hibernate: true };
}

/** The token-relay reference: forwards chunks from a fixed-rate source to every socket, nothing else. */
export class BareRelay extends Server {
  override async onMessage(_connection: Connection, message: WSMessage): Promise<void> {
    const match = typeof message === "string" ? /^go:(\d+):(\d+)$/.exec(message) : null;
    if (!match) return;
    const [count, interval] = [Number(match[1]), Number(match[2])];
    const turnId = crypto.randomUUID();
    for (let seq = 0; seq < count; seq++) {
      await new Promise((r) => setTimeout(r, interval));
      this.broadcast(JSON.stringify({ type: "llm.token", turnId, seq, token: ` w${seq}` }));
    }
    this.broadcast(JSON.stringify({ type: "llm.completed", turnId }));
  }
}

export default {
  async fetch(request: Request<unknown, IncomingRequestCfProperties>, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/parties/bare-room/") || path.startsWith("/parties/bare-relay/")) {
      return (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 });
    }
    return app.fetch(request, env);
  },
};
