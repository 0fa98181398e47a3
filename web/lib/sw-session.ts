/**
 * The service worker's copy of the session (docs/PROTOCOL.md W64): `{userId, deviceId, token}`
 * in IndexedDB `micro-cos-sw`, store `session`, key `current` — the contract's names. A service
 * worker cannot read localStorage, and a notification's Done / Snooze must call the API with
 * this device's credentials while no page is open. The page writes it whenever it is signed in
 * (on sign-in, and whenever the token or the device id changes) and sign-out deletes it with
 * the user's other local stores (`clearLocalData`, offline-cache.ts).
 *
 * Used by the page and by `web/sw.ts` alike: only `indexedDB`, no DOM.
 */
import { z } from "zod";

export const SW_DATABASE = "micro-cos-sw";
export const SW_STORE = "session";
export const SW_KEY = "current";

/** What the worker reads back; a copy that does not parse is as good as none (it opens the app instead). */
export const SwSessionSchema = z.object({
  userId: z.string().min(1).max(256),
  deviceId: z.string().min(1).max(128),
  token: z.string().min(1).max(8_192),
});
export type SwSession = z.infer<typeof SwSessionSchema>;

/** Whether the mirror must be written again: nothing kept, or any of its three fields changed. */
export const sessionChanged = (kept: SwSession | null, now: SwSession): boolean =>
  kept === null || kept.userId !== now.userId || kept.deviceId !== now.deviceId || kept.token !== now.token;

/** The headers the worker sends with a notification's action (H7, H13). */
export const actionHeaders = (session: SwSession, idempotencyKey: string): Record<string, string> => ({
  authorization: `Bearer ${session.token}`,
  "x-device-id": session.deviceId,
  "idempotency-key": idempotencyKey,
});

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });

function open(): Promise<IDBDatabase> {
  const request = indexedDB.open(SW_DATABASE, 1);
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains(SW_STORE)) request.result.createObjectStore(SW_STORE);
  };
  return done(request);
}

async function inStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(SW_STORE, mode);
    const result = await done(run(tx.objectStore(SW_STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
    return result;
  } finally {
    db.close();
  }
}

/** The kept session, or null (none, storage refused, or a copy that does not parse). */
export async function readSwSession(): Promise<SwSession | null> {
  try {
    const parsed = SwSessionSchema.safeParse(await inStore("readonly", (s) => s.get(SW_KEY)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Keeps `session` for the worker (replacing the previous one) when it changed. Never throws: without it, clicks open the app. */
export async function writeSwSession(session: SwSession): Promise<void> {
  try {
    if (!sessionChanged(await readSwSession(), session)) return;
    await inStore("readwrite", (s) => s.put(session, SW_KEY));
  } catch {
    // Storage refused (private mode): the worker's buttons open the app instead (W64).
  }
}

/** Forgets the worker's copy (sign-out). */
export async function deleteSwSession(): Promise<void> {
  try {
    await inStore("readwrite", (s) => s.delete(SW_KEY));
  } catch {
    // Nothing kept, or storage refused: nothing to delete.
  }
}
