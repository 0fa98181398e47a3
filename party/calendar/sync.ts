/**
 * One sync of one source (K7–K10): fetches what changed and returns a
 * closure that writes it, so the caller applies it in one transaction with the
 * status event. Failures are values with a short message in words: the status
 * a user sees, never a server's body (outside content is data, K12).
 */
import { syncCaldav } from "./caldav-sync.ts";
import { syncIcs } from "./ics-sync.ts";
import type { StoredSource } from "./store.ts";
import type { SyncDeps, SyncOutcome } from "./sync-window.ts";

export type { SyncDeps, SyncOutcome } from "./sync-window.ts";

/** K10: every source syncs this often while the room has sources. */
export const SYNC_EVERY_MS = 15 * 60 * 1000;
/** K10: waits after 1, 2, 3 and 4+ failures in a row. */
export const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;

export const nextAfterSuccess = (now: number) => now + SYNC_EVERY_MS;
export const nextAfterFailure = (now: number, failures: number) => now + BACKOFF_MS[Math.min(Math.max(failures, 1), BACKOFF_MS.length) - 1]!;

export function syncSource(deps: SyncDeps, source: StoredSource): Promise<SyncOutcome> {
  return source.kind === "ics" ? syncIcs(deps, source) : syncCaldav(deps, source);
}
