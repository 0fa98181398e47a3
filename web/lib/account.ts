/**
 * The signed-in user as this browser knows it, and signing out (W32, W33).
 * The token was verified by the server when it was issued and on every call;
 * here its `sub` is only read, to name the user and their local data.
 */
import type { QueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { session } from "./api.ts";

const TokenClaimsSchema = z.object({ sub: z.string().max(256).optional(), name: z.string().max(256).optional() });

export type Account = { userId: string; name: string };

/** The user inside a token (its `sub`, and `name` when the identity provider sets one); null for a token that does not parse. */
export function accountOf(token: string): Account | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const claims = TokenClaimsSchema.safeParse(JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))));
    if (!claims.success || !claims.data.sub) return null;
    return { userId: claims.data.sub, name: claims.data.name ?? claims.data.sub };
  } catch {
    return null;
  }
}

export const signedIn = (): Account | null => (session.token ? accountOf(session.token) : null);

/** The avatar's letter: the first letter or digit of the name, upper-cased. */
export const initialOf = (name: string): string => (name.match(/[\p{L}\p{N}]/u)?.[0] ?? "?").toUpperCase();

/**
 * W33: keys of the user's own data in localStorage end in `.<userId>` (the
 * outbox: `micro-cos.outbox.<userId>`) — sign-out removes them. These are the
 * user's too though not named by user (one user at a time on a browser).
 */
const USER_KEYS = ["micro-cos.token", "micro-cos.zone-kept"];

/** The y-indexeddb database holding the user's document (brain-provider.tsx). */
export const localDatabaseOf = (userId: string): string => `micro-cos-${userId}`;

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
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k): k is string => k !== null);
  for (const key of account ? userKeys(account.userId, keys) : USER_KEYS) localStorage.removeItem(key);
  session.token = null;
  queryClient.clear();
  await leave();
  if (account) await deleteDatabase(localDatabaseOf(account.userId));
  await forgetApiResponses();
}

/** Resolves when the database is gone. Blocked by another open tab of the user, it is deleted once that tab closes it. */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    // Still queued: the deletion completes when the last connection closes; the user need not wait for it.
    request.onblocked = () => resolve();
  });
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
