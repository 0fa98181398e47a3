import { describe, expect, it } from "vitest";
import type { Reminder } from "../../shared/domain.ts";
import type { LedgerEvent, NewEventBody } from "../../shared/events.ts";
import { INITIAL_PROJECTION, replay } from "../../party/core/projections.ts";
import { nextWake } from "../../party/schedule/scheduler.ts";
import { presetOf, presetRule } from "../../shared/rrule-text.ts";

let seq = 0;
const event = (body: NewEventBody): LedgerEvent => ({ ...body, id: `e${++seq}`, seq, ts: new Date(Date.UTC(2026, 10, 21, 9, 0, seq)).toISOString(), actor: { kind: "system" }, correlationId: "r" });
const daily: Reminder = { id: "r1", taskId: null, title: "Stretch", at: "2026-11-21T10:30:00.000Z", status: "pending", firedAt: null, rrule: "FREQ=DAILY;BYHOUR=10;BYMINUTE=30" };

describe("Recurrence — projections and the alarm", () => {
  it("[S19] fired with `next` stays pending at next; without, it has fired for good", () => {
    const fired = { reminderId: "r1", at: daily.at, firedAt: "2026-11-21T10:31:00.000Z" };
    const kept = replay([event({ type: "reminder.set", payload: { reminder: daily } }), event({ type: "reminder.fired", payload: { ...fired, next: "2026-11-22T10:30:00.000Z" } })]);
    expect(kept.reminders.r1).toEqual({ ...daily, at: "2026-11-22T10:30:00.000Z", firedAt: fired.firedAt, status: "pending" });
    expect(nextWake(kept, Date.parse("2026-11-21T10:31:00Z"), Number.MAX_SAFE_INTEGER, false)).toBe(Date.parse("2026-11-22T10:30:00Z"));
    const ended = replay([event({ type: "reminder.set", payload: { reminder: daily } }), event({ type: "reminder.fired", payload: fired })]);
    expect(ended.reminders.r1).toMatchObject({ status: "fired", at: daily.at });
  });

  it("[S21] an update replaces the reminder; an update of one dismissed meanwhile does not bring it back", () => {
    const edited: Reminder = { ...daily, title: "Stretch more", rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=30", at: "2026-11-23T10:30:00.000Z" };
    const state = replay([event({ type: "reminder.set", payload: { reminder: daily } }), event({ type: "reminder.updated", payload: { reminder: edited } })]);
    expect(state.reminders.r1).toEqual(edited);
    const gone = replay([event({ type: "reminder.set", payload: { reminder: daily } }), event({ type: "reminder.dismissed", payload: { reminderId: "r1" } }), event({ type: "reminder.updated", payload: { reminder: edited } })]);
    expect(gone.reminders).toEqual(INITIAL_PROJECTION.reminders);
  });

  it("[S24] the dialog's presets read back from the rules they write", () => {
    expect(presetOf(undefined).preset).toEqual({ kind: "never" });
    for (const preset of [{ kind: "daily" as const }, { kind: "weekdays" as const }, { kind: "weekly" as const, day: "FR" as const }]) {
      const rule = presetRule(preset, 17, 15)!;
      expect(presetOf(rule)).toEqual({ preset, hour: 17, minute: 15 });
    }
    expect(presetOf("FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0").preset).toEqual({ kind: "custom", rrule: "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0" });
    expect(presetOf("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0").preset.kind).toBe("custom");
  });
});
