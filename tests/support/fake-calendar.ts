/**
 * A calendar store standing in for party/calendar/ (the contract of
 * shared/calendar.ts): events held in memory, writes that can be made to fail
 * or to wait until the test lets them go. Like the store, each write records
 * its `calendar.event.*` event with the caller's actor, once `ledger` is set.
 */
import type { AgendaEvent } from "../../shared/agenda.ts";
import { fail, ok } from "../../shared/errors.ts";
import type { NewCalendarEvent } from "../../shared/calendar.ts";
import type { CommandContext } from "../../party/core/commands.ts";
import type { Ledger } from "../../party/core/ledger.ts";
import type { CalendarPort, CalendarSourceName, CreatedCalendarEvent } from "../../party/schedule/calendar-port.ts";

export class FakeCalendar implements CalendarPort {
  events: AgendaEvent[] = [];
  readonly created: CreatedCalendarEvent[] = [];
  readonly removed: string[] = [];
  sourceList: CalendarSourceName[] = [{ id: "work", name: "Work", writable: true }];
  /** Set to make the next writes fail with this message. */
  failWith: string | null = null;
  /** Set to hold writes until `release()`. */
  hold = false;
  #waiting: (() => void)[] = [];
  /** The room's ledger, set once the room is built. */
  ledger: Ledger | null = null;
  #n = 0;

  between(fromMs: number, toMs: number): readonly AgendaEvent[] {
    return this.events.filter((e) => Date.parse(e.start) < toMs && Date.parse(e.end) > fromMs);
  }

  sources(): readonly CalendarSourceName[] {
    return this.sourceList;
  }

  release(): void {
    this.hold = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  #gate(): Promise<void> {
    return this.hold ? new Promise((resolve) => this.#waiting.push(resolve)) : Promise.resolve();
  }

  writer = {
    create: async (sourceId: string | null, input: NewCalendarEvent, ctx?: CommandContext) => {
      await this.#gate();
      if (this.failWith) return fail("internal", this.failWith);
      const source = sourceId ?? this.sourceList.find((s) => s.writable)?.id;
      if (!source) return fail("not_found", "no writable calendar");
      const n = ++this.#n;
      const event: CreatedCalendarEvent = { id: `ev-${n}`, uid: `uid-${n}`, sourceId: source, title: input.title, start: input.start, end: input.end, allDay: input.allDay ?? false };
      this.created.push(event);
      this.events.push(event);
      const { id: eventId, uid, title, start, end } = event;
      this.ledger?.append({ type: "calendar.event.created", actor: ctx?.actor ?? { kind: "system" }, correlationId: ctx?.correlationId ?? "fake", payload: { sourceId: source, eventId, uid, title, start, end } });
      return ok(event);
    },
    remove: async (eventId: string, ctx?: CommandContext) => {
      await this.#gate();
      if (this.failWith) return fail("internal", this.failWith);
      const gone = this.events.find((e) => e.id === eventId);
      if (!gone) return fail("not_found", "no such event");
      this.events = this.events.filter((e) => e.id !== eventId);
      this.removed.push(eventId);
      const uid = this.created.find((e) => e.id === eventId)?.uid ?? eventId;
      this.ledger?.append({ type: "calendar.event.deleted", actor: ctx?.actor ?? { kind: "system" }, correlationId: ctx?.correlationId ?? "fake", payload: { sourceId: gone.sourceId, eventId, uid } });
      return ok(undefined);
    },
  };
}
