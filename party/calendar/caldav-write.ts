/**
 * K11–K12: writes from the room to a CalDAV calendar. A new event is a new
 * object (`If-None-Match: *`: never replaces one); a change or a delete names
 * the ETag it read (`If-Match`). A 412 means someone changed the object on the
 * server since: the room reads it again, keeps the server's version and reports
 * a conflict — it never overwrites blindly.
 *
 * Each function returns the occurrence and an `apply` that updates the cache, so
 * the caller records it with its ledger event in one transaction.
 */
import ICAL from "ical.js";
import { v7 as uuidv7 } from "uuid";
import { createCalendarObject, deleteCalendarObject, updateCalendarObject } from "tsdav";
import type { CalendarEvent, NewCalendarEvent } from "../../shared/calendar.ts";
import { localDate } from "../../shared/dates.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { type Dav, davOf, describeDavFailure, discover, MAX_OBJECT_CHARS } from "./caldav.ts";
import { parseIcs } from "./ics-parse.ts";
import type { StoredObject, StoredSource } from "./store.ts";
import { type SyncDeps, windowAt } from "./sync-window.ts";

type Written<T> = Result<T & { apply: () => void }>;

async function connect(deps: SyncDeps, source: StoredSource): Promise<Result<{ dav: Dav; collectionUrl: string }>> {
  const credentials = deps.store.credentials(source.id);
  if (!credentials) return fail("internal", "the account's password is missing; remove the calendar and add it again");
  const dav = davOf(deps, credentials);
  if (!dav.ok) return dav;
  if (source.collectionUrl) return ok({ dav: dav.value, collectionUrl: source.collectionUrl });
  const found = await discover(dav.value, source, credentials);
  if (!found.ok) return found;
  return ok({ dav: dav.value, collectionUrl: found.value.url });
}

/** K11: creates the event; the occurrence comes back as the cache will hold it. */
export async function createEvent(deps: SyncDeps, source: StoredSource, event: NewCalendarEvent): Promise<Written<{ occurrence: CalendarEvent }>> {
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  if (!(end > start)) return fail("invalid_request", "an event must end after it starts");
  const connected = await connect(deps, source);
  if (!connected.ok) return connected;
  const { dav, collectionUrl } = connected.value;
  const uid = `${uuidv7()}@micro-cos`;
  const data = icsOf(uid, event, deps.timeZone, deps.now);
  const href = new URL(`${uid.replace(/[^A-Za-z0-9-]/g, "-")}.ics`, collectionUrl).href;
  let response: Response;
  try {
    response = await createCalendarObject({
      calendar: { url: collectionUrl },
      iCalString: data,
      filename: new URL(href).pathname.split("/").pop() ?? `${uid}.ics`,
      headers: { ...dav.headers, "If-None-Match": "*" },
      fetch: dav.fetch,
    });
  } catch (error) {
    return fail("internal", describeDavFailure(error));
  }
  if (response.status === 401 || response.status === 403) return fail("forbidden", "the calendar server refused the write (check the account's password)");
  if (!response.ok) return fail("internal", `the calendar server could not create the event (HTTP ${response.status})`);
  const object: StoredObject = { href, etag: response.headers.get("etag"), uid, data };
  const parsed = parseIcs(data, { sourceId: source.id, timeZone: deps.timeZone, window: windowAt(deps.now) });
  const events = parsed.ok ? parsed.value.flatMap((o) => o.events) : [];
  const occurrence = events[0];
  if (!occurrence) return fail("internal", "the event was created but could not be read back");
  return ok({
    occurrence,
    apply: () => {
      deps.store.putObject(source.id, object);
      deps.store.replaceEvents(source.id, href, events);
      if (!source.collectionUrl) deps.store.update(source.id, { collectionUrl });
    },
  });
}

/** K12: deletes the object, If-Match its ETag; a 412 reads it again and reports a conflict. */
export async function removeEvent(deps: SyncDeps, source: StoredSource, href: string): Promise<Written<object>> {
  const stored = deps.store.object(source.id, href);
  if (!stored) return fail("not_found", "the event is not in the calendar any more");
  const connected = await connect(deps, source);
  if (!connected.ok) return connected;
  const { dav } = connected.value;
  let response: Response;
  try {
    response = await deleteCalendarObject({ calendarObject: { url: href, etag: stored.etag ?? undefined }, headers: dav.headers, fetch: dav.fetch });
  } catch (error) {
    return fail("internal", describeDavFailure(error));
  }
  if (response.status === 412) return conflict(deps, source, dav, href);
  // Already gone on the server: the cache follows.
  if (response.ok || response.status === 404 || response.status === 410) {
    return ok({ apply: () => forget(deps, source, href) });
  }
  if (response.status === 401 || response.status === 403) return fail("forbidden", "the calendar server refused the delete (check the account's password)");
  return fail("internal", `the calendar server could not delete the event (HTTP ${response.status})`);
}

/** K12: changes a single event's title or times, If-Match its ETag. */
export async function updateEvent(deps: SyncDeps, source: StoredSource, href: string, patch: Partial<NewCalendarEvent>): Promise<Written<{ occurrence: CalendarEvent }>> {
  const stored = deps.store.object(source.id, href);
  if (!stored) return fail("not_found", "the event is not in the calendar any more");
  const data = patched(stored.data, patch);
  if (data === null) return fail("invalid_request", "only a single (not recurring) event can be changed from here");
  const connected = await connect(deps, source);
  if (!connected.ok) return connected;
  const { dav } = connected.value;
  let response: Response;
  try {
    response = await updateCalendarObject({ calendarObject: { url: href, etag: stored.etag ?? undefined, data }, headers: dav.headers, fetch: dav.fetch });
  } catch (error) {
    return fail("internal", describeDavFailure(error));
  }
  if (response.status === 412) return conflict(deps, source, dav, href);
  if (!response.ok) return fail("internal", `the calendar server could not change the event (HTTP ${response.status})`);
  const events = expand(deps, source, data);
  const occurrence = events[0];
  if (!occurrence) return fail("internal", "the event was changed but could not be read back");
  return ok({
    occurrence,
    apply: () => {
      deps.store.putObject(source.id, { href, etag: response.headers.get("etag"), uid: stored.uid, data });
      deps.store.replaceEvents(source.id, href, events);
    },
  });
}

/**
 * K12: someone changed the object since the room read it. Read it again and
 * keep the server's version (the cache follows it at once), then report the
 * conflict; the caller decides whether to try again.
 */
async function conflict(deps: SyncDeps, source: StoredSource, dav: Dav, href: string): Promise<Result<never>> {
  try {
    const response = await dav.fetch(href, { headers: dav.headers });
    if (response.ok) {
      const data = await response.text();
      if (data.length <= MAX_OBJECT_CHARS) {
        const events = expand(deps, source, data);
        const stored = deps.store.object(source.id, href);
        deps.store.putObject(source.id, { href, etag: response.headers.get("etag"), uid: stored?.uid ?? "", data });
        deps.store.replaceEvents(source.id, href, events);
      }
    } else if (response.status === 404) {
      forget(deps, source, href);
    }
  } catch {
    // The conflict is reported either way; the next sync reads the object again.
  }
  return fail("conflict", "the event was changed on the calendar server since it was read; nothing was overwritten — look at it again");
}

function forget(deps: SyncDeps, source: StoredSource, href: string): void {
  deps.store.removeObject(source.id, href);
  deps.store.replaceEvents(source.id, href, []);
}

function expand(deps: SyncDeps, source: StoredSource, data: string): CalendarEvent[] {
  const parsed = parseIcs(data, { sourceId: source.id, timeZone: deps.timeZone, window: windowAt(deps.now) });
  return parsed.ok ? parsed.value.flatMap((o) => o.events) : [];
}

/** An iCalendar object for one new event: UTC times, or dates for an all-day event (local dates in the preference zone). */
export function icsOf(uid: string, event: NewCalendarEvent, timeZone: string, now: number): string {
  const calendar = new ICAL.Component(["vcalendar", [], []]);
  calendar.updatePropertyWithValue("prodid", "-//Micro CoS//Calendar//EN");
  calendar.updatePropertyWithValue("version", "2.0");
  const vevent = new ICAL.Component("vevent");
  vevent.updatePropertyWithValue("uid", uid);
  vevent.updatePropertyWithValue("dtstamp", ICAL.Time.fromJSDate(new Date(now), true));
  vevent.updatePropertyWithValue("summary", event.title);
  if (event.allDay) {
    vevent.updatePropertyWithValue("dtstart", dateOf(event.start, timeZone));
    const endDay = dateOf(event.end, timeZone);
    vevent.updatePropertyWithValue("dtend", endDay);
  } else {
    vevent.updatePropertyWithValue("dtstart", ICAL.Time.fromJSDate(new Date(event.start), true));
    vevent.updatePropertyWithValue("dtend", ICAL.Time.fromJSDate(new Date(event.end), true));
  }
  calendar.addSubcomponent(vevent);
  return calendar.toString();
}

function dateOf(iso: string, timeZone: string): ICAL.Time {
  const [y, m, d] = localDate(timeZone, new Date(iso)).split("-").map(Number);
  return ICAL.Time.fromData({ year: y ?? 1970, month: m ?? 1, day: d ?? 1, isDate: true });
}

/** The object with the patch applied, or null when it is recurring (changing one occurrence is not offered). */
function patched(data: string, patch: Partial<NewCalendarEvent>): string | null {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(data));
  } catch {
    return null;
  }
  const vevents = root.getAllSubcomponents("vevent");
  const vevent = vevents[0];
  if (!vevent || vevents.length > 1 || vevent.hasProperty("rrule")) return null;
  if (patch.title !== undefined) vevent.updatePropertyWithValue("summary", patch.title);
  if (patch.start !== undefined) vevent.updatePropertyWithValue("dtstart", ICAL.Time.fromJSDate(new Date(patch.start), true));
  if (patch.end !== undefined) {
    vevent.removeAllProperties("duration");
    vevent.updatePropertyWithValue("dtend", ICAL.Time.fromJSDate(new Date(patch.end), true));
  }
  return root.toString();
}
