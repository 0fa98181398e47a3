/**
 * The architect's place step (docs/PROTOCOL.md B42–B44): each task of the
 * breakdown becomes one block of its effort, placed by `placeBlocks` in free
 * time — inside work hours and work days in the user's zone, around calendar
 * events and existing blocks, after the tasks it follows, by its due date —
 * and the whole becomes the proposal's entries: milestones, tasks, blocks.
 * A task with no room for its block is still proposed, and says why.
 * Pure: the workflow runs it between two calls to the room.
 */
import type { ArchitectEntry } from "../../shared/goals.ts";
import { formatDay } from "../../shared/format.ts";
import { dayStart, isoInZone } from "../../shared/zoned.ts";
import { type PlaceItem, placeBlocks, type UnplacedReason } from "../schedule/place-blocks.ts";
import type { Breakdown } from "./breakdown.ts";
import type { ArchitectContext } from "./calls.ts";
import { addDays } from "./rules.ts";

const WHY_UNPLACED: Record<UnplacedReason, string> = {
  "no-free-time": "no free time in your work hours",
  "bad-item": "its length does not fit a block",
  "dependency-unplaced": "what it follows found no time",
  "dependency-cycle": "its order is circular",
  "no-work-hours": "you have no work hours set",
};

/** Entry ids per kind: a task and its block share the breakdown's id, each under its own prefix. */
export const entryId = { milestone: (id: string) => `m-${id}`, task: (id: string) => `t-${id}`, block: (id: string) => `b-${id}` } as const;

export type Placement = { entries: ArchitectEntry[]; placed: number; unplaced: number };

export function placeBreakdown(breakdown: Breakdown, ctx: ArchitectContext): Placement {
  const { timeZone } = ctx;
  const items: PlaceItem[] = breakdown.tasks.map((task) => ({
    id: task.id,
    title: task.title,
    minutes: task.minutes,
    ...(task.notBefore ? { notBefore: isoInZone(dayStart(task.notBefore, timeZone), timeZone) } : {}),
    // Due on a date: done by the end of that local day.
    ...(task.due ? { deadline: isoInZone(dayStart(addDays(task.due, 1), timeZone), timeZone) } : {}),
    ...(task.after?.length ? { after: task.after } : {}),
  }));
  const result = placeBlocks({ items, busy: ctx.busy, workHours: ctx.workHours, timeZone, now: ctx.now, until: ctx.until });
  const placed = new Map(result.placed.map((p) => [p.id, p]));
  const unplaced = new Map(result.unplaced.map((u) => [u.id, u.reason]));
  const entries: ArchitectEntry[] = breakdown.milestones.map((m) => ({ id: entryId.milestone(m.id), kind: "milestone", title: m.title, ...(m.due ? { due: m.due } : {}) }));
  for (const task of breakdown.tasks) {
    const reason = unplaced.get(task.id);
    const by = task.due ? ` before ${formatDay(task.due)}` : "";
    entries.push({
      id: entryId.task(task.id),
      kind: "task",
      title: task.title,
      ...(task.due ? { due: task.due } : {}),
      ...(task.after?.length ? { after: task.after.map(entryId.task) } : {}),
      detail: reason ? `${task.minutes} min — not scheduled: ${WHY_UNPLACED[reason]}${by}` : `${task.minutes} min`,
    });
  }
  for (const task of breakdown.tasks) {
    const at = placed.get(task.id);
    if (!at) continue;
    entries.push({
      id: entryId.block(task.id),
      kind: "block",
      title: task.title,
      start: at.start,
      end: at.end,
      taskId: entryId.task(task.id),
      ...(task.after?.length ? { after: task.after.map(entryId.block).filter((id) => placed.has(id.slice(2))) } : {}),
    });
  }
  return { entries, placed: result.placed.length, unplaced: result.unplaced.length };
}
