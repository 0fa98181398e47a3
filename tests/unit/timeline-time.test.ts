/**
 * Time on the timeline (docs/PROTOCOL.md W71, W73): days in the preference
 * zone, hour marks across DST, quarter-hour snapping of moves and resizes.
 */
import { describe, expect, it } from "vitest";
import { isoInZone } from "../../shared/zoned.ts";
import {
  addDays,
  dayMinutes,
  dayOfDate,
  hourMarks,
  MINUTE_MS,
  minuteOf,
  moved,
  pxToMinutes,
  resized,
  snapInstant,
  spanToIso,
  weekDays,
  weekStart,
} from "../../web/lib/timeline-time.ts";
import { keyMove } from "../../web/lib/timeline-keys.ts";
import { seededRng } from "../support/random.ts";

const NY = "America/New_York";
const at = (iso: string) => Date.parse(iso);

describe("Timeline — time in the preference zone", () => {
  it("[W71] a day is its local midnights; DST days are 23 and 25 hours with as many hour marks", () => {
    const plain = dayOfDate("2026-03-07", NY);
    expect(isoInZone(plain.from, NY)).toBe("2026-03-07T00:00:00-05:00");
    expect(dayMinutes(plain)).toBe(1440);
    expect(hourMarks(plain, NY)).toHaveLength(24);
    const spring = dayOfDate("2026-03-08", NY);
    expect(dayMinutes(spring)).toBe(23 * 60);
    const springMarks = hourMarks(spring, NY).map((m) => isoInZone(m.at, NY).slice(11, 16));
    expect(springMarks).toHaveLength(23);
    expect(springMarks).not.toContain("02:00");
    const fall = dayOfDate("2026-11-01", NY);
    expect(dayMinutes(fall)).toBe(25 * 60);
    const fallMarks = hourMarks(fall, NY).map((m) => isoInZone(m.at, NY).slice(11, 16));
    expect(fallMarks.filter((h) => h === "01:00")).toHaveLength(2);
    // A half-hour zone: the marks are on its full hours, not UTC's.
    expect(hourMarks(dayOfDate("2026-03-07", "Asia/Kolkata"), "Asia/Kolkata").map((m) => isoInZone(m.at, "Asia/Kolkata").slice(14, 16))).toEqual(Array(24).fill("00"));
  });

  it("[W71] weeks start on Monday; minuteOf clamps to the day", () => {
    expect(weekStart("2026-12-06")).toBe("2026-11-30"); // a Sunday
    expect(weekStart("2026-11-30")).toBe("2026-11-30");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    const week = weekDays("2026-03-10", NY);
    expect(week.map((d) => d.date)).toEqual(["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14", "2026-03-15"]);
    const day = dayOfDate("2026-03-07", NY);
    expect(minuteOf(day.from - 5 * MINUTE_MS, day)).toBe(0);
    expect(minuteOf(day.from + 90 * MINUTE_MS, day)).toBe(90);
    expect(minuteOf(day.to + 5 * MINUTE_MS, day)).toBe(1440);
  });

  it("[W73] moves snap the start to a quarter hour and keep the length; resizes snap the end, at least 15 min", () => {
    const span = { start: at("2026-03-07T14:07:00Z"), end: at("2026-03-07T15:07:00Z") };
    const m = moved(span, 30);
    expect(new Date(m.start).toISOString()).toBe("2026-03-07T14:30:00.000Z");
    expect(m.end - m.start).toBe(60 * MINUTE_MS);
    const grown = resized({ start: at("2026-03-07T14:00:00Z"), end: at("2026-03-07T15:00:00Z") }, 15);
    expect(new Date(grown.end).toISOString()).toBe("2026-03-07T15:15:00.000Z");
    const shrunk = resized({ start: at("2026-03-07T14:00:00Z"), end: at("2026-03-07T14:30:00Z") }, -60);
    expect(shrunk.end - shrunk.start).toBe(15 * MINUTE_MS);
    const long = resized({ start: at("2026-03-07T00:00:00Z"), end: at("2026-03-07T23:45:00Z") }, 120);
    expect(long.end - long.start).toBe(24 * 60 * MINUTE_MS);
    expect(pxToMinutes(37, 0.8)).toBe(45); // 46.25 min → 45
    expect(pxToMinutes(-5, 0.8)).toBe(-0);
  });

  it("[W73] seeded: any move lands on a quarter hour of the local clock in whole-hour, half-hour and 45-minute zones", () => {
    const rng = seededRng("timeline snapping");
    for (const zone of [NY, "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe"]) {
      for (let i = 0; i < 200; i++) {
        const start = at("2026-01-01T00:00:00Z") + rng.int(365 * 24 * 60) * MINUTE_MS;
        const span = { start, end: start + (15 + rng.int(300)) * MINUTE_MS };
        const m = moved(span, rng.int(600) - 300);
        expect(Number(isoInZone(m.start, zone).slice(14, 16)) % 15, `${zone} seed ${rng.seed}`).toBe(0);
        expect(m.end - m.start).toBe(span.end - span.start);
        expect(snapInstant(m.start)).toBe(m.start);
      }
    }
  });

  it("[W73] new times are written with the preference zone's offset", () => {
    expect(spanToIso({ start: at("2026-07-01T13:00:00Z"), end: at("2026-07-01T14:00:00Z") }, NY)).toEqual({ start: "2026-07-01T09:00:00-04:00", end: "2026-07-01T10:00:00-04:00" });
  });
});

describe("Timeline — keys of a focused block", () => {
  const key = (k: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({ key: k, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  it("[W74] ↑/↓ move 15 min, Shift+↑/↓ resize, ←/→ a day only in the week; Alt, Ctrl and Meta are left alone", () => {
    expect(keyMove(key("ArrowDown"), false)).toEqual({ kind: "move", minutes: 15 });
    expect(keyMove(key("ArrowUp"), false)).toEqual({ kind: "move", minutes: -15 });
    expect(keyMove(key("ArrowDown", { shiftKey: true }), false)).toEqual({ kind: "resize", minutes: 15 });
    expect(keyMove(key("ArrowLeft"), true)).toEqual({ kind: "day", days: -1 });
    expect(keyMove(key("ArrowRight"), false)).toBeNull();
    expect(keyMove(key("ArrowDown", { altKey: true }), false)).toBeNull();
    expect(keyMove(key("ArrowDown", { metaKey: true }), false)).toBeNull();
    expect(keyMove(key("Enter"), true)).toBeNull();
  });
});
