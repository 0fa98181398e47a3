/**
 * What the Tasks view does to a task, written into the Yjs document (D6): at
 * once on this device, kept offline, synced to every device. Completing,
 * deleting, renaming and a new due date come with an Undo toast (D19, W20);
 * the undo is a Yjs change too, so it reaches every device.
 */
import { useMemo } from "react";
import { patchTask, removeTask, tasksOf } from "../../shared/doc-schema.ts";
import { LIMITS, type Task } from "../../shared/domain.ts";
import { splitTags } from "../../shared/task-input.ts";
import { normalizeTag } from "../lib/task-filter.ts";
import { planMove } from "../lib/task-order.ts";
import { withUndo } from "../lib/undoable.ts";
import { useBrain } from "./use-brain.ts";

const touch = () => ({ updatedAt: new Date().toISOString() });

export type TaskActions = ReturnType<typeof useTaskActions>;

export function useTaskActions() {
  const { doc, deviceId } = useBrain();
  return useMemo(
    () => ({
      toggle(task: Task) {
        // Reopening a done task is its own undo.
        if (task.status === "done") patchTask(doc, task.id, { status: "open", ...touch() });
        else withUndo(doc, deviceId, "Completed", (origin) => patchTask(doc, task.id, { status: "done", ...touch() }, origin));
      },
      remove(task: Task) {
        withUndo(doc, deviceId, "Deleted", (origin) => removeTask(doc, task.id, origin));
      },
      /** "#words" typed while renaming become tags; an empty or unchanged title changes nothing. */
      rename(task: Task, typed: string) {
        const { text, tags } = splitTags(typed);
        if (!text || (text === task.title && tags.length === 0)) return;
        const fields = { title: text.slice(0, LIMITS.title), ...(tags.length > 0 ? { tags: [...new Set([...task.tags, ...tags])].slice(0, LIMITS.tags) } : {}), ...touch() };
        withUndo(doc, deviceId, "Renamed", (origin) => patchTask(doc, task.id, fields, origin));
      },
      setDue(task: Task, due: string | null) {
        if (due === task.due) return;
        withUndo(doc, deviceId, due ? "Due date set" : "Due date cleared", (origin) => patchTask(doc, task.id, { due, ...touch() }, origin));
      },
      addTag(task: Task, typed: string): boolean {
        const tag = normalizeTag(typed);
        if (!tag || task.tags.length >= LIMITS.tags) return false;
        if (!task.tags.includes(tag)) patchTask(doc, task.id, { tags: [...task.tags, tag], ...touch() });
        return true;
      },
      removeTag(task: Task, tag: string) {
        patchTask(doc, task.id, { tags: task.tags.filter((t) => t !== tag), ...touch() });
      },
      /** Moves `list[from]` to index `to` of the list as shown; one transaction, so every device sees one move. */
      move(list: readonly Task[], from: number, to: number) {
        const patches = planMove(list, from, to);
        if (patches.length === 0) return;
        const now = touch();
        doc.transact(() => {
          for (const p of patches) if (tasksOf(doc).has(p.id)) patchTask(doc, p.id, { order: p.order, ...now });
        });
      },
    }),
    [doc, deviceId],
  );
}
