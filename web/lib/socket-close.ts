/**
 * What the web app does when its socket closes (docs/PROTOCOL.md P15). A
 * close with 4401 is the server refusing the ticket, not the network: the
 * provider's next connect fetches a fresh ticket (and a refused token there
 * sends the user to sign-in, web/lib/api.ts). A refused socket opens before it
 * closes, which resets the provider's backoff, so refusals are counted here —
 * reset only by a `welcome` — and after a few fresh tickets in a row the app
 * stops instead of retrying forever.
 */
import { CLOSE_CODES } from "../../shared/protocol.ts";

/** Fresh tickets refused in a row before the app stops reconnecting. */
export const MAX_TICKET_REFUSALS = 3;

export type SocketCloseVerdict = {
  /** `reconnect`: a network failure, retried with backoff; `new-ticket`: reconnect with a fresh ticket; `stop`: sign in again. */
  action: "reconnect" | "new-ticket" | "stop";
  /** Refusals in a row, counting this close. */
  refusals: number;
};

export function afterSocketClose(code: number | undefined, refusals: number): SocketCloseVerdict {
  if (code !== CLOSE_CODES.unauthorized) return { action: "reconnect", refusals };
  const next = refusals + 1;
  return { action: next >= MAX_TICKET_REFUSALS ? "stop" : "new-ticket", refusals: next };
}
