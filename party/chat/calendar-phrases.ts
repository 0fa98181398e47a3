/**
 * How the offline assistant reads days and times for the calendar
 * (docs/PROTOCOL.md K24, K25, K27): chrono-node in the preference zone, as the
 * reminders read them (shared/dates.ts), plus what people mean by a bare hour
 * — "at 3" in a question about the day is 3 PM, not 3 AM.
 */
import * as chrono from "chrono-node";
import { localDate, zonedToUtc, zoneOffsetMinutes } from "../../shared/dates.ts";

/** A day range of the agenda: the first local date and how many days. */
export type DaySpan = { date: string; days: number };

/** The most days one agenda answer covers (a week and a half). */
export const MAX_AGENDA_DAYS = 14;

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** ISO weekday of a local date, 1 = Monday … 7 = Sunday. */
const isoWeekday = (date: string) => ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** "today", "tomorrow", "this week", "next week", "on Friday", "March 9": the days the words name; today when none. */
export function readDays(text: string, timeZone: string, now: Date): DaySpan {
  const today = localDate(timeZone, now);
  if (/\bthis week\b/i.test(text)) return { date: today, days: 8 - isoWeekday(today) };
  if (/\bnext week\b/i.test(text)) return { date: addDays(today, 8 - isoWeekday(today)), days: 7 };
  const [found] = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(timeZone, now) }, { forwardDate: true });
  if (!found) return { date: today, days: 1 };
  const s = found.start;
  return { date: `${s.get("year")}-${String(s.get("month")).padStart(2, "0")}-${String(s.get("day")).padStart(2, "0")}`, days: 1 };
}

/** A moment the words name, with whether they said a time and what is left of them. */
export type Moment = { date: string; hour: number; minute: number; timeSaid: boolean; rest: string };

/** The first hour of the day a bare number (no am/pm) is read in the afternoon: "at 1" … "at 7" are 1 PM … 7 PM. */
const AFTERNOON_UNTIL = 7;

export function readMoment(text: string, timeZone: string, now: Date): Moment | null {
  const [found] = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(timeZone, now) }, { forwardDate: true });
  if (!found) return null;
  const s = found.start;
  const rest = (text.slice(0, found.index) + text.slice(found.index + found.text.length)).replace(/\s+/g, " ").trim();
  const date = `${s.get("year")}-${String(s.get("month")).padStart(2, "0")}-${String(s.get("day")).padStart(2, "0")}`;
  if (!s.isCertain("hour")) return { date, hour: 9, minute: 0, timeSaid: false, rest };
  let hour = s.get("hour") ?? 9;
  // People book lunch "at 1" and ask about "3": without am/pm, small hours are the afternoon's.
  if (!s.isCertain("meridiem") && hour >= 1 && hour <= AFTERNOON_UNTIL) hour += 12;
  return { date, hour, minute: s.get("minute") ?? 0, timeSaid: true, rest };
}

/** The instant of a local wall-clock moment, epoch ms. */
export function momentInstant(m: Pick<Moment, "date" | "hour" | "minute">, timeZone: string): number {
  const [y, mo, d] = m.date.split("-").map(Number);
  return zonedToUtc(timeZone, y!, mo!, d!, m.hour, m.minute).getTime();
}
