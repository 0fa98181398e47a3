/**
 * Which tasks each filter of the Tasks view shows (S12). Days are the user's
 * local days in the preference zone, and "overdue" is judged by instant: a task
 * due at 15:01 today is in "today" all day and also "overdue" from 15:01.
 */
import { dueDay, isOverdue, localDate } from "../../shared/dates.ts";
import type { Task } from "../../shared/domain.ts";
import type { TaskFilter } from "../../shared/search.ts";

export function matchesFilter(task: Task, filter: TaskFilter, now: Date, timeZone: string, tag?: string): boolean {
  // A tag narrows any filter (W22).
  if (tag !== undefined && !task.tags.includes(tag)) return false;
  if (filter === "done") return task.status === "done";
  if (task.status !== "open") return false;
  if (filter === "all") return true;
  if (task.due === null) return false;
  switch (filter) {
    case "today":
      return dueDay(task.due, timeZone) === localDate(timeZone, now);
    case "overdue":
      return isOverdue(task.due, now, timeZone);
    case "upcoming":
      return dueDay(task.due, timeZone) > localDate(timeZone, now);
    default: {
      const unhandled: never = filter;
      return unhandled;
    }
  }
}

/** Every tag in use, for the tag filter: each once, by how many tasks carry it, then by name. */
export function tagsInUse(tasks: readonly Task[]): string[] {
  const counts = new Map<string, number>();
  for (const t of tasks) for (const tag of t.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([tag]) => tag);
}

/** Whether a task's title matches what is typed in the search box (every word, any case). */
export function matchesSearch(task: Task, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const title = task.title.toLowerCase();
  return words.every((w) => title.includes(w) || task.tags.some((t) => t.includes(w.replace(/^#/, ""))));
}

/** A tag as typed in the tag field (W22): "#Work" and "work" are the same tag; null when it is not one. */
export function normalizeTag(typed: string): string | null {
  const tag = typed.trim().replace(/^#+/, "").toLowerCase();
  return /^[\p{L}\p{N}_-]{1,64}$/u.test(tag) ? tag : null;
}
