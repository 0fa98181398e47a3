/**
 * Time on the timeline (docs/PROTOCOL.md W71, W73): days as ranges of instants
 * in the preference zone, hour marks that follow DST (a spring-forward day has
 * 23 marks, a fall-back day 25), positions as minutes since the day's start,
 * and the 15-minute snapping of a moved or resized block. Plain code, tested in
 * Node (tests/unit/timeline-time.test.ts).
 *
 * A day is drawn by elapsed time, not by wall clock: an hour is always the same
 * height, so a block keeps its length wherever it is dragged, and on a DST day
 * the repeated or missing hour shows as two marks or none.
 */
import { dayOf, nextDayStart } from "../../shared/dates.ts";
import { dayStart, isoInZone } from "../../shared/zoned.ts";

export const MINUTE_MS = 60_000;
/** W73: moves and resizes snap to a quarter hour. */
export const SNAP_MINUTES = 15;
/** The shortest a block can be made by a resize. */
export const MIN_BLOCK_MINUTES = 15;
/** The longest a block may be (a block is at most a day long: the document's BlockSchema). */
export const MAX_BLOCK_MINUTES = 24 * 60;

/** A local day: its date and its instants [from, to). */
export type Day = { date: string; from: number; to: number };

/** The local day `date` (YYYY-MM-DD) in `timeZone`. */
export function dayOfDate(date: string, timeZone: string): Day {
  const from = dayStart(date, timeZone);
  return { date, from, to: nextDayStart(from, timeZone) };
}

/** The date `n` days after `date` (calendar arithmetic: no zone, no DST). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n, 12)).toISOString().slice(0, 10);
}

/** ISO weekday of a date: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const day = new Date(Date.UTC(y!, m! - 1, d!, 12)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week `date` is in. */
export const weekStart = (date: string): string => addDays(date, 1 - isoWeekday(date));

/** The seven local days of the week (Monday first) `date` is in. */
export function weekDays(date: string, timeZone: string): Day[] {
  const monday = weekStart(date);
  return Array.from({ length: 7 }, (_, i) => dayOfDate(addDays(monday, i), timeZone));
}

/** Hour marks of a day: every instant in [from, to) where the local clock shows a full hour, with its offset from the day's start. */
export function hourMarks(day: Day, timeZone: string): { at: number; minute: number }[] {
  const marks: { at: number; minute: number }[] = [];
  // Every zone's offset is a multiple of 15 minutes: a local full hour is on a quarter-hour instant.
  for (let at = day.from; at < day.to; at += SNAP_MINUTES * MINUTE_MS) {
    if (isoInZone(at, timeZone).slice(14, 19) === "00:00") marks.push({ at, minute: (at - day.from) / MINUTE_MS });
  }
  return marks;
}

/** Minutes of the day's length (1380, 1440 or 1500). */
export const dayMinutes = (day: Day): number => (day.to - day.from) / MINUTE_MS;

/** Where `ms` falls on `day`, in minutes from its start, clamped to the day. */
export const minuteOf = (ms: number, day: Day): number => Math.min(dayMinutes(day), Math.max(0, (ms - day.from) / MINUTE_MS));

/**
 * A minute count rounded to the nearest multiple of SNAP_MINUTES. Instants
 * snap in UTC: every zone's offset is a multiple of 15 minutes, so a quarter
 * hour in UTC is a quarter hour on the local clock too.
 */
export const snapMinutes = (minutes: number): number => Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES;
export const snapInstant = (ms: number): number => Math.round(ms / (SNAP_MINUTES * MINUTE_MS)) * SNAP_MINUTES * MINUTE_MS;

export type Span = { start: number; end: number };

/** W73: a block moved by `minutes` (snapped): its start lands on a quarter hour, its length is kept. */
export function moved(span: Span, minutes: number): Span {
  const start = snapInstant(span.start + minutes * MINUTE_MS);
  return { start, end: start + (span.end - span.start) };
}

/** W73: a block's end moved by `minutes` (snapped), never shorter than MIN_BLOCK_MINUTES nor longer than a day. */
export function resized(span: Span, minutes: number): Span {
  const end = snapInstant(span.end + minutes * MINUTE_MS);
  const min = span.start + MIN_BLOCK_MINUTES * MINUTE_MS;
  const max = span.start + MAX_BLOCK_MINUTES * MINUTE_MS;
  return { start: span.start, end: Math.min(max, Math.max(min, end)) };
}

/** A pixel distance on a column `pxPerMinute` tall, as snapped minutes. */
export const pxToMinutes = (px: number, pxPerMinute: number): number => snapMinutes(px / pxPerMinute);

/** The wire form of a block's new times: ISO with the preference zone's offset (the document's BlockSchema). */
export const spanToIso = (span: Span, timeZone: string): { start: string; end: string } => ({ start: isoInZone(span.start, timeZone), end: isoInZone(span.end, timeZone) });

/** The local date of an instant (re-exported so views import time from one place). */
export const dateOf = dayOf;
