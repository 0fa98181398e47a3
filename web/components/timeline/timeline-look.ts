/** How items look on the timeline: one colour per kind (a block by its source), readable in light and dark (W52). */
import type { TimelineItem, TimelineKind } from "../../lib/timeline-items.ts";

export const KIND_LABEL: Record<TimelineKind, string> = { event: "Event", task: "Task", reminder: "Reminder", block: "Block", plan: "Plan" };

/** A drag under way, in snapped minutes (and, in the week view, the raw horizontal offset in px). */
export type DragPreview = { blockId: string; mode: "move" | "resize"; minutes: number; dx: number };

const KIND_LOOK: Record<TimelineKind, string> = {
  event: "border-indigo-500 bg-indigo-50 text-indigo-950 dark:bg-indigo-950 dark:text-indigo-50",
  task: "border-amber-500 bg-amber-50 text-amber-950 dark:bg-amber-950 dark:text-amber-50",
  reminder: "border-amber-500 bg-amber-50 text-amber-950 dark:bg-amber-950 dark:text-amber-50",
  plan: "border-emerald-600 bg-emerald-50 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-50",
  block: "border-sky-600 bg-sky-100 text-sky-950 dark:bg-sky-900 dark:text-sky-50",
};

export function itemLook(item: TimelineItem): string {
  if (item.kind === "block" && item.source === "architect") return "border-violet-600 bg-violet-100 text-violet-950 dark:bg-violet-900 dark:text-violet-50";
  return KIND_LOOK[item.kind];
}
