/**
 * The worker the Yjs benchmark runs: the real app (Brain behind /api/*) plus
 * a bare y-partyserver `YServer` with none of our logic, the reference for
 * device-to-device latency. Bench only; never deployed.
 */
import { routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";
import app from "../party/server.ts";

export { Brain } from "../party/server.ts";

export class BareRoom extends YServer {
  static override options = { hibernate: true };
}

export default {
  async fetch(request: Request<unknown, IncomingRequestCfProperties>, env: Env): Promise<Response> {
    if (new URL(request.url).pathname.startsWith("/parties/bare-room/")) {
      return (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 });
    }
    return app.fetch(request, env);
  },
};
