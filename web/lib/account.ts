/**
 * The signed-in user as this browser knows it, and signing out (W32, W33).
 * The token was verified by the server when it was issued and on every call;
 * here its `sub` is only read, to name the user and their local data.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { BrainState } from "../../shared/api.ts";
import { api, session } from "./api.ts";
import { DEVICE_KEY } from "./device.ts";
import { brainKeys } from "./queries.ts";
import { signedIn } from "./local-user.ts";
import { clearLocalData } from "./offline-cache.ts";
import { stopSpeaking } from "./voice/speech-control.ts";

export { type Account, accountOf, signedIn } from "./local-user.ts";

/** The avatar's letter: the first letter or digit of the name, upper-cased. */
export const initialOf = (name: string): string => (name.match(/[\p{L}\p{N}]/u)?.[0] ?? "?").toUpperCase();

/**
 * W33: what signing out now would delete before it reached the room, as the
 * sentence the confirmation says; null when nothing is pending (sign out at once).
 */
export function unsentAtSignOut(unsentMessages: number, live: boolean): string | null {
  const parts: string[] = [];
  if (unsentMessages > 0) parts.push(`${unsentMessages} ${unsentMessages === 1 ? "message" : "messages"} not sent yet will be deleted from this browser.`);
  if (!live) parts.push("You are not connected: changes to tasks and notes made since the connection dropped may not have been saved and will be deleted from this browser.");
  return parts.length > 0 ? parts.join(" ") : null;
}

/**
 * W33: keys of the user's own data in localStorage end in `.<userId>` (the
 * outbox: `micro-cos.outbox.<userId>`) — sign-out removes them. These are the
 * user's too though not named by user (one user at a time on a browser).
 */
const USER_KEYS = ["micro-cos.token", "micro-cos.zone-kept"];

/** Every localStorage key that belongs to `userId` on this browser. */
export function userKeys(userId: string, keys: readonly string[]): string[] {
  return keys.filter((k) => USER_KEYS.includes(k) || (k.startsWith("micro-cos.") && (k.endsWith(`.${userId}`) || k.includes(`.${userId}.`))));
}

/**
 * Forgets the session, the query cache and the user's local data on this
 * browser (W33): the token and every per-user key at once (so nothing of the
 * user is readable from here on), then the IndexedDB document once the live
 * connection let go of it. The device's own id and name stay: they name the
 * device, not the user. Call `leave` (navigate to sign-in) in between: leaving
 * the app unmounts the provider, which closes the database.
 */
export async function signOut(queryClient: QueryClient, leave: () => Promise<void>): Promise<void> {
  const account = signedIn();
  // W122: the user's reply stops being read the moment they sign out (its next sentence would need their token).
  stopSpeaking();
  // W64: no push of this user reaches this browser any more: the room forgets this device's
  // subscriptions while the token still opens it, and the browser ends its own.
  await forgetPushHere(queryClient);
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k): k is string => k !== null);
  for (const key of account ? userKeys(account.userId, keys) : USER_KEYS) localStorage.removeItem(key);
  session.token = null;
  queryClient.clear();
  await leave();
  // The kept state, the outbox and the IndexedDB document: one list of the user's local stores (offline-cache.ts).
  if (account) await clearLocalData(account.userId);
  await forgetApiResponses();
}

/** API answers a service worker may have cached (the offline shell) are the user's data too. */
async function forgetApiResponses(): Promise<void> {
  if (!("caches" in window)) return;
  try {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) if (new URL(request.url).pathname.startsWith("/api/")) await cache.delete(request);
    }
  } catch {
    // Cache Storage unavailable (a private window): nothing was cached there.
  }
}

/**
 * W64: this browser's push subscription ends with the session — a signed-out browser shows
 * none of the user's notifications. The room's side first (it would otherwise push until the
 * push service answers 410); offline, that fails and the browser's unsubscribe alone stands.
 */
async function forgetPushHere(queryClient: QueryClient): Promise<void> {
  const state = queryClient.getQueryData<BrainState>(brainKeys.state());
  const here = localStorage.getItem(DEVICE_KEY);
  const mine = (state?.pushSubscriptions ?? []).filter((s) => s.deviceId === here);
  // Bounded: a server that does not answer must not hold the sign-out (the 410 path still ends it).
  const removed = Promise.allSettled(mine.map((s) => api.pushUnsubscribe(s.id)));
  await Promise.race([removed, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  try {
    if (!("serviceWorker" in navigator)) return;
    const registration = await navigator.serviceWorker.getRegistration();
    await (await registration?.pushManager?.getSubscription())?.unsubscribe();
  } catch {
    // No push here, or the push service unreachable: the room's next push to it is refused and dropped.
  }
}
