/**
 * Instants and days in the preference zone for the agenda (docs/PROTOCOL.md
 * K22), shared by the room and the web app's Today panel: ISO with the zone's
 * offset at that instant, and a local day as the range of its instants.
 */
import { dayOf, nextDayStart, zonedToUtc, zoneOffsetMinutes } from "./dates.ts";

/** K22: an instant as ISO with the zone's offset at that instant ("2026-03-09T09:00:00-04:00"). */
export function isoInZone(ms: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(timeZone, new Date(ms));
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The first instant of local date `date` (YYYY-MM-DD) in `timeZone`; after the gap where midnight does not exist. */
export function dayStart(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  let at = zonedToUtc(timeZone, y!, m!, d!, 0, 0).getTime();
  while (dayOf(at, timeZone) < date) at += 60_000;
  while (dayOf(at - 60_000, timeZone) === date) at -= 60_000;
  return at;
}

/** The local dates [from, to) touches, in order. */
export function datesIn(from: number, to: number, timeZone: string): string[] {
  const dates: string[] = [];
  for (let at = from; at < to; at = nextDayStart(at, timeZone)) dates.push(dayOf(at, timeZone));
  return dates;
}

/** The local day of `now` as a range [start, next start) — "today" of the agenda. */
export function dayRange(date: string, timeZone: string, days = 1): { from: number; to: number } {
  const from = dayStart(date, timeZone);
  let to = from;
  for (let i = 0; i < days; i++) to = nextDayStart(to, timeZone);
  return { from, to };
}
