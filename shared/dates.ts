/**
 * Dates in the user's time zone, shared by the room and the web app: natural
 * language read by chrono-node, wall-clock times converted DST-correctly.
 */
import * as chrono from "chrono-node";

/** Minutes east of UTC that `timeZone` is at `instant`. */
export function zoneOffsetMinutes(timeZone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of a wall-clock time in `timeZone` (DST-aware: the offset is taken at that time). */
export function zonedToUtc(timeZone: string, y: number, m: number, d: number, hh: number, mm: number): Date {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  return new Date(guess - zoneOffsetMinutes(timeZone, new Date(first)) * 60_000);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function localDate(timeZone: string, instant: Date): string {
  // Building an Intl formatter costs far more than using one; budget checks and task lists ask often.
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/**
 * The day a daily limit counts on (C13, G6): the user's local day in
 * `timeZone` — the preference zone when the call is made — not the UTC day.
 */
export const dayOf = (ms: number, timeZone: string): string => localDate(timeZone, new Date(ms));

/** The first instant of the local day after the one `ms` falls on, in `timeZone` (DST-aware). */
export function nextDayStart(ms: number, timeZone: string): number {
  const today = dayOf(ms, timeZone);
  const [y, m, d] = today.split("-").map(Number);
  let at = zonedToUtc(timeZone, y!, m!, d! + 1, 0, 0).getTime();
  // Where midnight does not exist (a DST change at 00:00, as in America/Santiago) the day begins
  // after the gap; zonedToUtc may land just before it, still on `today`.
  while (dayOf(at, timeZone) <= today) at += 60_000;
  return at;
}

/**
 * Seconds until the local day in `timeZone` is past `day` (by default the day
 * `ms` falls on): the `retryAfter` of a spent daily budget. `day` may be later
 * than today's local date after the preference zone moved west (C13).
 */
export function secondsToNextDay(ms: number, timeZone: string, day = dayOf(ms, timeZone)): number {
  let at = ms;
  while (dayOf(at, timeZone) <= day) at = nextDayStart(at, timeZone);
  return Math.max(1, Math.ceil((at - ms) / 1000));
}

/** The local calendar date a due value falls on in `timeZone`: a date as it is, a date-time converted. */
export const dueDay = (due: string, timeZone: string): string => (due.length === 10 ? due : localDate(timeZone, new Date(due)));

/**
 * Whether `due` has passed at `now` (S12): judged by instant, not calendar
 * date. A date-time is overdue the moment after it (due 15:01 is overdue at
 * 15:02); a date without a time is overdue once that local day has ended in
 * `timeZone`.
 */
export function isOverdue(due: string, now: Date, timeZone: string): boolean {
  if (due.length === 10) return due < localDate(timeZone, now);
  return new Date(due).getTime() < now.getTime();
}

export const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
export const clean = (s: string) => s.replace(/\s+/g, " ").replace(/^[\s,.:;-]+|[\s,.!?:;-]+$/g, "").trim();

/**
 * Reads a due date from `text`; returns it, the text without the date words,
 * and `at`, where in `rest` the date words were (task-input.ts drops the
 * "by" or "on" left dangling there).
 */
export function extractDue(text: string, timeZone: string, now: Date): { due: string | null; rest: string; at: number } {
  const [result] = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(timeZone, now) }, { forwardDate: true });
  if (!result) return { due: null, rest: text, at: text.length };
  const rest = text.slice(0, result.index) + text.slice(result.index + result.text.length);
  const start = result.start;
  const relative = /\bin\s+\d+|\bin\s+(an?|one|two|three|few)\b/i.test(result.text);
  if (!start.isCertain("hour") && !relative) {
    return { due: localDate(timeZone, start.date()), rest, at: result.index };
  }
  if (relative) return { due: start.date().toISOString(), rest, at: result.index };
  const due = zonedToUtc(timeZone, start.get("year")!, start.get("month")!, start.get("day")!, start.get("hour")!, start.get("minute") ?? 0);
  return { due: due.toISOString(), rest, at: result.index };
}

