/**
 * The daily plan in the day's free time (docs/PROTOCOL.md K26, S5–S7): its
 * priorities and todos are placed within the work hours, around the
 * calendar's events and the timed tasks, in the preference zone.
 */
import { describe, expect, it } from "vitest";
import { busyOf, placeInDay } from "../../party/schedule/plan-slots.ts";
import { DEFAULT_PREFERENCES, type Plan, type PlanItem, type Preferences } from "../../shared/domain.ts";
import { FakeCalendar } from "../support/fake-calendar.ts";
import { FakeRoom } from "../support/fake-room.ts";

const prefs: Preferences = { ...DEFAULT_PREFERENCES, timezone: "America/New_York" };
const item = (id: string, kind: PlanItem["kind"]): PlanItem => ({ id, kind, text: id, taskId: null, status: "proposed" });
const plan = (date: string, items: PlanItem[]): Plan => ({ date, createdAt: "2026-03-04T12:00:00Z", source: "chat", items });
const slots = (p: Plan) => p.items.map((i) => [i.id, i.start?.slice(11, 16) ?? null, i.end?.slice(11, 16) ?? null]);

describe("Agenda — the plan in free time", () => {
  it("[K26] priorities (1 h) and todos (30 min) go in the first free slots within work hours, around events and timed tasks", () => {
    // Wednesday 2026-03-04 in New York (-05:00), planned at 8:00.
    const busy = busyOf([
      { kind: "event", id: "e1", title: "Standup", start: "2026-03-04T09:00:00-05:00", end: "2026-03-04T10:00:00-05:00" },
      { kind: "event", id: "e2", title: "Review", start: "2026-03-04T11:00:00-05:00", end: "2026-03-04T12:00:00-05:00" },
      { kind: "event", id: "e3", title: "Offsite", start: "2026-03-04T00:00:00-05:00", end: "2026-03-05T00:00:00-05:00", allDay: true },
      { kind: "task", id: "t1", title: "Call John", start: "2026-03-04T10:30:00-05:00" },
      { kind: "reminder", id: "r1", title: "Stretch", start: "2026-03-04T13:00:00-05:00" },
    ]);
    const placed = placeInDay(plan("2026-03-04", [item("P1", "priority"), item("P2", "priority"), item("T1", "todo"), item("N", "note")]), busy, prefs, Date.parse("2026-03-04T13:00:00Z"));
    expect(slots(placed)).toEqual([
      ["P1", "12:00", "13:00"],
      ["P2", "13:00", "14:00"],
      ["T1", "10:00", "10:30"],
      ["N", null, null],
    ]);
    expect(placed.items[0]!.start).toBe("2026-03-04T12:00:00-05:00");
  });

  it("[K26] today's plan starts from now; what does not fit before the end of work hours has no time; a day off has none", () => {
    const now = Date.parse("2026-03-04T20:40:00Z"); // 15:40 in New York
    const placed = placeInDay(plan("2026-03-04", [item("P1", "priority"), item("P2", "priority")]), [], prefs, now);
    expect(slots(placed)).toEqual([["P1", "15:45", "16:45"], ["P2", null, null]]);
    const saturday = placeInDay(plan("2026-03-07", [item("P1", "priority")]), [], prefs, now);
    expect(slots(saturday)).toEqual([["P1", null, null]]);
    // After the DST change the offset is -04:00, and the work hours are still 9 to 5 local.
    const monday = placeInDay(plan("2026-03-09", [item("P1", "priority")]), [], prefs, now);
    expect(monday.items[0]).toMatchObject({ start: "2026-03-09T09:00:00-04:00", end: "2026-03-09T10:00:00-04:00" });
  });

  it("[K26][S6] “plan my day” in chat places its tasks around the calendar's events, and the agenda lists them", async () => {
    const calendar = new FakeCalendar();
    calendar.events.push({ id: "e1", sourceId: "work", title: "Team sync", start: "2026-03-04T15:00:00Z", end: "2026-03-04T16:00:00Z", allDay: false });
    const room = new FakeRoom({ now: Date.parse("2026-03-04T14:50:00Z"), calendar });
    const a = room.connect();
    a.hello("laptop");
    a.sendFrame({ type: "preferences.update", command: { timezone: "America/New_York" } });
    a.sendFrame({ type: "task", command: { action: "create", task: { title: "Write report", due: "2026-03-04" } } });
    room.flush();
    a.sendFrame({ type: "message.send", command: { text: "plan my day" } });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    expect(a.of("llm.completed").at(-1)?.text).toContain("1. Write report, 11:00 AM–12:00 PM");
    const stored = room.room.ledger.state.plans["2026-03-04"]!;
    // 9:50 now, the sync 10:00–11:00: the hour from 9:50 does not fit; 11:00 does.
    expect(stored.items.find((i) => i.text === "Write report")).toMatchObject({ start: "2026-03-04T11:00:00-05:00", end: "2026-03-04T12:00:00-05:00" });
    const agenda = room.room.agenda(Date.parse("2026-03-04T05:00:00Z"), Date.parse("2026-03-05T05:00:00Z"));
    expect(agenda.filter((i) => i.kind !== "task").map((i) => [i.kind, i.title, i.start])).toEqual([
      ["event", "Team sync", "2026-03-04T10:00:00-05:00"],
      ["plan", "Write report", "2026-03-04T11:00:00-05:00"],
    ]);
  });
});
