/**
 * Which tasks each filter of the Tasks view shows (S12). Days are the user's
 * local days in the preference zone, and "overdue" is judged by instant: a task
 * due at 15:01 today is in "today" all day and also "overdue" from 15:01.
 */
import { dueDay, isOverdue, localDate } from "../../shared/dates.ts";
import type { Task } from "../../shared/domain.ts";
import type { TaskFilter } from "../../shared/search.ts";

export function matchesFilter(task: Task, filter: TaskFilter, now: Date, timeZone: string): boolean {
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
