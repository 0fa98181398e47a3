/**
 * What follows an event once it is in the ledger, whoever appended it (the
 * one publish path, docs/PROTOCOL.md L9): every device receives it, then the
 * schedule, the calendars and the chat react — the alarm moves with
 * reminders and preferences, an acknowledged notification clears everywhere
 * (S9), an undone turn's calendar writes are taken back (K29), the search
 * index takes the event in (Q11).
 */
import type { LedgerEvent } from "../shared/domain.ts";
import type { Calendar } from "./calendar/calendar.ts";
import type { Ledger } from "./core/ledger.ts";
import { SearchIndexer } from "./search/indexer.ts";
import type { ChatStore } from "./chat/store.ts";
import { broadcast, type SocketDeps } from "./core/sockets.ts";
import { describeError as describe } from "./log.ts";
import type { RoomPorts } from "./room-ports.ts";
import type { CalendarPort } from "./schedule/calendar-port.ts";
import type { Schedule } from "./schedule/runner.ts";

export type FollowUpDeps = {
  /** Who the room is, where it logs, and what keeps a calendar deletion alive past its turn. */
  host: Pick<RoomPorts, "userId" | "log" | "waitUntil" | "sql" | "doc" | "now">;
  /** What the search index reads events from (Q11–Q16). */
  ledger: Ledger;
  sockets: Pick<SocketDeps, "clients">;
  schedule: Schedule;
  calendar: Calendar;
  /** Where the room's calendar writes go (the store, or a test's stand-in). */
  calendarWriter: () => CalendarPort["writer"];
  chatStore: () => ChatStore;
};

export class FollowUps {
  #deps: FollowUpDeps;
  /** K29: calendar deletions of undone turns still running. */
  #calendarWork = new Set<Promise<void>>();
  /** Q11: the room's full-text index, fed by this publish path; on wake it resumes at its cursor. */
  readonly search: SearchIndexer;

  constructor(deps: FollowUpDeps) {
    this.#deps = deps;
    const { sql, doc, now, userId, log } = deps.host;
    this.search = new SearchIndexer({ sql, doc, now, ledger: deps.ledger, log: (event, detail) => log("error", { event, userId, detail }) });
  }

  /** Follow-ups of an event, whoever appended it: the alarm moves with reminders and preferences; an ack clears everywhere (S9). */
  published(event: LedgerEvent): void {
    try {
      if (event.seq === 1) this.#deps.schedule.reschedule();
      this.#followUp(event);
    } catch (error) {
      // The event is stored: a failed follow-up must not undo the caller's success (the alarm retries schedule work).
      this.#deps.host.log("error", { event: "event.follow_up_failed", userId: this.#deps.host.userId, seq: event.seq, detail: describe(error) });
    }
    this.search.published(event);
  }

  #followUp(event: LedgerEvent): void {
    broadcast(this.#deps.sockets, { type: "event", event });
    switch (event.type) {
      case "notification.acked":
        this.#deps.schedule.cleared(event.payload.notificationId, event.actor.kind === "user" ? event.actor.deviceId : undefined);
        this.#deps.schedule.reschedule();
        return;
      case "reminder.set":
      case "reminder.snoozed":
      case "reminder.dismissed":
      case "reminder.updated":
        this.#deps.schedule.reschedule();
        return;
      case "preferences.updated":
        // K6: all-day and floating calendar times are read in the preference zone.
        if (event.payload.patch.timezone !== undefined) this.#deps.calendar.zoneChanged();
        this.#deps.schedule.reschedule();
        this.#deps.schedule.deliver();
        return;
      case "push.subscribed":
        // N9: a notification waiting for a device may now have one.
        this.#deps.schedule.deliver();
        return;
      case "turn.undone":
        // D18: its reminders are dismissed and its preferences may be restored; its cancelled proposals lose their buttons everywhere.
        for (const r of event.payload.reverted ?? []) {
          if (r.kind === "calendar.event.removed") this.#unwrite(r.eventId, event);
          if (r.kind !== "proposal.cancelled") continue;
          const tool = this.#deps.chatStore().proposal(r.proposalId)?.tool ?? "proposal";
          const action = { id: r.proposalId, tool, status: "rejected" as const, summary: r.summary, proposalId: r.proposalId };
          broadcast(this.#deps.sockets, { type: "llm.action", turnId: event.payload.turnId, action });
        }
        this.#deps.schedule.reschedule();
        this.#deps.schedule.deliver();
        return;
      default:
        return;
    }
  }

  /**
   * K29: deletes from its calendar an event an undone turn created. It leaves the room, so it runs
   * after the undo is recorded (never blocking a frame); the store records `calendar.event.deleted`
   * with the undo's actor. A calendar that refuses is logged; the event stays until the user deletes it.
   */
  #unwrite(eventId: string, undo: LedgerEvent): void {
    const { userId, log } = this.#deps.host;
    const work = this.#deps.calendarWriter()
      .remove(eventId, { actor: undo.actor, correlationId: undo.correlationId })
      .then((removed) => {
        if (!removed.ok) log("warn", { event: "calendar.undo_failed", userId, code: removed.error.code, detail: `${eventId}: ${removed.error.message}`.slice(0, 200) });
      })
      .catch((error: unknown) => log("error", { event: "calendar.undo_failed", userId, detail: describe(error) }))
      .finally(() => this.#calendarWork.delete(work));
    this.#calendarWork.add(work);
    this.#deps.host.waitUntil?.(work);
  }

  /** Resolves when the calendar deletions started so far have ended (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.#calendarWork]);
  }
}
