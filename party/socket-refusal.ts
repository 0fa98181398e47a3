/**
 * How a refused WebSocket upgrade is answered (docs/PROTOCOL.md A4, P15): the
 * upgrade is accepted and at once closed with `4401` and a reason. A plain
 * `401` to an upgrade reaches a browser as a failed connection with no status,
 * and proxies (the local dev server among them) turn it into "socket hang up",
 * so a client could not tell "sign in again" from "the network dropped". The
 * pair is made here, in the worker or the room's adapter: the refusal itself
 * touches no room.
 */
import { CLOSE_CODES } from "../shared/protocol.ts";

/** WebSocket close reasons are at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

export function refuseSocket(reason: string, requestId: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(CLOSE_CODES.unauthorized, `unauthorized: ${reason}`.slice(0, MAX_REASON_BYTES));
  return new Response(null, { status: 101, webSocket: client, headers: { "x-request-id": requestId } });
}
