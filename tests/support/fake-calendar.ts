/**
 * A calendar store standing in for party/calendar/ (the contract of
 * shared/calendar.ts): events held in memory, writes that can be made to fail
 * or to wait until the test lets them go.
 */
import type { AgendaEvent } from "../../shared/agenda.ts";
import { fail, ok } from "../../shared/errors.ts";
import type { CalendarPort, CalendarSourceName, CreatedCalendarEvent, NewCalendarEvent } from "../../party/schedule/calendar-port.ts";

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
    create: async (sourceId: string | null, input: NewCalendarEvent) => {
      await this.#gate();
      if (this.failWith) return fail("internal", this.failWith);
      const source = sourceId ?? this.sourceList.find((s) => s.writable)?.id;
      if (!source) return fail("not_found", "no writable calendar");
      const n = ++this.#n;
      const event: CreatedCalendarEvent = { id: `ev-${n}`, uid: `uid-${n}`, sourceId: source, title: input.title, start: input.start, end: input.end, allDay: input.allDay ?? false };
      this.created.push(event);
      this.events.push(event);
      return ok(event);
    },
    remove: async (eventId: string) => {
      await this.#gate();
      if (this.failWith) return fail("internal", this.failWith);
      const before = this.events.length;
      this.events = this.events.filter((e) => e.id !== eventId);
      if (this.events.length === before) return fail("not_found", "no such event");
      this.removed.push(eventId);
      return ok(undefined);
    },
  };
}
