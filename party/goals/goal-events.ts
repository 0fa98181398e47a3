/**
 * B21: the ledger events of one goal — what the Activity view shows when it
 * filters by goal: the goal's own events and those of the tasks and blocks
 * that belong to it (created with its goalId, or given it since).
 */
import type { LedgerEvent } from "../../shared/events.ts";
import type { Ledger } from "../core/ledger.ts";

/** Events read per step while looking for matches. */
const SCAN_PAGE = 500;

export function goalEvents(ledger: Ledger, goalId: string, since: number, limit: number): LedgerEvent[] {
  const members = new Set<string>();
  for (const e of ledger.ofTypes(["task.created", "task.updated", "block.created", "block.updated"])) {
    if (e.type === "task.created" && e.payload.task.goalId === goalId) members.add(`task:${e.payload.task.id}`);
    if (e.type === "task.updated" && e.payload.changes.goalId === goalId) members.add(`task:${e.payload.taskId}`);
    if (e.type === "block.created" && e.payload.block.goalId === goalId) members.add(`block:${e.payload.block.id}`);
    if (e.type === "block.updated" && e.payload.changes?.goalId === goalId) members.add(`block:${e.payload.blockId}`);
  }
  const found: LedgerEvent[] = [];
  for (let cursor = since; found.length < limit; ) {
    const page = ledger.since(cursor, SCAN_PAGE);
    if (page.length === 0) break;
    for (const e of page) if (found.length < limit && belongs(e, goalId, members)) found.push(e);
    cursor = page[page.length - 1]!.seq;
  }
  return found;
}

function belongs(e: LedgerEvent, goalId: string, members: ReadonlySet<string>): boolean {
  switch (e.type) {
    case "goal.created":
      return e.payload.goal.id === goalId;
    case "goal.updated":
    case "goal.deleted":
      return e.payload.goalId === goalId;
    case "task.created":
      return members.has(`task:${e.payload.task.id}`);
    case "task.updated":
    case "task.completed":
    case "task.deleted":
      return members.has(`task:${e.payload.taskId}`);
    case "block.created":
      return members.has(`block:${e.payload.block.id}`);
    case "block.updated":
    case "block.deleted":
      return members.has(`block:${e.payload.blockId}`);
    default:
      return false;
  }
}
