/**
 * placeBlocks (docs/PROTOCOL.md B5–B9): seeded randomized calendars; every
 * placement is checked against the rules, not against a fixed answer.
 */
import { describe, expect, it } from "vitest";
import { type PlaceInput, type PlaceItem, isoWeekday, placeBlocks, type WorkHours } from "../../party/schedule/place-blocks.ts";
import { dayOf } from "../../shared/dates.ts";
import { isoInZone } from "../../shared/zoned.ts";
import { type Rng, seededRng } from "../support/random.ts";

const ZONES = ["America/New_York", "Europe/Paris", "Australia/Sydney", "Asia/Kolkata", "America/Santiago", "UTC", "Asia/Kathmandu"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Interval = { s: number; e: number };
const ms = (span: { start: string; end: string }): Interval => ({ s: Date.parse(span.start), e: Date.parse(span.end) });
const overlaps = (a: Interval, b: Interval) => a.s < b.e && b.s < a.e;
const minuteOfDay = (at: number, zone: string) => {
  const iso = isoInZone(at, zone);
  return Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
};
const clock = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

function randomCase(rng: Rng): PlaceInput {
  const timeZone = rng.pick(ZONES);
  // Around both DST changes of the northern and southern zones.
  const now = Date.UTC(2026, rng.pick([2, 3, 9, 10]), 1 + rng.int(27), rng.int(24), rng.int(60));
  const startMin = 6 * 60 + rng.int(6) * 30;
  const workHours: WorkHours = {
    start: hhmm(startMin),
    end: hhmm(Math.min(23 * 60 + 30, startMin + 4 * 60 + rng.int(8) * 60)),
    days: [1, 2, 3, 4, 5, 6, 7].filter(() => rng.next() < 0.7),
  };
  const until = now + (7 + rng.int(40)) * DAY;
  const busy = Array.from({ length: rng.int(60) }, () => {
    const s = now + rng.int(Math.floor((until - now) / (15 * 60_000))) * 15 * 60_000 + rng.int(14) * 60_000;
    const e = s + (15 + rng.int(240)) * 60_000;
    return { start: new Date(s).toISOString(), end: new Date(e).toISOString() };
  });
  const items: PlaceItem[] = Array.from({ length: 1 + rng.int(25) }, (_, i) => {
    const item: PlaceItem = { id: `i${i}`, title: `Item ${i}`, minutes: 15 + rng.int(16) * 15 };
    if (i > 0 && rng.next() < 0.4) item.after = [`i${rng.int(i)}`];
    if (rng.next() < 0.2) item.deadline = new Date(now + rng.int(until - now)).toISOString();
    if (rng.next() < 0.2) item.notBefore = new Date(now + rng.int(until - now)).toISOString();
    return item;
  });
  return { items, busy, workHours, timeZone, now, until };
}

function checkRules(input: PlaceInput, label: string): number {
  const result = placeBlocks(input);
  const { timeZone, workHours } = input;
  const now = Number(input.now);
  const until = Number(input.until);
  const byId = new Map(input.items.map((i) => [i.id, i]));
  const placedIds = new Set(result.placed.map((p) => p.id));
  expect(result.placed.length + result.unplaced.length, `${label}: every item accounted for`).toBe(input.items.length);
  const spans = result.placed.map((p) => ({ id: p.id, ...ms(p) }));
  for (const p of spans) {
    const item = byId.get(p.id)!;
    expect(p.e - p.s, `${label}: ${p.id} length`).toBe(item.minutes * 60_000);
    expect(p.s, `${label}: ${p.id} after now`).toBeGreaterThanOrEqual(now);
    expect(p.e, `${label}: ${p.id} by until`).toBeLessThanOrEqual(until);
    if (item.deadline) expect(p.e, `${label}: ${p.id} by its deadline`).toBeLessThanOrEqual(Date.parse(item.deadline));
    if (item.notBefore) expect(p.s, `${label}: ${p.id} not before`).toBeGreaterThanOrEqual(Date.parse(item.notBefore));
    // Inside work hours on a work day, read on the wall clock of the zone (DST days too).
    expect(dayOf(p.s, timeZone), `${label}: ${p.id} within one local day`).toBe(dayOf(p.e - 1, timeZone));
    expect(workHours.days, `${label}: ${p.id} on a work day`).toContain(isoWeekday(dayOf(p.s, timeZone)));
    expect(minuteOfDay(p.s, timeZone), `${label}: ${p.id} starts in work hours`).toBeGreaterThanOrEqual(clock(workHours.start));
    expect(minuteOfDay(p.e - 60_000, timeZone), `${label}: ${p.id} ends in work hours`).toBeLessThan(clock(workHours.end));
    for (const b of input.busy) expect(overlaps(p, ms(b)), `${label}: ${p.id} overlaps busy ${b.start}`).toBe(false);
    for (const q of spans) if (q.id !== p.id) expect(overlaps(p, q), `${label}: ${p.id} overlaps ${q.id}`).toBe(false);
    for (const dep of item.after ?? []) {
      expect(placedIds.has(dep), `${label}: ${p.id}'s predecessor ${dep} placed`).toBe(true);
      expect(p.s, `${label}: ${p.id} after ${dep}`).toBeGreaterThanOrEqual(spans.find((q) => q.id === dep)!.e);
    }
  }
  for (const u of result.unplaced) {
    const item = byId.get(u.id)!;
    // An unplaced item is explained: a predecessor left out, or really no room.
    if (u.reason === "dependency-unplaced") expect(item.after?.some((d) => !placedIds.has(d)), `${label}: ${u.id}`).toBe(true);
  }
  return result.placed.length;
}

describe("placeBlocks (B5–B9)", () => {
  it("[B5][B6][B7][B8] seeded random calendars: no overlap with events or each other, work days and hours in the zone, dependencies, deadlines, until", () => {
    const rng = seededRng("place-blocks random calendars");
    let placed = 0;
    let items = 0;
    for (let round = 0; round < 150; round++) {
      const input = randomCase(rng);
      items += input.items.length;
      placed += checkRules(input, `seed ${rng.seed} round ${round}`);
    }
    // The checks above are about placed blocks: most items must be placed for them to mean anything.
    expect(placed / items).toBeGreaterThan(0.5);
  });

  it("[B7] DST: on the spring-forward and fall-back days blocks sit at 09:00–17:00 local in New York", () => {
    const timeZone = "America/New_York";
    const workHours = { start: "09:00", end: "17:00", days: [7, 1] };
    // Sunday 8 March 2026 (spring forward) and Sunday 1 November 2026 (fall back).
    for (const sunday of ["2026-03-08", "2026-11-01"]) {
      const now = Date.parse(`${sunday}T00:00:00Z`);
      const items = Array.from({ length: 8 }, (_, i) => ({ id: `b${i}`, title: `B${i}`, minutes: 60 }));
      const result = placeBlocks({ items, busy: [], workHours, timeZone, now, until: now + 3 * DAY });
      expect(result.unplaced).toEqual([]);
      expect(result.placed.map((p) => p.start.slice(0, 16))).toEqual(Array.from({ length: 8 }, (_, i) => `${sunday}T${hhmm((9 + i) * 60)}`));
      // The offset changes with the day: EDT (-04:00) from 8 March, EST (-05:00) from 1 November.
      expect(result.placed[0]!.start.slice(19)).toBe(sunday === "2026-03-08" ? "-04:00" : "-05:00");
    }
  });

  it("[B6] work hours falling in a DST gap start after the gap, never at a wall time before the start", () => {
    // 02:30 does not exist on 8 March 2026 in New York.
    const result = placeBlocks({
      items: [{ id: "a", title: "A", minutes: 30 }],
      busy: [],
      workHours: { start: "02:30", end: "05:00", days: [7] },
      timeZone: "America/New_York",
      now: Date.parse("2026-03-08T00:00:00Z"),
      until: Date.parse("2026-03-09T00:00:00Z"),
    });
    expect(result.placed).toHaveLength(1);
    expect(minuteOfDay(Date.parse(result.placed[0]!.start), "America/New_York")).toBeGreaterThanOrEqual(150);
  });

  it("[B8] a block goes around a busy event and after its predecessor; one that cannot fit before its deadline is unplaced", () => {
    const now = Date.parse("2026-03-02T08:00:00Z"); // Monday
    const result = placeBlocks({
      items: [
        { id: "a", title: "A", minutes: 120 },
        { id: "b", title: "B", minutes: 60, after: ["a"] },
        { id: "c", title: "C", minutes: 60, deadline: "2026-03-02T09:30:00Z" },
        { id: "d", title: "D", minutes: 30, after: ["c"] },
      ],
      busy: [{ start: "2026-03-02T10:00:00Z", end: "2026-03-02T11:00:00Z" }],
      workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] },
      timeZone: "UTC",
      now,
      until: now + 7 * DAY,
    });
    expect(result.placed).toEqual([
      { id: "a", start: "2026-03-02T11:00:00+00:00", end: "2026-03-02T13:00:00+00:00" },
      { id: "b", start: "2026-03-02T13:00:00+00:00", end: "2026-03-02T14:00:00+00:00" },
    ]);
    expect(result.unplaced).toEqual([
      { id: "c", reason: "no-free-time" },
      { id: "d", reason: "dependency-unplaced" },
    ]);
  });

  it("[B9] cycles, unknown sizes and empty work hours are reasons, never throws", () => {
    const base = { busy: [], timeZone: "UTC", now: 0, until: 30 * DAY };
    const cyc = placeBlocks({ ...base, workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] }, items: [
      { id: "x", title: "X", minutes: 30, after: ["y"] },
      { id: "y", title: "Y", minutes: 30, after: ["x"] },
      { id: "z", title: "Z", minutes: 0 },
    ] });
    expect(cyc.placed).toEqual([]);
    expect(cyc.unplaced.map((u) => u.reason).sort()).toEqual(["bad-item", "dependency-cycle", "dependency-cycle"]);
    const none = placeBlocks({ ...base, workHours: { start: "09:00", end: "17:00", days: [] }, items: [{ id: "a", title: "A", minutes: 30 }] });
    expect(none.unplaced).toEqual([{ id: "a", reason: "no-work-hours" }]);
  });
});
