/**
 * A task's due date as a chip that opens the due editor: red once overdue
 * (by instant, S12), indigo when it falls today, grey otherwise — in the
 * user's zone (W5).
 */
import { CalendarDays } from "lucide-react";
import { dueDay, localDate } from "../../../shared/dates.ts";
import type { Task } from "../../../shared/domain.ts";
import type { Zone } from "../../hooks/use-zone.ts";

export type DueTone = "overdue" | "today" | "later";

export function dueTone(due: string, overdue: boolean, now: Date, timeZone: string): DueTone {
  if (overdue) return "overdue";
  return dueDay(due, timeZone) === localDate(timeZone, now) ? "today" : "later";
}

const TONES: Record<DueTone, string> = {
  overdue: "bg-red-50 text-red-700 ring-red-200 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-900",
  today: "bg-indigo-50 text-indigo-700 ring-indigo-200 dark:bg-indigo-950/60 dark:text-indigo-300 dark:ring-indigo-900",
  later: "bg-stone-100 text-stone-700 ring-stone-200 dark:bg-stone-800 dark:text-stone-300 dark:ring-stone-700",
};

export function DueChip({ task, zone, tone, onOpen }: { task: Task & { due: string }; zone: Zone; tone: DueTone; onOpen: () => void }) {
  const text = zone.due(task.due);
  return (
    // At phone width the button is a 44 px target around a small pill (the margins keep the line compact).
    <button
      onClick={onOpen}
      aria-label={`${tone === "overdue" ? "Overdue" : "Due"} ${text} — change due date of ${task.title}`}
      data-tone={tone}
      className="group/due flex items-center rounded-full outline-none max-md:-my-2 max-md:min-h-11"
    >
      <span className={`inline-flex h-7 items-center gap-1 rounded-full px-2 text-xs font-medium ring-1 ring-inset group-focus-visible/due:ring-2 group-focus-visible/due:ring-indigo-500 ${TONES[tone]}`}>
        <CalendarDays className="size-3.5" aria-hidden />
        <span data-testid="due">
          {tone === "overdue" && "Overdue · "}
          {text}
        </span>
      </span>
    </button>
  );
}
