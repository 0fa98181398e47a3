/**
 * Rescheduling (docs/PROTOCOL.md B17–B19): "I missed today's run", "move my
 * afternoon blocks to tomorrow" become moves, planned with placeBlocks — pure.
 *
 * - B17: the blocks asked about move; a later block of the same goal follows
 *   only when the block before it would now end after it starts (order kept),
 *   and otherwise stays where it is and is not mentioned — however far ahead.
 *   Blocks are walked in start order, each placed once against what is settled.
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
export type MovePlan = { moves: PlannedMove[]; unplaced: { blockId: string; title: string }[] } | { nothing: string };

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

/** How far past where it must start a moved block may go (B17). */
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
  // B17: blocks of the same goal after an asked one are candidates to follow; each moves only when
  // the block before it in its goal would now end after it starts, and otherwise stays, unmentioned.
  const goalIds = new Set(asked.flatMap((b) => (b.goalId ? [b.goalId] : [])));
  const firstAsked = Math.min(...asked.map((b) => Date.parse(b.start)));
  const candidates = input.blocks.filter((b) => !askedIds.has(b.id) && b.goalId !== null && goalIds.has(b.goalId) && Date.parse(b.start) > firstAsked);
  const walk = [...asked, ...candidates].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const walkIds = new Set(walk.map((b) => b.id));

  const notBefore = request.kind === "missed" ? now : tomorrowStart;
  const tomorrowEnd = request.kind === "part" ? dayRange(dayOf(tomorrowStart, tz), tz).to : undefined;
  const minutes = walk.flatMap((b) => [minuteOf(Date.parse(b.start), tz), minuteOf(Date.parse(b.end) - 1, tz) + 1]);
  const workHours: WorkHours = {
    start: hhmm(Math.min(clock(input.workHours.start), ...minutes)),
    end: hhmm(Math.min(23 * 60 + 59, Math.max(clock(input.workHours.end), ...minutes))),
    days: [1, 2, 3, 4, 5, 6, 7],
  };
  const fixed: Span[] = [...input.events, ...input.blocks.filter((b) => !walkIds.has(b.id)).map((b) => ({ start: b.start, end: b.end }))];
  /** Where each walked block ends up: its new span once placed or kept; absent while undecided. */
  const decided = new Map<string, Span>();
  /** Per goal: the end of the last block of its chain (moved or kept). */
  const chainEnd = new Map<string, number>();
  const moves: PlannedMove[] = [];
  const unplaced: { blockId: string; title: string }[] = [];
  for (const b of walk) {
    const start = Date.parse(b.start);
    const own = askedIds.has(b.id);
    const prevEnd = b.goalId ? chainEnd.get(b.goalId) : undefined;
    if (!own && (prevEnd === undefined || start >= prevEnd)) {
      // A follower with room before it: left where it is.
      decided.set(b.id, { start: b.start, end: b.end });
      if (b.goalId) chainEnd.set(b.goalId, Math.max(prevEnd ?? 0, Date.parse(b.end)));
      continue;
    }
    const own0 = own ? (request.kind === "missed" ? notBefore : Math.max(notBefore, start + DAY_MS + offsetShift(start, tz))) : start;
    const target = Math.max(own0, prevEnd ?? 0);
    const goal = b.goalId ? input.goals.find((g) => g.id === b.goalId) : undefined;
    const goalEnd = goal?.targetDate ? dayStart(goal.targetDate, tz) : undefined;
    // B17: what goes to tomorrow ends by tomorrow's end; a goal's blocks by its target date (when still ahead).
    const deadline = own && tomorrowEnd !== undefined ? Math.min(tomorrowEnd, goalEnd ?? Infinity) : goalEnd !== undefined && goalEnd > target ? goalEnd : undefined;
    // Never on what is settled, nor on a later block of another goal (it has no reason to move);
    // a later block of the same goal that this one lands on follows it instead.
    const busy = [
      ...fixed,
      ...decided.values(),
      ...walk.filter((o) => o.id !== b.id && !askedIds.has(o.id) && !decided.has(o.id) && (b.goalId === null || o.goalId !== b.goalId)).map((o) => ({ start: o.start, end: o.end })),
    ];
    const item = (from: number): PlaceItem => ({
      id: b.id,
      title: b.title,
      minutes: Math.round((Date.parse(b.end) - start) / 60_000),
      notBefore: isoInZone(from, tz),
      ...(deadline !== undefined ? { deadline: isoInZone(deadline, tz) } : {}),
    });
    const until = Math.max(now, target) + RESCHEDULE_DAYS * DAY_MS;
    let result = placeBlocks({ items: [item(target)], busy, workHours, timeZone: tz, now, until });
    if (own && request.kind === "part" && result.placed.length === 0) {
      // The same time tomorrow is taken: anywhere in tomorrow's hours instead.
      result = placeBlocks({ items: [item(Math.max(notBefore, prevEnd ?? 0))], busy, workHours, timeZone: tz, now, until });
    }
    const p = result.placed[0];
    if (!p) {
      // No room: it stays where it is (and nothing else lands there); the confirm refuses a move that would pass it.
      decided.set(b.id, { start: b.start, end: b.end });
      unplaced.push({ blockId: b.id, title: b.title });
      continue;
    }
    decided.set(b.id, { start: p.start, end: p.end });
    if (b.goalId) chainEnd.set(b.goalId, Math.max(prevEnd ?? 0, Date.parse(p.end)));
    if (Date.parse(p.start) === start) continue;
    const detail = [b.source === "user" ? "you placed this yourself" : null, own ? null : "moves to stay after the one before it"].filter(Boolean).join("; ");
    moves.push({ entryId: `move-${b.id}`, blockId: b.id, start: p.start, end: p.end, fromStart: b.start, fromEnd: b.end, title: b.title, ...(detail ? { detail } : {}) });
  }
  return { moves, unplaced };
}

/** Across a DST change "the same wall time tomorrow" is 23 or 25 hours away. */
function offsetShift(at: number, tz: string): number {
  return (zoneOffsetMinutes(tz, new Date(at)) - zoneOffsetMinutes(tz, new Date(at + DAY_MS))) * 60_000;
}
