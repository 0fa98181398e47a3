/**
 * Calendar wire shapes (docs/PROTOCOL.md K1–K12): the sources a user adds
 * (an ICS subscription URL, a CalDAV account), what the state and the ledger
 * say about them, and the events the room keeps from them. Declared once; the
 * room, the agenda and the web app parse with these.
 *
 * Credentials (a CalDAV password) appear only in the add body: they are never
 * in `CalendarSourceInfo`, the ledger, the state, logs or any answer (K3).
 */
import { z } from "zod";
import { ClientActionIdSchema } from "./commands.ts";

/** K2: input caps, checked before anything is parsed further or fetched. */
export const MAX_CALENDAR_URL_LENGTH = 2_048;
export const MAX_CALENDAR_USERNAME_LENGTH = 200;
export const MAX_CALENDAR_PASSWORD_LENGTH = 500;
export const MAX_CALENDAR_NAME_LENGTH = 100;
/** Sources per user: each one is synced on the alarm. */
export const MAX_CALENDAR_SOURCES = 20;

/** K7: the synced window around now. */
export const SYNC_WINDOW_BACK_DAYS = 30;
export const SYNC_WINDOW_AHEAD_DAYS = 365;

const url = z.url({ protocol: /^https?$/ }).max(MAX_CALENDAR_URL_LENGTH);
const name = z.string().trim().min(1).max(MAX_CALENDAR_NAME_LENGTH);

/** `POST /api/v1/calendar/sources` with an iCalendar subscription ("secret address"): read-only. */
export const IcsSourceBodySchema = z.strictObject({
  kind: z.literal("ics"),
  url,
  name: name.optional(),
  clientActionId: ClientActionIdSchema.optional(),
});

/** `POST /api/v1/calendar/sources` with a CalDAV account (Basic auth): read and write. */
export const CaldavSourceBodySchema = z.strictObject({
  kind: z.literal("caldav"),
  /** The server, the principal or the calendar collection URL: discovery finds the calendars. */
  url,
  username: z.string().min(1).max(MAX_CALENDAR_USERNAME_LENGTH),
  password: z.string().min(1).max(MAX_CALENDAR_PASSWORD_LENGTH),
  name: name.optional(),
  clientActionId: ClientActionIdSchema.optional(),
});

export const CalendarSourceBodySchema = z.discriminatedUnion("kind", [IcsSourceBodySchema, CaldavSourceBodySchema]);
export type CalendarSourceBody = z.infer<typeof CalendarSourceBodySchema>;

export const CalendarSourceKindSchema = z.enum(["ics", "caldav"]);
export type CalendarSourceKind = z.infer<typeof CalendarSourceKindSchema>;

/** K9: `pending` until the first sync ends; `error` while syncs fail (backing off). */
export const CalendarSourceStatusSchema = z.enum(["pending", "ok", "error"]);
export type CalendarSourceStatus = z.infer<typeof CalendarSourceStatusSchema>;

/** What the state, the ledger and `GET /api/v1/calendar/sources` say about a source: never its credentials (K3). */
export const CalendarSourceInfoSchema = z.strictObject({
  id: z.string(),
  kind: CalendarSourceKindSchema,
  name: z.string(),
  status: CalendarSourceStatusSchema,
  /** The last sync that succeeded; null before the first. */
  lastSyncAt: z.string().nullable(),
  /** Why the last sync failed, in words (no server text beyond a short status line). */
  error: z.string().optional(),
  /** CalDAV sources can be written to; ICS subscriptions cannot. */
  writable: z.boolean(),
});
export type CalendarSourceInfo = z.infer<typeof CalendarSourceInfoSchema>;

/** `201` answer of `POST /api/v1/calendar/sources` (credentials never echoed). */
export const CalendarSourceCreatedSchema = z.strictObject({
  id: z.string(),
  kind: CalendarSourceKindSchema,
  name: z.string(),
  status: CalendarSourceStatusSchema,
});
export type CalendarSourceCreated = z.infer<typeof CalendarSourceCreatedSchema>;

/** `GET /api/v1/calendar/sources`. */
export const CalendarSourcesPageSchema = z.strictObject({ sources: z.array(CalendarSourceInfoSchema) });

/**
 * One occurrence of a calendar event, expanded (K6). `start`/`end` are
 * instants with an offset; an all-day event's are local midnights in the
 * preference zone with `allDay: true`.
 */
export const CalendarEventSchema = z.strictObject({
  /** Stable per occurrence: source, UID and the occurrence's original start. */
  id: z.string(),
  sourceId: z.string(),
  uid: z.string(),
  /** The occurrence's original start (RECURRENCE-ID) for a recurring event; null for a single one. */
  recurrenceId: z.string().nullable(),
  title: z.string(),
  start: z.string(),
  end: z.string(),
  allDay: z.boolean(),
  location: z.string().optional(),
});
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;

/** What `calendar.writer.create` takes (K11). */
export const NewCalendarEventSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  allDay: z.boolean().optional(),
});
export type NewCalendarEvent = z.infer<typeof NewCalendarEventSchema>;

/** K6: the longest range `GET /api/v1/calendar/events` answers, in days (as the agenda's). */
export const MAX_EVENTS_RANGE_DAYS = 62;

/** `GET /api/v1/calendar/events?from=<ISO>&to=<ISO>`: instants with an offset, `from` before `to`, at most 62 days apart. */
export const CalendarEventsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true, error: "from must be an ISO date-time with an offset" }),
    to: z.iso.datetime({ offset: true, error: "to must be an ISO date-time with an offset" }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), "to must be after from")
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_EVENTS_RANGE_DAYS * 24 * 60 * 60 * 1000, `the range must be at most ${MAX_EVENTS_RANGE_DAYS} days`);

/** Its answer: the occurrences overlapping the range, soonest first. */
export const CalendarEventsPageSchema = z.strictObject({ events: z.array(CalendarEventSchema) });
