/**
 * The agenda (docs/PROTOCOL.md K20–K23): one list, sorted by start, of what
 * fills the user's time — calendar events, open tasks with a due date or time,
 * pending reminders (each occurrence of a recurring one) and the daily plan's
 * timed items — over a range of instants. Shared by the room (the route, the
 * chat tools, the plan) and the web app (the Today panel).
 */
import { z } from "zod";
import { LIMITS } from "./domain.ts";

/** The longest range one agenda request may ask for (K21): two months. */
export const AGENDA_MAX_DAYS = 62;
const DAY_MS = 24 * 60 * 60 * 1000;

export const AgendaKindSchema = z.enum(["event", "task", "reminder", "block", "plan"]);
export type AgendaKind = z.infer<typeof AgendaKindSchema>;

/** One entry of the agenda (K20). */
export const AgendaItemSchema = z.strictObject({
  kind: AgendaKindSchema,
  /** The event's, task's or plan item's id; a recurring reminder's occurrence is `<reminderId>@<start>`. */
  id: z.string().max(LIMITS.id * 2),
  title: z.string(),
  /** ISO instant with the preference zone's offset at that instant, e.g. `2026-03-09T09:00:00-04:00`. */
  start: z.iso.datetime({ offset: true }),
  /** Absent for a moment (a timed task's deadline, a reminder). */
  end: z.iso.datetime({ offset: true }).optional(),
  /** An all-day event or a task due on a date: `start`/`end` are the local midnights around that day. */
  allDay: z.boolean().optional(),
  /** With `event`: the calendar source's id (`calendarSources` in the state names it); with `block` (B4): `user`, `plan`, `architect` or `calendar-sync`. */
  source: z.string().optional(),
});
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

export const AgendaSchema = z.strictObject({ items: z.array(AgendaItemSchema) });
export type Agenda = z.infer<typeof AgendaSchema>;

/** An ISO instant with an explicit offset, capped before it is parsed (G5). */
const instant = (name: string) =>
  z
    .string({ error: `${name} is required: an ISO date-time with offset, e.g. 2026-03-09T00:00:00-05:00` })
    .max(40, `${name} is too long`)
    .pipe(z.iso.datetime({ offset: true, error: `${name} must be an ISO date-time with offset, e.g. 2026-03-09T00:00:00-05:00` }));

/**
 * K21: `from` and `to` are instants with offset; `from` < `to`; at most
 * AGENDA_MAX_DAYS apart. Messages are worded whole, as clients see them.
 */
export const AgendaQuerySchema = z
  .object({ from: instant("from"), to: instant("to") })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), "from must be before to")
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= AGENDA_MAX_DAYS * DAY_MS, `the range is at most ${AGENDA_MAX_DAYS} days`)
  .transform((q) => ({ from: Date.parse(q.from), to: Date.parse(q.to) }));
export type AgendaQuery = z.infer<typeof AgendaQuerySchema>;

/** What an event of an agenda needs from a calendar event (shared/calendar.ts's CalendarEvent has all of it). */
export type AgendaEvent = { id: string; sourceId: string; title: string; start: string; end: string; allDay: boolean };
