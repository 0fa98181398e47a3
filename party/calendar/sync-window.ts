/**
 * What a sync needs and gives (K7–K10), apart from the sync itself so the ICS
 * and CalDAV halves share it without importing each other.
 */
import { SYNC_WINDOW_AHEAD_DAYS, SYNC_WINDOW_BACK_DAYS } from "../../shared/calendar.ts";
import type { Result } from "../../shared/errors.ts";
import type { CalendarStore } from "./store.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** K8: validators are trusted this long; then the whole calendar is read again so the window moves forward. */
export const REEXPAND_EVERY_MS = DAY_MS;

export type SyncDeps = {
  store: CalendarStore;
  development: boolean;
  /** The preference zone, read once per sync. */
  timeZone: string;
  now: number;
  fetch: typeof fetch | null;
};

/** What a finished fetch writes: the number of occurrences added, changed or removed. */
export type SyncOutcome = Result<{ apply: () => number }>;

/** K7: 30 days back, 365 ahead of `now`. */
export const windowAt = (now: number) => ({ fromMs: now - SYNC_WINDOW_BACK_DAYS * DAY_MS, toMs: now + SYNC_WINDOW_AHEAD_DAYS * DAY_MS });

/** Whether the stored occurrences were expanded long enough ago that the window has moved (K8). */
export const windowMoved = (expandedAt: number | null, now: number) => expandedAt === null || now - expandedAt >= REEXPAND_EVERY_MS;
