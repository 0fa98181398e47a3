/**
 * What the agenda, the plan and the chat ask of the room's calendars
 * (docs/PROTOCOL.md K20, K24–K29): the events of a range, the sources' names,
 * and writing an event (async: it leaves the room). The calendar store
 * (party/calendar/calendar.ts) provides it; tests may stand a fake in.
 */
import type { AgendaEvent } from "../../shared/agenda.ts";
import type { NewCalendarEvent } from "../../shared/calendar.ts";
import { fail, type Result } from "../../shared/errors.ts";
import type { CommandContext } from "../core/commands.ts";

export type CreatedCalendarEvent = AgendaEvent & { uid: string };
export type CalendarSourceName = { id: string; name: string; writable: boolean };

export type CalendarPort = {
  /** Expanded occurrences overlapping [fromMs, toMs). */
  between(fromMs: number, toMs: number): readonly AgendaEvent[];
  sources(): readonly CalendarSourceName[];
  /** Each write records its own `calendar.event.*` event with `ctx.actor` (K11). */
  writer: {
    /** `sourceId` null: the first writable source. */
    create(sourceId: string | null, event: NewCalendarEvent, ctx?: CommandContext): Promise<Result<CreatedCalendarEvent>>;
    remove(eventId: string, ctx?: CommandContext): Promise<Result<void>>;
  };
};

export const NO_WRITABLE_CALENDAR = "you have no calendar I can write to — add a CalDAV account in Settings → Calendars";

/** A room with no calendar store: no events, no sources, writes refused with how to add one. */
export const NO_CALENDAR: CalendarPort = {
  between: () => [],
  sources: () => [],
  writer: {
    create: async () => fail("not_found", NO_WRITABLE_CALENDAR),
    remove: async () => fail("not_found", "no such calendar event"),
  },
};
