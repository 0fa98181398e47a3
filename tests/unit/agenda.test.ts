/**
 * The agenda's merge and its query (docs/PROTOCOL.md K20–K23): events, tasks,
 * reminders and plan items as instants in the user's zone, sorted by start;
 * the range capped.
 */
import { describe, expect, it } from "vitest";
import { buildAgenda, dayRange, isoInZone } from "../../party/schedule/agenda.ts";
import { AGENDA_MAX_DAYS, AgendaQuerySchema } from "../../shared/agenda.ts";
import type { Plan, Reminder, Task } from "../../shared/domain.ts";

const NY = "America/New_York";
const task = (id: string, due: string | null, status: Task["status"] = "open"): Task => ({
  id, title: id, status, due, tags: [], order: 1, createdAt: "2026-03-01T00:00:00.000Z", updatedAt: "2026-03-01T00:00:00.000Z", createdBy: "user:laptop",
});
const reminder = (id: string, at: string, extra: Partial<Reminder> = {}): Reminder => ({ id, taskId: null, title: id, at, status: "pending", firedAt: null, ...extra });
const event = (id: string, start: string, end: string, allDay = false) => ({ id, sourceId: "work", title: id, start, end, allDay });
const base = { events: [], tasks: [], reminders: [], plans: {} };

describe("Agenda — merge", () => {
  it("[K20] events, tasks, reminders and plan items come back as one list sorted by start", () => {
    const { from, to } = dayRange("2026-03-04", NY);
    const plan: Plan = {
      date: "2026-03-04", createdAt: "2026-03-04T12:00:00Z", source: "chat",
      items: [
        { id: "p1", kind: "priority", text: "Write report", taskId: null, status: "proposed", start: "2026-03-04T11:00:00-05:00", end: "2026-03-04T12:00:00-05:00" },
        { id: "p2", kind: "note", text: "A note", taskId: null, status: "proposed" },
        { id: "p3", kind: "todo", text: "Rejected", taskId: null, status: "rejected", start: "2026-03-04T13:00:00-05:00", end: "2026-03-04T14:00:00-05:00" },
      ],
    };
    const items = buildAgenda({
      from, to, timeZone: NY,
      events: [event("Team sync", "2026-03-04T14:00:00Z", "2026-03-04T14:30:00Z"), event("Yesterday", "2026-03-03T14:00:00Z", "2026-03-03T15:00:00Z")],
      tasks: [task("Call John", "2026-03-04T20:00:00Z"), task("Pay rent", "2026-03-04"), task("Done one", "2026-03-04T15:00:00Z", "done"), task("Undated", null), task("Tomorrow", "2026-03-05")],
      reminders: [reminder("Stretch", "2026-03-04T17:30:00Z"), reminder("Dismissed", "2026-03-04T17:00:00Z", { status: "dismissed" })],
      plans: { "2026-03-04": plan },
    });
    expect(items.map((i) => [i.kind, i.title, i.start])).toEqual([
      ["task", "Pay rent", "2026-03-04T00:00:00-05:00"],
      ["event", "Team sync", "2026-03-04T09:00:00-05:00"],
      ["plan", "Write report", "2026-03-04T11:00:00-05:00"],
      ["reminder", "Stretch", "2026-03-04T12:30:00-05:00"],
      ["task", "Call John", "2026-03-04T15:00:00-05:00"],
    ]);
    expect(items[0]).toMatchObject({ allDay: true, end: "2026-03-05T00:00:00-05:00" });
    expect(items[1]).toMatchObject({ source: "work", end: "2026-03-04T09:30:00-05:00" });
    // Break the sort and this order is the insertion order: events before tasks.
    expect(items.map((i) => Date.parse(i.start))).toEqual(items.map((i) => Date.parse(i.start)).sort((a, b) => a - b));
  });

  it("[K22] instants carry the zone's offset at that instant, across the spring DST change", () => {
    // New York springs forward on 2026-03-08: 09:00 is -05:00 the day before and -04:00 the day after.
    expect(isoInZone(Date.parse("2026-03-07T14:00:00Z"), NY)).toBe("2026-03-07T09:00:00-05:00");
    expect(isoInZone(Date.parse("2026-03-09T13:00:00Z"), NY)).toBe("2026-03-09T09:00:00-04:00");
    expect(isoInZone(Date.parse("2026-03-09T13:00:00Z"), "Asia/Kolkata")).toBe("2026-03-09T18:30:00+05:30");
    const { from, to } = dayRange("2026-03-08", NY);
    // The day of the change is 23 hours long.
    expect(to - from).toBe(23 * 3600_000);
    const items = buildAgenda({ ...base, from, to, timeZone: NY, tasks: [task("Brunch", "2026-03-08")] });
    expect(items).toEqual([{ kind: "task", id: "Brunch", title: "Brunch", start: "2026-03-08T00:00:00-05:00", end: "2026-03-09T00:00:00-04:00", allDay: true }]);
  });

  it("[K23] a recurring reminder lists each occurrence inside the range, at the same wall-clock time across DST", () => {
    const { from, to } = dayRange("2026-03-06", NY, 4);
    const daily = reminder("Standup", "2026-03-06T14:00:00Z", { rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0" });
    const items = buildAgenda({ ...base, from, to, timeZone: NY, reminders: [daily] });
    expect(items.map((i) => i.start)).toEqual(["2026-03-06T09:00:00-05:00", "2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"]);
    expect(new Set(items.map((i) => i.id)).size).toBe(4);
    // Its next occurrence is after the range's start: earlier ones are past, not listed.
    const later = buildAgenda({ ...base, from, to, timeZone: NY, reminders: [{ ...daily, at: "2026-03-08T13:00:00Z" }] });
    expect(later.map((i) => i.start)).toEqual(["2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"]);
  });

  it("[K22] an event overlapping the range's start is listed; one ending at its start is not", () => {
    const { from, to } = dayRange("2026-03-04", NY);
    const items = buildAgenda({ ...base, from, to, timeZone: NY, events: [event("Overnight", "2026-03-04T03:00:00Z", "2026-03-04T07:00:00Z"), event("Ended", "2026-03-04T03:00:00Z", "2026-03-04T05:00:00Z")] });
    expect(items.map((i) => i.title)).toEqual(["Overnight"]);
  });
});

describe("Agenda — query caps", () => {
  const parse = (q: Record<string, string>) => AgendaQuerySchema.safeParse(q);
  it("[K21] from and to are ISO instants with offset, from before to, at most 62 days apart", () => {
    expect(parse({ from: "2026-03-04T00:00:00-05:00", to: "2026-03-05T00:00:00-05:00" }).success).toBe(true);
    expect(parse({ from: "2026-03-04T00:00:00Z", to: "2026-05-05T00:00:00Z" }).success).toBe(true);
    const message = (q: Record<string, string>) => {
      const r = parse(q);
      return r.success ? null : r.error.issues[0]?.message;
    };
    expect(message({ from: "2026-03-04", to: "2026-03-05T00:00:00Z" })).toMatch(/from must be an ISO date-time with offset/);
    expect(message({ from: "2026-03-04T00:00:00", to: "2026-03-05T00:00:00Z" })).toMatch(/with offset/);
    expect(message({ to: "2026-03-05T00:00:00Z" })).toMatch(/from is required/);
    expect(message({ from: "2026-03-05T00:00:00Z", to: "2026-03-05T00:00:00Z" })).toBe("from must be before to");
    expect(message({ from: "2026-03-04T00:00:00Z", to: "2026-05-05T00:00:01Z" })).toBe(`the range is at most ${AGENDA_MAX_DAYS} days`);
    expect(message({ from: `2026-03-04T00:00:00${"0".repeat(100)}Z`, to: "2026-03-05T00:00:00Z" })).toBe("from is too long");
  });
});
