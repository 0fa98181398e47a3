/**
 * What one day column of the timeline holds (docs/PROTOCOL.md W70, W72): the
 * agenda's calendar events, timed tasks, reminders and plan items, and the
 * document's blocks — one list, each item clipped to the day, laid out in
 * lanes. Blocks come from the Yjs document (live, editable), never from the
 * agenda's copy of them: the agenda's `block` items are dropped, so a block is
 * drawn once and moves the moment its document entry does. Plain code, tested
 * in Node (tests/unit/timeline-items.test.ts).
 */
import type { AgendaItem } from "../../shared/agenda.ts";
import { type Day, MINUTE_MS, minuteOf } from "./timeline-time.ts";
import { layoutLanes } from "./timeline-layout.ts";

export type TimelineKind = AgendaItem["kind"];

/** One item on the timeline, with instants in ms. */
export type TimelineItem = {
  /** Unique on the timeline: `<kind>:<id>`. */
  key: string;
  kind: TimelineKind;
  id: string;
  title: string;
  start: number;
  /** Null for a moment (a timed task's deadline, a reminder). */
  end: number | null;
  allDay: boolean;
  /** Only blocks are moved and resized here. */
  editable: boolean;
  /** A calendar event's source id; a block's source ("user", "architect", …). */
  source?: string;
  /** A block's goal, for its colour and the goals list. */
  goalId?: string | null;
};

/** What a block must have to be drawn (the document's BlockSchema has all of it). */
export type BlockLike = { id: string; title: string; start: string; end: string; source: string; goalId: string | null };

export function fromAgenda(items: readonly AgendaItem[]): TimelineItem[] {
  return items
    .filter((i) => i.kind !== "block")
    .map((i) => ({
      key: `${i.kind}:${i.id}`,
      kind: i.kind,
      id: i.id,
      title: i.title,
      start: Date.parse(i.start),
      end: i.end ? Date.parse(i.end) : null,
      allDay: i.allDay === true,
      editable: false,
      ...(i.source ? { source: i.source } : {}),
    }));
}

export function fromBlocks(blocks: readonly BlockLike[]): TimelineItem[] {
  return blocks.map((b) => ({
    key: `block:${b.id}`,
    kind: "block",
    id: b.id,
    title: b.title,
    start: Date.parse(b.start),
    end: Date.parse(b.end),
    allDay: false,
    editable: true,
    source: b.source,
    goalId: b.goalId,
  }));
}

/** A moment takes this much room on the column (it has no length of its own). */
export const MOMENT_MINUTES = 30;

/** An item as drawn in a day column: minutes from the day's start, and its lane. */
export type DrawnItem = TimelineItem & { top: number; height: number; lane: number; lanes: number; clippedStart: boolean; clippedEnd: boolean };

/** The all-day items touching `day`, and the timed ones drawn on it (clipped to it, in lanes). */
export function dayColumn(items: readonly TimelineItem[], day: Day): { allDay: TimelineItem[]; timed: DrawnItem[] } {
  const allDay = items.filter((i) => i.allDay && i.start < day.to && (i.end ?? i.start + 1) > day.from);
  const timed = items.filter((i) => !i.allDay && (i.end === null ? i.start >= day.from && i.start < day.to : i.start < day.to && i.end > day.from));
  const spans = timed.map((i) => {
    const top = minuteOf(i.start, day);
    const end = i.end === null ? top + MOMENT_MINUTES : minuteOf(i.end, day);
    return { item: i, top, end: Math.max(end, top + 1) };
  });
  const lanes = new Map(layoutLanes(spans.map((s) => ({ key: s.item.key, start: s.top, end: s.end }))).map((p) => [p.key, p]));
  return {
    allDay,
    timed: spans.map(({ item, top, end }) => {
      const lane = lanes.get(item.key);
      return {
        ...item,
        top,
        height: end - top,
        lane: lane?.lane ?? 0,
        lanes: lane?.lanes ?? 1,
        clippedStart: item.start < day.from,
        clippedEnd: item.end !== null && item.end > day.to,
      };
    }),
  };
}

/** Whether `ms` is on `day` (the now-line is drawn only on today's column). */
export const isOnDay = (ms: number, day: Day): boolean => ms >= day.from && ms < day.to;

/** Length of an item in minutes (for the words a screen reader hears). */
export const lengthMinutes = (i: TimelineItem): number => (i.end === null ? 0 : Math.round((i.end - i.start) / MINUTE_MS));
