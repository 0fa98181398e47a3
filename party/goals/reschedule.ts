/**
 * Rescheduling (docs/PROTOCOL.md B17–B19): "I missed today's run", "move my
 * afternoon blocks to tomorrow" become moves, planned with placeBlocks — pure.
 *
 * - B17: the blocks asked about move; later blocks of the same goal follow
 *   only when they must (a block never lands before the one it came after:
 *   dependencies kept), and otherwise stay where they are.
 * - B18: a block the user placed by hand (source "user") is listed with
 *   "you placed this yourself": the card says so before anything moves.
 * - Hours: the work hours, widened to the moved blocks' own times (a run at
 *   18:00 is not work, and stays an evening thing); any day of the week.
 */
import { dayOf, zoneOffsetMinutes } from "../../shared/dates.ts";
import type { Block, Goal } from "../../shared/goals.ts";
import { dayRange, dayStart, isoInZone } from "../../shared/zoned.ts";
import { type PlaceItem, placeBlocks, type Span, type WorkHours } from "../schedule/place-blocks.ts";
import type { Move } from "./store.ts";
import type { RescheduleRequest } from "../chat/structured-port.ts";

export type { RescheduleRequest };

export type PlannedMove = Move & { title: string; detail?: string };
export type MovePlan = { moves: PlannedMove[]; unplaced: string[] } | { nothing: string };

export type RescheduleInput = {
  request: RescheduleRequest;
  blocks: readonly Block[];
  goals: readonly Goal[];
  /** Calendar events (timed) over the next weeks: never overlapped. */
  events: readonly Span[];
  workHours: WorkHours;
  timeZone: string;
  now: number;
};

/** How far ahead a missed block may go (B17). */
export const RESCHEDULE_DAYS = 21;
const DAY_MS = 24 * 60 * 60_000;

const minuteOf = (ms: number, tz: string) => {
  const iso = isoInZone(ms, tz);
  return Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
};
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const clock = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
/** "run" finds "Easy run 5 km" and "Running club": words starting with it. */
const matches = (title: string, word: string) => new RegExp(`\\b${word.replace(/[^\p{L}\p{N}]/gu, "")}`, "iu").test(title);

export function planMoves(input: RescheduleInput): MovePlan {
  const { request, timeZone: tz, now } = input;
  const today = dayOf(now, tz);
  const { from: todayStart, to: tomorrowStart } = dayRange(today, tz);
  const todays = input.blocks.filter((b) => Date.parse(b.start) >= todayStart && Date.parse(b.start) < tomorrowStart);
  const asked =
    request.kind === "missed"
      ? todays.filter((b) => Date.parse(b.start) <= now && (!request.match || matches(b.title, request.match)))
      : todays.filter((b) => request.part === "all" || (minuteOf(Date.parse(b.start), tz) < 12 * 60) === (request.part === "morning"));
  if (asked.length === 0) {
    const what = request.kind === "missed" ? (request.match ? `“${request.match}” block` : "block") : `${request.part === "all" ? "" : `${request.part} `}block`;
    return { nothing: `There is no ${what} today to move` };
  }
  const askedIds = new Set(asked.map((b) => b.id));
  // B17: the blocks of the same goal after an asked one come along as followers, kept in order.
  const goalIds = new Set(asked.flatMap((b) => (b.goalId ? [b.goalId] : [])));
  const firstAsked = Math.min(...asked.map((b) => Date.parse(b.start)));
  const followers = input.blocks.filter((b) => !askedIds.has(b.id) && b.goalId !== null && goalIds.has(b.goalId) && Date.parse(b.start) > firstAsked);
  const moving = [...asked, ...followers].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const movingIds = new Set(moving.map((b) => b.id));

  const notBefore = request.kind === "missed" ? now : dayRange(dayOf(tomorrowStart, tz), tz).from;
  const until = request.kind === "missed" ? now + RESCHEDULE_DAYS * DAY_MS : dayRange(dayOf(tomorrowStart, tz), tz).to;
  const lastOfGoal = new Map<string, string>();
  const items: PlaceItem[] = moving.map((b) => {
    const start = Date.parse(b.start);
    const own = askedIds.has(b.id);
    const target = own ? (request.kind === "missed" ? notBefore : Math.max(notBefore, start + DAY_MS + offsetShift(start, tz))) : start;
    const after = b.goalId ? lastOfGoal.get(b.goalId) : undefined;
    if (b.goalId) lastOfGoal.set(b.goalId, b.id);
    const goal = b.goalId ? input.goals.find((g) => g.id === b.goalId) : undefined;
    const deadline = goal?.targetDate ? dayStart(goal.targetDate, tz) : undefined;
    return {
      id: b.id,
      title: b.title,
      minutes: Math.round((Date.parse(b.end) - start) / 60_000),
      notBefore: isoInZone(target, tz),
      ...(after ? { after: [after] } : {}),
      ...(deadline !== undefined && deadline > target ? { deadline: isoInZone(deadline, tz) } : {}),
    };
  });
  const minutes = moving.flatMap((b) => [minuteOf(Date.parse(b.start), tz), minuteOf(Date.parse(b.end) - 1, tz) + 1]);
  const workHours: WorkHours = {
    start: hhmm(Math.min(clock(input.workHours.start), ...minutes)),
    end: hhmm(Math.min(23 * 60 + 59, Math.max(clock(input.workHours.end), ...minutes))),
    days: [1, 2, 3, 4, 5, 6, 7],
  };
  const busy = [...input.events, ...input.blocks.filter((b) => !movingIds.has(b.id)).map((b) => ({ start: b.start, end: b.end }))];
  let result = placeBlocks({ items, busy, workHours, timeZone: tz, now, until });
  if (request.kind === "part" && result.unplaced.length > 0) {
    // The same time tomorrow is taken: anywhere in tomorrow's hours instead.
    result = placeBlocks({ items: items.map((i) => (askedIds.has(i.id) ? { ...i, notBefore: isoInZone(notBefore, tz) } : i)), busy, workHours, timeZone: tz, now, until });
  }
  const byId = new Map(moving.map((b) => [b.id, b]));
  const moves: PlannedMove[] = [];
  for (const p of result.placed) {
    const b = byId.get(p.id)!;
    if (Date.parse(p.start) === Date.parse(b.start)) continue;
    const detail = [b.source === "user" ? "you placed this yourself" : null, askedIds.has(b.id) ? null : "moves to stay after the one before it"].filter(Boolean).join("; ");
    moves.push({ entryId: `move-${b.id}`, blockId: b.id, start: p.start, end: p.end, fromStart: b.start, fromEnd: b.end, title: b.title, ...(detail ? { detail } : {}) });
  }
  return { moves, unplaced: result.unplaced.map((u) => byId.get(u.id)!.title) };
}

/** Across a DST change "the same wall time tomorrow" is 23 or 25 hours away. */
function offsetShift(at: number, tz: string): number {
  return (zoneOffsetMinutes(tz, new Date(at)) - zoneOffsetMinutes(tz, new Date(at + DAY_MS))) * 60_000;
}
