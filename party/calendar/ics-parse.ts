/**
 * iCalendar text → expanded occurrences within a window (K5–K6), with ical.js:
 * RRULE/RDATE expanded, EXDATE skipped, overridden occurrences (RECURRENCE-ID)
 * applied, times in zones the file defines (VTIMEZONE, resolved by ical.js from
 * the component tree), a TZID without a VTIMEZONE read as an IANA name when it
 * is one, floating times and all-day dates read in the preference zone.
 *
 * The text is outside content: parsed as data, each field capped; a file that
 * does not parse is an error value, never a throw.
 */
import ICAL from "ical.js";
import type { CalendarEvent } from "../../shared/calendar.ts";
import { zonedToUtc } from "../../shared/dates.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";

/** Occurrences kept per source; a feed past it keeps its soonest (K6). */
export const MAX_OCCURRENCES = 5_000;
/** Steps of one rule's expansion at most (a minutely rule over a year must not spin). */
const MAX_STEPS_PER_EVENT = 20_000;
const MAX_TITLE = 200;
const MAX_LOCATION = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ParseWindow = { fromMs: number; toMs: number };
export type ParseContext = { sourceId: string; timeZone: string; window: ParseWindow };

/** One VEVENT's occurrences, with the UID they share. */
export type ParsedObject = { uid: string; events: CalendarEvent[] };

/** Parses a whole iCalendar text (an ICS feed, or one CalDAV object). */
export function parseIcs(text: string, ctx: ParseContext): Result<ParsedObject[]> {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch {
    return fail("invalid_request", "the calendar is not valid iCalendar");
  }
  if (root.name !== "vcalendar") return fail("invalid_request", "the calendar is not valid iCalendar (no VCALENDAR)");
  try {
    return ok(expandCalendar(root, ctx));
  } catch {
    return fail("invalid_request", "the calendar could not be read (an event has invalid dates or rules)");
  }
}

function expandCalendar(root: ICAL.Component, ctx: ParseContext): ParsedObject[] {
  const byUid = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const uid = text(vevent.getFirstPropertyValue("uid")) || `no-uid-${byUid.size}`;
    const entry = byUid.get(uid) ?? { master: null, overrides: [] };
    if (vevent.hasProperty("recurrence-id")) entry.overrides.push(vevent);
    else entry.master = vevent;
    byUid.set(uid, entry);
  }
  const objects: ParsedObject[] = [];
  let total = 0;
  for (const [uid, { master, overrides }] of byUid) {
    const events: CalendarEvent[] = [];
    if (master) {
      const event = new ICAL.Event(master, { exceptions: overrides, strictExceptions: false });
      if (event.isRecurring()) events.push(...expandRecurring(event, uid, ctx));
      else pushIfInWindow(events, occurrence(ctx, uid, null, event.startDate, endOf(event.startDate, event.endDate, master), master), ctx.window);
    } else {
      // Overrides without their series (an invitation to one occurrence): each stands alone.
      for (const o of overrides) {
        const e = new ICAL.Event(o);
        pushIfInWindow(events, occurrence(ctx, uid, e.recurrenceId, e.startDate, endOf(e.startDate, e.endDate, o), o), ctx.window);
      }
    }
    const kept = events.slice(0, Math.max(0, MAX_OCCURRENCES - total));
    total += kept.length;
    objects.push({ uid, events: kept });
  }
  return objects;
}

function expandRecurring(event: ICAL.Event, uid: string, ctx: ParseContext): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const iterator = event.iterator();
  // An override may move an occurrence from just outside the window into it: look a little past each end.
  const stopAt = ctx.window.toMs + 31 * DAY_MS;
  for (let step = 0; step < MAX_STEPS_PER_EVENT && events.length < MAX_OCCURRENCES; step++) {
    const next = iterator.next();
    if (!next) break;
    const original = instantOf(next, tzidOf(event.component, "dtstart"), ctx.timeZone);
    if (original > stopAt) break;
    const details = event.getOccurrenceDetails(next);
    const item = details.item.component;
    const recurrenceId = new Date(original).toISOString();
    pushIfInWindow(events, occurrence(ctx, uid, details.recurrenceId, details.startDate, details.endDate, item, recurrenceId), ctx.window);
  }
  return events;
}

/** End of a VEVENT: DTEND, else DTSTART + DURATION (ical.js), else a day for a date and the start for a time. */
function endOf(start: ICAL.Time, end: ICAL.Time | null, vevent: ICAL.Component): ICAL.Time {
  if (vevent.hasProperty("dtend") || vevent.hasProperty("duration")) return end ?? start;
  const e = start.clone();
  if (start.isDate) e.day += 1;
  return e;
}

function occurrence(
  ctx: ParseContext,
  uid: string,
  recurrence: ICAL.Time | null,
  start: ICAL.Time,
  end: ICAL.Time,
  item: ICAL.Component,
  recurrenceId?: string,
): CalendarEvent | null {
  // A cancelled event, or a cancelled occurrence of a series (its override says STATUS:CANCELLED), is not on the calendar.
  if (text(item.getFirstPropertyValue("status")).toUpperCase() === "CANCELLED") return null;
  const allDay = start.isDate;
  const startMs = instantOf(start, tzidOf(item, "dtstart"), ctx.timeZone);
  let endMs = instantOf(end, tzidOf(item, "dtend") ?? tzidOf(item, "dtstart"), ctx.timeZone);
  if (endMs < startMs) endMs = startMs;
  if (allDay && endMs === startMs) endMs = instantOf(addDay(start), null, ctx.timeZone);
  const rid = recurrenceId ?? (recurrence ? new Date(instantOf(recurrence, tzidOf(item, "recurrence-id"), ctx.timeZone)).toISOString() : null);
  const event: CalendarEvent = {
    id: eventId(ctx.sourceId, uid, rid),
    sourceId: ctx.sourceId,
    uid,
    recurrenceId: rid,
    title: text(item.getFirstPropertyValue("summary")).slice(0, MAX_TITLE) || "(no title)",
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    allDay,
  };
  const location = text(item.getFirstPropertyValue("location")).slice(0, MAX_LOCATION);
  if (location) event.location = location;
  return event;
}

function pushIfInWindow(events: CalendarEvent[], e: CalendarEvent | null, window: ParseWindow): void {
  if (e === null || Date.parse(e.end) < window.fromMs || Date.parse(e.start) >= window.toMs) return;
  events.push(e);
}

const addDay = (t: ICAL.Time) => {
  const c = t.clone();
  c.day += 1;
  return c;
};

/**
 * K6: the instant of an iCalendar time. A date is local midnight in the
 * preference zone; UTC and zones the file defines are ical.js's; a time whose
 * TZID the file does not define is read in that IANA zone when it is one, and
 * a floating time in the preference zone.
 */
export function instantOf(time: ICAL.Time, tzid: string | null, timeZone: string): number {
  if (time.isDate) return zonedToUtc(timeZone, time.year, time.month, time.day, 0, 0).getTime();
  const zone = time.zone;
  const floating = !zone || zone === ICAL.Timezone.localTimezone || zone.tzid === "floating";
  if (!floating) return time.toUnixTime() * 1000;
  const wallZone = tzid && isIanaZone(tzid) ? tzid : timeZone;
  return zonedToUtc(wallZone, time.year, time.month, time.day, time.hour, time.minute).getTime() + time.second * 1000;
}

function tzidOf(item: ICAL.Component, property: string): string | null {
  const p = item.getFirstProperty(property);
  const tzid = p?.getParameter("tzid");
  return typeof tzid === "string" ? tzid : null;
}

const ianaCache = new Map<string, boolean>();
function isIanaZone(name: string): boolean {
  const known = ianaCache.get(name);
  if (known !== undefined) return known;
  let valid = false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    valid = true;
  } catch {
    valid = false;
  }
  if (ianaCache.size < 500) ianaCache.set(name, valid);
  return valid;
}

const text = (value: unknown): string => (typeof value === "string" ? value.replace(/\s+/g, " ").trim() : "");

/**
 * A stable id per occurrence (source, UID, original start): 16 hex digits of two
 * FNV-1a hashes, so it fits a route's id segment and stays the same across syncs.
 */
export function eventId(sourceId: string, uid: string, recurrenceId: string | null): string {
  const input = `${sourceId}\n${uid}\n${recurrenceId ?? ""}`;
  const hash = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < input.length; i++) {
      h ^= input.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  };
  return `ev-${hash(0x811c9dc5)}${hash(0x01000193 ^ 0x5bd1e995)}`;
}
