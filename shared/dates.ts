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

/** The UTC day a budget counts in (C13), and the seconds until it ends. */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const secondsToMidnightUtc = (ms: number) =>
  Math.max(1, Math.ceil((Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), new Date(ms).getUTCDate() + 1) - ms) / 1000));

/** The calendar date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function localDate(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
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

