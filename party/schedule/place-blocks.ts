/**
 * Places blocks of work in free time (docs/PROTOCOL.md B5–B9). Pure: no clock,
 * no I/O — the architect's "place" step and rescheduling both call it.
 *
 * Greedy earliest fit, in dependency order: each item starts at the first
 * free slot that is inside work hours on a work day in the user's zone
 * (wall-clock hours, so DST days keep 09:00–17:00 local), after `now`,
 * `notBefore` and the end of every item it comes `after`, and that ends by
 * its deadline and `until`. Busy spans (calendar events, existing blocks)
 * and blocks placed earlier in the same call are never overlapped.
 */
import { dayOf, nextDayStart, zonedToUtc } from "../../shared/dates.ts";
import { isoInZone } from "../../shared/zoned.ts";

export type PlaceItem = {
  id: string;
  title: string;
  /** Length of the block, 1..1440 minutes. */
  minutes: number;
  /** ISO instant: not before this. */
  notBefore?: string;
  /** ISO instant: must end by this. */
  deadline?: string;
  /** Ids of items this one must come after (each placed block ends before this one starts). */
  after?: string[];
};
export type Span = { start: string; end: string };
export type WorkHours = { start: string; end: string; days: number[] };
export type PlaceInput = {
  items: PlaceItem[];
  /** Calendar events and existing blocks: never overlapped. */
  busy: Span[];
  workHours: WorkHours;
  timeZone: string;
  /** The room clock: ms or an ISO instant. */
  now: number | string;
  /** Nothing ends after this (the end of the target date): ms or an ISO instant. */
  until: number | string;
};
export type Placed = { id: string; start: string; end: string };
export type UnplacedReason = "no-free-time" | "bad-item" | "dependency-unplaced" | "dependency-cycle" | "no-work-hours";
export type Unplaced = { id: string; reason: UnplacedReason };
export type PlaceResult = { placed: Placed[]; unplaced: Unplaced[] };

/** B6: starts fall on quarter hours (of the epoch: quarter hours of the wall clock in every zone with :00/:15/:30/:45 offsets). */
export const GRID_MS = 15 * 60_000;
/** B6: at most this many local days are searched (a year and a bit), so a far `until` stays cheap. */
export const MAX_DAYS = 400;

type Interval = { s: number; e: number };

const toMs = (at: number | string) => (typeof at === "number" ? at : Date.parse(at));
const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const ceilGrid = (ms: number) => Math.ceil(ms / GRID_MS) * GRID_MS;

/** ISO weekday (1 = Monday … 7 = Sunday) of a local date. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const day = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The wall-clock minute of the day of `ms` in `timeZone`, and its local date. */
function wall(ms: number, timeZone: string): { date: string; minute: number } {
  const iso = isoInZone(ms, timeZone);
  return { date: iso.slice(0, 10), minute: Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16)) };
}

/**
 * B7: the work window of local `date` as instants, DST-correct: where a wall
 * time falls in a gap the window starts after it (never before the local start).
 */
export function workWindow(date: string, hours: WorkHours, timeZone: string): Interval | null {
  const [y, m, d] = date.split("-").map(Number);
  const from = clockMinutes(hours.start);
  const to = clockMinutes(hours.end);
  if (to <= from) return null;
  let s = zonedToUtc(timeZone, y!, m!, d!, Math.floor(from / 60), from % 60).getTime();
  let e = zonedToUtc(timeZone, y!, m!, d!, Math.floor(to / 60), to % 60).getTime();
  const before = (ms: number, minute: number) => {
    const w = wall(ms, timeZone);
    return w.date < date || (w.date === date && w.minute < minute);
  };
  for (let i = 0; i < 180 && before(s, from); i++) s += 60_000;
  for (let i = 0; i < 180 && !before(e - 60_000, to); i++) e -= 60_000;
  return e > s ? { s, e } : null;
}

/** Sorted, merged busy intervals; `add` keeps them so. */
class Busy {
  private list: Interval[] = [];
  constructor(spans: Interval[]) {
    for (const span of [...spans].sort((a, b) => a.s - b.s)) this.push(span);
  }
  private push(span: Interval): void {
    const last = this.list[this.list.length - 1];
    if (last && span.s <= last.e) last.e = Math.max(last.e, span.e);
    else this.list.push({ ...span });
  }
  add(span: Interval): void {
    const merged = [...this.list, span].sort((a, b) => a.s - b.s);
    this.list = [];
    for (const s of merged) this.push(s);
  }
  /** The first start ≥ `from` (on the grid) where `length` fits before `limit`, or null. */
  firstFit(from: number, limit: number, length: number): number | null {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid]!.e <= from) lo = mid + 1;
      else hi = mid;
    }
    let at = ceilGrid(from);
    for (let i = lo; i <= this.list.length; i++) {
      const next = this.list[i];
      if (next && next.s <= at) {
        at = Math.max(at, ceilGrid(next.e));
        continue;
      }
      const gapEnd = next ? Math.min(next.s, limit) : limit;
      if (at + length <= gapEnd) return at;
      if (!next || next.s >= limit) return null;
      at = Math.max(at, ceilGrid(next.e));
    }
    return null;
  }
}

/** Items in dependency order (input order among equals); ids in a cycle come back apart. */
function order(items: PlaceItem[]): { sorted: PlaceItem[]; cyclic: Set<string> } {
  const byId = new Map(items.map((item) => [item.id, item]));
  const state = new Map<string, "visiting" | "done">();
  const sorted: PlaceItem[] = [];
  const cyclic = new Set<string>();
  const visit = (item: PlaceItem, path: string[]): void => {
    const seen = state.get(item.id);
    if (seen === "done") return;
    if (seen === "visiting") {
      for (const id of path.slice(path.indexOf(item.id))) cyclic.add(id);
      return;
    }
    state.set(item.id, "visiting");
    for (const dep of item.after ?? []) {
      const before = byId.get(dep);
      if (before) visit(before, [...path, item.id]);
    }
    state.set(item.id, "done");
    sorted.push(item);
  };
  for (const item of items) visit(item, [item.id]);
  return { sorted, cyclic };
}

const validItem = (item: PlaceItem) =>
  Number.isInteger(item.minutes) &&
  item.minutes >= 1 &&
  item.minutes <= 24 * 60 &&
  (item.notBefore === undefined || Number.isFinite(Date.parse(item.notBefore))) &&
  (item.deadline === undefined || Number.isFinite(Date.parse(item.deadline)));

/** B5–B9: places every item it can; the rest come back with a reason. */
export function placeBlocks(input: PlaceInput): PlaceResult {
  const { timeZone, workHours } = input;
  const now = toMs(input.now);
  const until = toMs(input.until);
  const busy = new Busy(
    input.busy.map((b) => ({ s: Date.parse(b.start), e: Date.parse(b.end) })).filter((b) => Number.isFinite(b.s) && Number.isFinite(b.e) && b.e > b.s),
  );
  const days = new Set(workHours.days);
  const placed: Placed[] = [];
  const unplaced: Unplaced[] = [];
  const ends = new Map<string, number>();
  const failed = new Set<string>();
  const noHours = days.size === 0 || clockMinutes(workHours.end) <= clockMinutes(workHours.start);
  const { sorted, cyclic } = order(input.items);
  // Zone arithmetic builds Intl formatters; each local day's window and next day is worked out once per call.
  const windows = new Map<string, Interval | null>();
  const windowOf = (date: string) => {
    if (!windows.has(date)) windows.set(date, days.has(isoWeekday(date)) ? workWindow(date, workHours, timeZone) : null);
    return windows.get(date) ?? null;
  };
  const nextDays = new Map<string, number>();
  const nextDay = (at: number) => {
    const date = dayOf(at, timeZone);
    let next = nextDays.get(date);
    if (next === undefined) nextDays.set(date, (next = nextDayStart(at, timeZone)));
    return next;
  };
  const seenIds = new Set<string>();

  for (const item of sorted) {
    const fail = (reason: UnplacedReason) => {
      failed.add(item.id);
      unplaced.push({ id: item.id, reason });
    };
    if (seenIds.has(item.id) || !validItem(item)) {
      fail("bad-item");
      continue;
    }
    seenIds.add(item.id);
    if (cyclic.has(item.id)) {
      fail("dependency-cycle");
      continue;
    }
    const deps = item.after ?? [];
    if (deps.some((dep) => failed.has(dep) || cyclic.has(dep))) {
      fail("dependency-unplaced");
      continue;
    }
    if (noHours) {
      fail("no-work-hours");
      continue;
    }
    const from = Math.max(now, item.notBefore ? Date.parse(item.notBefore) : -Infinity, ...deps.map((dep) => ends.get(dep) ?? -Infinity));
    const limit = Math.min(until, item.deadline ? Date.parse(item.deadline) : Infinity);
    const length = item.minutes * 60_000;
    let start: number | null = null;
    for (let day = 0, at = from; day < MAX_DAYS && start === null && at < limit; day++, at = nextDay(at)) {
      const window = windowOf(dayOf(at, timeZone));
      if (!window) continue;
      start = busy.firstFit(Math.max(window.s, from), Math.min(window.e, limit), length);
    }
    if (start === null) {
      fail("no-free-time");
      continue;
    }
    const span = { s: start, e: start + length };
    busy.add(span);
    ends.set(item.id, span.e);
    placed.push({ id: item.id, start: isoInZone(span.s, timeZone), end: isoInZone(span.e, timeZone) });
  }
  return { placed, unplaced };
}
