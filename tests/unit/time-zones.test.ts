/**
 * The user's time zone (docs/PROTOCOL.md S12, W5, C13): one formatter, every
 * typed date read in the preference zone, overdue judged by instant, and the
 * daily budget counted per local day.
 */
import { afterEach, describe, expect, it } from "vitest";
import { agendaOf } from "../../party/chat/tools.ts";
import { buildContext } from "../../party/chat/context.ts";
import { overBudget, toolUses } from "../../party/chat/budget.ts";
import { TokenReservations } from "../../party/chat/reservations.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { ruleDraft } from "../../party/schedule/plan.ts";
import { dayOf, isOverdue, nextDayStart, secondsToNextDay, zonedToUtc } from "../../shared/dates.ts";
import { DEFAULT_PREFERENCES, type Preferences, type Task } from "../../shared/domain.ts";
import { formatDay, formatDue, formatMoment, formatTime } from "../../shared/format.ts";
import { parseTaskInput } from "../../shared/task-input.ts";
import { matchesFilter } from "../../web/lib/task-filter.ts";
import { nodeSql } from "../support/node-sql.ts";
import { seededRng } from "../support/random.ts";

const NY = "America/New_York";
/** ICU writes a narrow no-break space before AM/PM; `\s` matches it. */
const at = (time: string) => new RegExp(time.replace(" ", "\\s"));
const prefs = (timezone: string): Preferences => ({ ...DEFAULT_PREFERENCES, timezone, timezoneSource: "user" });
const task = (title: string, due: string | null, status: Task["status"] = "open"): Task => ({
  id: title,
  title,
  status,
  due,
  tags: [],
  order: 0,
  createdAt: "2026-11-20T09:00:00.000Z",
  updatedAt: "2026-11-20T09:00:00.000Z",
  createdBy: "user:test",
});

describe("Time zones — one formatter, every date in the preference zone (W5)", () => {
  const deviceZone = process.env.TZ;
  afterEach(() => {
    if (deviceZone === undefined) delete process.env.TZ;
    else process.env.TZ = deviceZone;
  });

  it("[W5] an instant reads in the preference zone whatever the zone of the machine that formats it", () => {
    // 3 pm in New York, formatted on machines in Tokyo and Los Angeles (Node applies TZ when it is set).
    for (const machine of ["Asia/Tokyo", "America/Los_Angeles", "UTC"]) {
      process.env.TZ = machine;
      expect(formatDue("2026-11-26T20:00:00.000Z", NY)).toMatch(/^Thu, Nov 26, 3:00\sPM$/);
      expect(formatTime("2026-11-26T20:00:00.000Z", NY)).toMatch(/^3:00\sPM$/);
      expect(formatMoment("2026-11-26T20:00:00.000Z", NY)).toMatch(/^Nov 26, 3:00\sPM$/);
      // A calendar date has no zone: the same day everywhere, never shifted to the day before.
      expect(formatDue("2026-11-26", "Pacific/Pago_Pago")).toBe("Thu, Nov 26");
      expect(formatDay("2026-11-26")).toBe("Thu, Nov 26");
    }
  });

  it("[W5] a traveller's view names the zone, so it is never read as local time", () => {
    expect(formatDue("2026-11-26T20:00:00.000Z", NY, { zone: true })).toMatch(/3:00\sPM EST$/);
    expect(formatDue("2026-07-16T19:00:00.000Z", NY, { zone: true })).toMatch(/3:00\sPM EDT$/);
  });

  it("[S12][W5] what the user types is read in the preference zone and reads back as typed, DST days included", () => {
    const zones = [NY, "America/Los_Angeles", "Europe/Paris", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "Pacific/Chatham", "America/Santiago"];
    // Days before each side of a DST change, and plain winter and summer days.
    const days = ["2026-01-14", "2026-03-07", "2026-03-28", "2026-07-15", "2026-10-24", "2026-10-31", "2026-04-04", "2026-09-05"];
    let checked = 0;
    for (const zone of zones) {
      for (const day of days) {
        const [y, m, d] = day.split("-").map(Number);
        // 09:00 local on `day`: "tomorrow at 3pm" is the next local day at 15:00.
        const now = zonedToUtc(zone, y!, m!, d!, 9, 0);
        const parsed = parseTaskInput("call John tomorrow at 3pm", zone, now);
        expect(parsed.title).toBe("Call John");
        expect(formatTime(parsed.due!, zone), `${zone} ${day}`).toMatch(at("3:00 PM"));
        expect(dayOf(Date.parse(parsed.due!), zone)).toBe(new Date(Date.UTC(y!, m! - 1, d! + 1)).toISOString().slice(0, 10));
        checked++;
      }
    }
    console.log(`[time zones] ${checked} zone × day pairs read "tomorrow at 3pm" back as 3:00 PM`);
  });

  it("[S12] New York's 3pm on the day clocks spring forward is 19:00 UTC, the day before 20:00 UTC", () => {
    const saturdayMorning = new Date("2026-03-07T14:00:00.000Z"); // 09:00 EST
    expect(parseTaskInput("call John tomorrow at 3pm", NY, saturdayMorning).due).toBe("2026-03-08T19:00:00.000Z");
    expect(parseTaskInput("call John today at 3pm", NY, saturdayMorning).due).toBe("2026-03-07T20:00:00.000Z");
  });

  it("[W5] the model reads the user's due times in their zone, not as UTC instants", () => {
    const context = buildContext({
      memories: [],
      preferences: prefs(NY),
      now: new Date("2026-11-25T15:00:00.000Z"),
      tasks: [task("Call John", "2026-11-26T20:00:00.000Z")],
      notes: [],
      messages: [],
    });
    const blocks = JSON.stringify(context.messages) + context.system;
    expect(blocks).toMatch(/Call John \| due Thu, Nov 26, 3:00\sPM/);
    expect(blocks).not.toContain("20:00:00");
  });
});

describe("Time zones — due times are judged by instant (S12)", () => {
  // 15:01 in New York on Wed Nov 25, 2026 (EST).
  const due = "2026-11-25T20:01:00.000Z";
  const nyTime = (hhmm: string, day = "2026-11-25") => new Date(`${day}T${hhmm}:00-05:00`);

  it("[S12] a task due at 15:01 today is not overdue at 15:00 and is overdue at 15:02", () => {
    expect(isOverdue(due, nyTime("15:00"), NY)).toBe(false);
    expect(isOverdue(due, nyTime("15:02"), NY)).toBe(true);
  });

  it("[S12] a task due on a date is overdue once that local day has ended, not when UTC's has", () => {
    // 23:59 in New York is already the next day in UTC.
    expect(isOverdue("2026-11-25", nyTime("23:59"), NY)).toBe(false);
    expect(isOverdue("2026-11-25", nyTime("00:00", "2026-11-26"), NY)).toBe(true);
  });

  it("[S12] the agenda tool marks the 15:01 task overdue at 15:02", () => {
    const host = (now: Date) => ({ tasks: () => [task("Call John", due), task("Later", "2026-11-25T23:00:00.000Z")], preferences: () => prefs(NY), now: () => now });
    expect(agendaOf(host(nyTime("15:00"))).tasks.map((t) => [t.title, t.overdue])).toEqual([["Call John", false], ["Later", false]]);
    expect(agendaOf(host(nyTime("15:02"))).tasks.map((t) => [t.title, t.overdue])).toEqual([["Call John", true], ["Later", false]]);
  });

  it("[S12] the plan counts the 15:01 task overdue at 15:02", () => {
    const input = (now: Date) => ({ tasks: [task("Call John", due)], memories: [], preferences: prefs(NY), now: now.getTime() });
    expect(ruleDraft(input(nyTime("15:00")))?.draft.note).not.toMatch(/overdue/);
    expect(ruleDraft(input(nyTime("15:02")))?.draft.note).toMatch(/^1 overdue/);
  });

  it("[S12] the Tasks view's filters: today by local day, overdue by instant", () => {
    const tasks = [task("Call John", due), task("Late dinner", "2026-11-26T02:30:00.000Z"), task("Tomorrow", "2026-11-26"), task("Undated", null), task("Done", due, "done")];
    const shown = (filter: Parameters<typeof matchesFilter>[1], now: Date) => tasks.filter((t) => matchesFilter(t, filter, now, NY)).map((t) => t.title);
    // 21:30 in New York on the 25th is the 26th in UTC: still today, not upcoming.
    expect(shown("today", nyTime("15:00"))).toEqual(["Call John", "Late dinner"]);
    expect(shown("upcoming", nyTime("15:00"))).toEqual(["Tomorrow"]);
    expect(shown("overdue", nyTime("15:00"))).toEqual([]);
    expect(shown("overdue", nyTime("15:02"))).toEqual(["Call John"]);
    expect(shown("all", nyTime("15:02"))).toEqual(["Call John", "Late dinner", "Tomorrow", "Undated"]);
    expect(shown("done", nyTime("15:02"))).toEqual(["Done"]);
  });
});

describe("Time zones — the daily budget counts the user's local day (C13, G6)", () => {
  it("[C13] the day turns at local midnight, in zones east and west of UTC", () => {
    expect(dayOf(Date.parse("2026-11-25T14:59:59Z"), "Asia/Tokyo")).toBe("2026-11-25");
    expect(dayOf(Date.parse("2026-11-25T15:00:00Z"), "Asia/Tokyo")).toBe("2026-11-26");
    expect(dayOf(Date.parse("2026-11-26T04:59:59Z"), NY)).toBe("2026-11-25");
    expect(dayOf(Date.parse("2026-11-26T05:00:00Z"), NY)).toBe("2026-11-26");
  });

  it("[C13] the wait until the budget renews spans 23 h and 25 h days when clocks change", () => {
    expect(secondsToNextDay(Date.parse("2026-03-08T05:00:00Z"), NY)).toBe(23 * 3600);
    expect(secondsToNextDay(Date.parse("2026-11-01T04:00:00Z"), NY)).toBe(25 * 3600);
    expect(secondsToNextDay(Date.parse("2026-11-01T04:30:00Z"), NY)).toBe(24.5 * 3600);
    expect(secondsToNextDay(Date.parse("2026-11-25T12:00:00Z"), "UTC")).toBe(12 * 3600);
  });

  it("[C13] the next day starts at the first instant of the next local date, in every zone (seeded)", () => {
    const rng = seededRng("next local day");
    const zones = [NY, "America/Santiago", "America/Havana", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London", "Africa/Casablanca"];
    const from = Date.parse("2026-01-01T00:00:00Z");
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const zone = rng.pick(zones);
      const ms = from + rng.int(365 * 24 * 60) * 60_000;
      const next = nextDayStart(ms, zone);
      expect(dayOf(next, zone) > dayOf(ms, zone), `seed ${rng.seed}: ${zone} ${new Date(ms).toISOString()}`).toBe(true);
      expect(dayOf(next - 60_000, zone), `seed ${rng.seed}: ${zone} ${new Date(ms).toISOString()}`).toBe(dayOf(ms, zone));
      checked++;
    }
    // Every day of 2026 in zones whose clocks change at midnight, where a day may start at 01:00.
    for (const zone of ["America/Santiago", "America/Havana", "America/Asuncion"]) {
      for (let day = 0; day < 365; day++) {
        const ms = from + day * 86_400_000 + 12 * 3_600_000;
        const next = nextDayStart(ms, zone);
        expect(dayOf(next, zone) > dayOf(ms, zone) && dayOf(next - 60_000, zone) === dayOf(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(true);
        checked++;
      }
    }
    console.log(`[time zones] next local day checked at ${checked} instants (seed ${rng.seed})`);
  });

  /** The room's token reservations over node:sqlite, with the user's zone set and a clock the test moves. */
  function budgetRoom(timezone: string) {
    const sql = nodeSql();
    const ledger = new Ledger(sql);
    ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: "tz", payload: { patch: { timezone } } });
    const clock = { now: 0 };
    let ids = 0;
    const reservations = new TokenReservations(sql, ledger, () => clock.now, () => `hold-${++ids}`);
    const spend = (iso: string, tokens: number) => {
      clock.now = Date.parse(iso);
      const held = reservations.reserve({ turnId: "t", requestId: "r" }, tokens, 1_000);
      if (!held.ok) throw new Error(`could not hold ${tokens} at ${iso}: ${held.failure.message}`);
      reservations.settle(held.reservation, tokens);
    };
    const check = (iso: string, tokens: number) => {
      clock.now = Date.parse(iso);
      return reservations.check(tokens, 1_000);
    };
    return { ledger, spend, check };
  }

  it("[C13][G6] spending at 18:00 in New York still counts at 19:30, when UTC's day has turned; local midnight renews it", () => {
    const room = budgetRoom(NY);
    room.spend("2026-11-25T23:00:00Z", 900); // 18:00 EST
    expect(room.ledger.state.usage).toMatchObject({ day: "2026-11-25", tokens: 900 });
    // 19:30 EST is 00:30 UTC on the 26th: the user's day has not ended.
    expect(room.check("2026-11-26T00:30:00Z", 200)).toEqual({ code: "rate_limited", message: "today's assistant budget (1000 tokens) is used up", retryAfter: 4.5 * 3600 });
    expect(room.check("2026-11-26T04:59:00Z", 200)).toMatchObject({ code: "rate_limited" });
    expect(room.check("2026-11-26T05:00:00Z", 200)).toBeNull(); // 00:00 EST on the 26th
  });

  it("[C13][G6] on the day clocks fall back, New York's day lasts 25 hours and so does its budget", () => {
    const room = budgetRoom(NY);
    room.spend("2026-11-01T04:30:00Z", 900); // 00:30 EDT on Sun Nov 1
    // 23:30 EST the same day is 24 hours later: another UTC day, the same local one.
    expect(room.check("2026-11-02T04:30:00Z", 200)).toEqual({ code: "rate_limited", message: "today's assistant budget (1000 tokens) is used up", retryAfter: 30 * 60 });
    expect(room.check("2026-11-02T05:00:00Z", 200)).toBeNull(); // 00:00 EST on Mon Nov 2
  });

  it("[C13][G6] in Tokyo the budget renews at local midnight, nine hours before UTC's", () => {
    const room = budgetRoom("Asia/Tokyo");
    room.spend("2026-11-25T14:00:00Z", 900); // 23:00 JST
    expect(room.check("2026-11-25T14:59:00Z", 200)).toMatchObject({ code: "rate_limited", retryAfter: 60 });
    expect(room.check("2026-11-25T15:00:00Z", 200)).toBeNull(); // 00:00 JST, still the 25th in UTC
  });

  it("[C13][G6] a tool's daily cap counts the local day too", () => {
    const usage = { day: "2026-11-25", tokens: 0, tools: { create_task: 3 } };
    // A turn that started at 19:30 in New York (00:30 UTC on the 26th) counts on the 25th.
    const day = dayOf(Date.parse("2026-11-26T00:30:00Z"), NY);
    expect(day).toBe("2026-11-25");
    expect(toolUses(usage, day, "create_task")).toBe(3);
    // Counted in Tokyo on the 26th, then the zone moved to New York, where it is still the 25th: the uses still count.
    expect(toolUses({ ...usage, day: "2026-11-26" }, "2026-11-25", "create_task")).toBe(3);
    expect(overBudget({ ...usage, tokens: 999 }, Date.parse("2026-11-26T00:30:00Z"), NY, 1_000, 2)).toMatchObject({ code: "rate_limited" });
  });
});
