/**
 * Sends one Web Push message (RFC 8030 / 8291 / 8292) with the `web-push`
 * library: `generateRequestDetails` encrypts the payload (aes128gcm) and signs
 * the VAPID JWT; the request itself goes through the platform's `fetch`
 * (web-push's own sender uses node:https, which workerd does not provide).
 * Works under `nodejs_compat` (wrangler.jsonc).
 *
 * The push service's answer is outside content: only its status is read, a
 * capped slice of its body is drained and dropped, and nothing about the
 * endpoint or keys is logged — the origin at most (N17).
 */
import webpush from "web-push";
import type { PushPayload } from "../../shared/push.ts";
import { checkEndpoint } from "./endpoint-guard.ts";
import type { StoredSubscription } from "./subscriptions.ts";
import type { VapidConfig } from "./vapid.ts";

/** A push service that has not answered in this long is treated as a transient failure (N14). */
export const PUSH_TIMEOUT_MS = 10_000;
/** Bytes of a push service's answer read at most (then the stream is cancelled). */
const MAX_ANSWER_BYTES = 4_096;

export type PushMessage = {
  subscription: StoredSubscription;
  payload: PushPayload;
  /** Seconds the push service keeps it for an offline device. */
  ttl: number;
  urgency: "very-low" | "low" | "normal" | "high";
  /** RFC 8030 §5.4: a later message with the same topic replaces an undelivered one. */
  topic: string;
};

/** What the room does next (N14): done; drop the subscription; try again later; or give up. */
export type PushOutcome =
  | { kind: "sent"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "retry"; status: number | null; retryAfterMs: number | null }
  | { kind: "failed"; status: number | null; reason: string };

/** The room's port: sends one message, never throws (N14). */
export type PushPort = (message: PushMessage) => Promise<PushOutcome>;

/**
 * `development` widens the endpoint guard to loopback (N4). The guard ran when the
 * subscription was stored; it runs again here, so a row stored under other
 * settings (a development state directory deployed, a hand-edited table) cannot
 * point the room at a private address.
 */
export async function sendPush(vapid: VapidConfig, message: PushMessage, development: boolean, fetcher: typeof fetch = fetch): Promise<PushOutcome> {
  if (!checkEndpoint(message.subscription.endpoint, development).ok) return { kind: "failed", status: null, reason: "the endpoint is not allowed (N4)" };
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpush.generateRequestDetails(
      { endpoint: message.subscription.endpoint, keys: message.subscription.keys },
      JSON.stringify(message.payload),
      { vapidDetails: vapid, TTL: message.ttl, urgency: message.urgency, topic: message.topic, contentEncoding: "aes128gcm" },
    );
  } catch {
    // A key the library cannot use (it validated, but not as a curve point): nothing to retry.
    return { kind: "failed", status: null, reason: "the subscription's keys cannot encrypt a message" };
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(details.headers)) headers.set(name, String(value));
  let response: Response;
  try {
    response = await fetcher(details.endpoint, {
      method: "POST",
      headers,
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: "manual",
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
  } catch {
    return { kind: "retry", status: null, retryAfterMs: null };
  }
  await drain(response);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: "sent", status };
  // 403: the push service refuses this subscription for good — made under another VAPID key, or revoked (N14).
  if (status === 403 || status === 404 || status === 410) return { kind: "gone", status };
  if (status === 429 || status >= 500) return { kind: "retry", status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
  return { kind: "failed", status, reason: `the push service answered ${status}` };
}

/** Reads at most MAX_ANSWER_BYTES of the answer and drops them: a hostile push service cannot make the room buffer a stream. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read < MAX_ANSWER_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The answer's body is of no use; its status is all the room reads.
  }
}

/** `Retry-After` in seconds (a date is ignored), capped at a day. */
function retryAfterMs(header: string | null): number | null {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return null;
  return Math.min(Number(header.trim()), 86_400) * 1_000;
}
