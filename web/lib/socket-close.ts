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

/** W44: the first wait before trying again when a connect could not even start (its ticket could not be fetched). */
export const CONNECT_RETRY_FIRST_MS = 1_000;
/** W44: the longest wait between such tries. */
export const CONNECT_RETRY_MAX_MS = 30_000;

/**
 * How long to wait before the next try after `failures` connects in a row that
 * could not fetch their ticket (server unreachable, a proxy's error page): 1 s,
 * doubling, at most 30 s. y-partyserver's provider retries a socket that
 * closes, but not a connect whose ticket request failed — that one would stay
 * offline until a reload or the browser's `online` event.
 */
export const connectRetryDelay = (failures: number): number => Math.min(CONNECT_RETRY_MAX_MS, CONNECT_RETRY_FIRST_MS * 2 ** Math.max(0, failures));

/**
 * U11, U15 (W113): a close that is about the account's data, not the network:
 * `reload` — an import replaced the data (4409): reconnect as usual and read
 * the state again; `signed-out` — the account was deleted (4410): do not
 * reconnect, clear this user's local data and go to sign-in. Null otherwise.
 */
export function afterDataClose(code: number | undefined): "reload" | "signed-out" | null {
  if (code === CLOSE_CODES.dataReplaced) return "reload";
  if (code === CLOSE_CODES.accountDeleted) return "signed-out";
  return null;
}
