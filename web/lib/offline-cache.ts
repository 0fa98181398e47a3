/**
 * The last known state of the signed-in user, kept on this device so the app opens
 * with no network (docs/PROTOCOL.md W41): messages, reminders, preferences, the
 * plan — what `GET /api/v1/state` returned or the app last wrote into its cache.
 * The task/note document has its own copy in IndexedDB (y-indexeddb, brain-provider).
 *
 * Kept in localStorage under one key per user, read back through `BrainStateSchema`
 * (a copy written by another version, or tampered with, is ignored), at most
 * `MAX_CACHED_STATE_CHARS`, and only ever returned to the user it belongs to.
 * `clearLocalData(userId)` removes it with the rest of the user's local data (sign out).
 */
import type { QueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { type BrainState, BrainStateReadSchema, BrainStateSchema } from "../../shared/api.ts";
import { ApiError } from "./api.ts";
import { localDatabaseOf, outboxKeyOf, signedIn, stateKeyOf } from "./local-user.ts";
import { deleteSwSession, readSwSession } from "./sw-session.ts";

/** localStorage holds about 5 M characters per origin, shared with the outbox and the session. */
export const MAX_CACHED_STATE_CHARS = 1_000_000;
/** When the state is larger than the cap, the newest messages kept (the rest come back online). */
const TRIMMED_MESSAGES = 20;
/** State updates can come per frame (a streamed reply): write at most this often, and on leaving the page. */
const WRITE_EVERY_MS = 1_000;

// D40: a cached state is read like a fetched one (unknown fields dropped); what is saved is checked strictly.
const CachedStateSchema = z.strictObject({ v: z.literal(1), savedAt: z.string(), state: BrainStateReadSchema });

/** The user the session's token names (the server verified it; this only names local storage). */
export const sessionUser = (): string | null => signedIn()?.userId ?? null;

/** The stored copy, as JSON, or null when even trimmed it passes the cap. */
function serialize(state: BrainState): string | null {
  const full = JSON.stringify({ v: 1, savedAt: new Date().toISOString(), state });
  if (full.length <= MAX_CACHED_STATE_CHARS) return full;
  const trimmed = JSON.stringify({ v: 1, savedAt: new Date().toISOString(), state: { ...state, recentMessages: state.recentMessages.slice(-TRIMMED_MESSAGES) } });
  return trimmed.length <= MAX_CACHED_STATE_CHARS ? trimmed : null;
}

/** Keeps `state` as its user's last known state (replacing the previous copy). */
export function saveState(state: BrainState): void {
  const key = stateKeyOf(state.userId);
  const json = serialize(state);
  try {
    if (json === null) localStorage.removeItem(key);
    else localStorage.setItem(key, json);
  } catch {
    // Storage full or refused (private mode): the app still works online; nothing to keep.
    localStorage.removeItem(key);
  }
}

/** The last known state of `userId`, or null when none is kept (or it does not parse). */
export function readState(userId: string): BrainState | null {
  try {
    const parsed = CachedStateSchema.safeParse(JSON.parse(localStorage.getItem(stateKeyOf(userId)) ?? "null"));
    return parsed.success && parsed.data.state.userId === userId ? parsed.data.state : null;
  } catch {
    return null;
  }
}

/** The state could not be fetched and this device keeps no usable copy: what the error view says. */
export class NoOfflineCopyError extends Error {
  constructor(cause: unknown) {
    super("You're offline, and this device has no saved copy of your data yet. Connect once, then the app opens offline too.", { cause });
    this.name = "NoOfflineCopyError";
  }
}

/**
 * `fetchState`, or — when the request got no answer at all (offline, the server
 * down: anything but an `ApiError`) — the signed-in user's last known state, or
 * `NoOfflineCopyError` when there is none. An answer from the server (401, 500…)
 * is never papered over with the local copy.
 */
export async function withOfflineFallback(fetchState: () => Promise<BrainState>): Promise<BrainState> {
  try {
    return await fetchState();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const user = sessionUser();
    const kept = user === null ? null : readState(user);
    if (kept === null) throw new NoOfflineCopyError(error);
    return kept;
  }
}

/** Query retry: once, as the app's default — but not when offline with no copy (a retry would wait for the network, blank). */
export const retryUnlessNoCopy = (failures: number, error: Error) => !(error instanceof NoOfflineCopyError) && failures < 1;

/**
 * Keeps the state query's data on this device whenever it changes — fetched, or
 * updated in place from socket frames — throttled, and flushed when the page is hidden.
 * Returns the unsubscribe.
 */
export function persistStateQuery(queryClient: QueryClient, stateKey: readonly unknown[]): () => void {
  let pending: { data: unknown } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending === null) return;
    // Parsed once per write, not per update (updates can come per streamed token).
    const parsed = BrainStateSchema.safeParse(pending.data);
    pending = null;
    // Only the signed-in user's own state is kept, under their own key.
    if (parsed.success && parsed.data.userId === sessionUser()) saveState(parsed.data);
  };
  const matches = (key: readonly unknown[]) => key.length === stateKey.length && key.every((part, i) => part === stateKey[i]);
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" || event.action.type !== "success" || !matches(event.query.queryKey)) return;
    pending = { data: event.query.state.data };
    timer ??= setTimeout(flush, WRITE_EVERY_MS);
  });
  const onHide = () => {
    if (document.visibilityState === "hidden") flush();
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", flush);
  return () => {
    flush();
    unsubscribe();
    document.removeEventListener("visibilitychange", onHide);
    window.removeEventListener("pagehide", flush);
  };
}

/** Resolves when the database is deleted — or deletion is queued behind a connection still open (it completes when that closes). */
const deleteDatabase = (name: string) =>
  new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });

/**
 * Removes everything this browser keeps for `userId`: the last known state, the
 * outbox of unsent messages, the IndexedDB copy of the task/note document, and the
 * service worker's copy of the session (W64: its buttons then open the app instead).
 * For sign out on a shared computer: call it after the app's connection is closed
 * (the signed-in shell unmounted), e.g. `await clearLocalData(userId)` before
 * navigating to /login; `sessionUser()` names the user while the token is still set.
 * The service worker's cache holds only the app's code, no user data, and stays.
 */
export async function clearLocalData(userId: string): Promise<void> {
  localStorage.removeItem(stateKeyOf(userId));
  localStorage.removeItem(outboxKeyOf(userId));
  await deleteDatabase(localDatabaseOf(userId));
  const kept = await readSwSession();
  if (kept === null || kept.userId === userId) await deleteSwSession();
}
