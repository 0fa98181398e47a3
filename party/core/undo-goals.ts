/**
 * B16: undo of a turn's goals and blocks (a confirmed architect plan, a
 * confirmed rescheduling). A block it created is removed, one it moved goes
 * back — unless the user changed it since: then it stays, and the answer says
 * why. A goal it created is removed unless touched, or unless something of it
 * stays (a task or block kept), so nothing kept points at a missing goal.
 */
import type * as Y from "yjs";
import { type ActorOrigin, patchBlock, readBlock, readBlocks, readGoal, readTasks, removeBlock, removeGoal } from "../../shared/doc-schema.ts";
import type { LedgerEvent } from "../../shared/events.ts";
import type { UndoKept, UndoRevert } from "../../shared/undo.ts";
import { keptReason, type Touch, type Touches } from "./undo-touches.ts";

export type GoalUndo = {
  doc: Y.Doc;
  touches: Touches;
  now: string;
  reverted: UndoRevert[];
  kept: UndoKept[];
  writes: ((origin: ActorOrigin) => void)[];
};

const keep = (u: GoalUndo, kind: "goal" | "block", id: string, title: string, touch: Touch) =>
  u.kept.push({ kind, id, title, by: touch.actor.kind, reason: keptReason(touch) });

export function undoGoalsAndBlocks(u: GoalUndo, own: readonly LedgerEvent[], removedTasks: ReadonlySet<string>): void {
  const removedBlocks = new Set<string>();
  for (const e of own) {
    if (e.type === "block.created") {
      const current = readBlock(u.doc, e.payload.block.id);
      if (!current) continue;
      const touch = u.touches.after(`block:${current.id}`, e.seq);
      if (touch) {
        keep(u, "block", current.id, current.title, touch);
        continue;
      }
      removedBlocks.add(current.id);
      u.reverted.push({ kind: "block.removed", blockId: current.id, title: current.title });
      u.writes.push((o) => removeBlock(u.doc, current.id, o));
    }
    if (e.type === "block.updated" && e.payload.before?.start && e.payload.before.end) {
      const current = readBlock(u.doc, e.payload.blockId);
      if (!current || own.some((o) => o.type === "block.created" && o.payload.block.id === current.id)) continue;
      const touch = u.touches.after(`block:${current.id}`, e.seq, ["start", "end"]);
      if (touch) {
        keep(u, "block", current.id, current.title, touch);
        continue;
      }
      const { start, end } = e.payload.before;
      u.reverted.push({ kind: "block.reverted", blockId: current.id, title: current.title, start, end });
      u.writes.push((o) => patchBlock(u.doc, current.id, { start, end, updatedAt: u.now }, o));
    }
  }
  for (const e of own) {
    if (e.type !== "goal.created") continue;
    const goal = readGoal(u.doc, e.payload.goal.id);
    if (!goal) continue;
    const touch =
      u.touches.after(`goal:${goal.id}`, e.seq) ??
      stays(
        readTasks(u.doc).some((t) => t.goalId === goal.id && !removedTasks.has(t.id)) ||
          readBlocks(u.doc).some((b) => b.goalId === goal.id && !removedBlocks.has(b.id)),
        e.seq,
      );
    if (touch) {
      keep(u, "goal", goal.id, goal.title, touch);
      continue;
    }
    u.reverted.push({ kind: "goal.removed", goalId: goal.id, title: goal.title });
    u.writes.push((o) => removeGoal(u.doc, goal.id, o));
  }
}

const stays = (kept: boolean, seq: number): Touch | undefined =>
  kept ? { seq, actor: { kind: "system" }, fields: "all", verb: "kept", reason: "some of its tasks or blocks are kept" } : undefined;
