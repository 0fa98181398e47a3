/**
 * The Activity view by goal, and why (docs/PROTOCOL.md W78): which goal each
 * ledger event belongs to — the goal's own events, its blocks' and its tasks'
 * — and the "why" the assistant or a workflow recorded with a change (B20).
 * Goals are followed through the ledger oldest first, as the wording is
 * (web/lib/activity.ts): a task or block names its goal when created or when
 * its `goalId` changes; ids the listed events never tied to a goal are looked
 * up in the current document. Plain code, tested in Node
 * (tests/unit/timeline-activity.test.ts).
 */
import type { LedgerEvent } from "../../shared/events.ts";
import type { Why } from "../../shared/goals.ts";

/** The current document's ties, for ids older than the events listed. */
export type GoalTies = {
  taskGoal: (taskId: string) => string | null;
  blockGoal: (blockId: string) => string | null;
};

/** Each event's goal id (absent: no goal), by event id. */
export function goalsOfEvents(events: readonly LedgerEvent[], ties: GoalTies): Map<string, string> {
  const tasks = new Map<string, string | null>();
  const blocks = new Map<string, string | null>();
  const task = (id: string) => (tasks.has(id) ? tasks.get(id)! : ties.taskGoal(id));
  const block = (id: string) => (blocks.has(id) ? blocks.get(id)! : ties.blockGoal(id));
  const found = new Map<string, string>();
  for (const e of events) {
    const goal = goalOf(e, task, block, tasks, blocks);
    if (goal) found.set(e.id, goal);
  }
  return found;
}

function goalOf(
  e: LedgerEvent,
  task: (id: string) => string | null,
  block: (id: string) => string | null,
  tasks: Map<string, string | null>,
  blocks: Map<string, string | null>,
): string | null {
  switch (e.type) {
    case "goal.created":
      for (const id of e.payload.goal.taskIds) tasks.set(id, e.payload.goal.id);
      return e.payload.goal.id;
    case "goal.updated":
      for (const id of e.payload.changes?.taskIds ?? []) tasks.set(id, e.payload.goalId);
      return e.payload.goalId;
    case "goal.deleted":
      return e.payload.goalId;
    case "block.created":
      blocks.set(e.payload.block.id, e.payload.block.goalId);
      return e.payload.block.goalId;
    case "block.updated":
      if (e.payload.changes?.goalId !== undefined) blocks.set(e.payload.blockId, e.payload.changes.goalId);
      return block(e.payload.blockId);
    case "block.deleted":
      return e.payload.block?.goalId ?? block(e.payload.blockId);
    case "task.created":
      if (e.payload.task.goalId) tasks.set(e.payload.task.id, e.payload.task.goalId);
      return task(e.payload.task.id);
    case "task.updated":
      if (e.payload.changes.goalId !== undefined) tasks.set(e.payload.taskId, e.payload.changes.goalId);
      return task(e.payload.taskId);
    case "task.completed":
      return task(e.payload.taskId);
    case "task.deleted":
      return e.payload.task?.goalId ?? task(e.payload.taskId);
    default:
      return null;
  }
}

/** B20: why the assistant or a workflow made this change, when it said. */
export function whyOf(e: LedgerEvent): Why | null {
  return "why" in e.payload && e.payload.why ? e.payload.why : null;
}

/** "Workflow step place" / "In chat": where a change came from, in words. */
export function whySource(why: Why): string {
  if (why.workflowId) return `Planning run${why.step ? `, step “${why.step}”` : ""}`;
  return "A chat turn";
}
