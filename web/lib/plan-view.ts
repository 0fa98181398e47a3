/**
 * What the plan card shows (docs/PROTOCOL.md S14): today's plan read against
 * the live task list, so the card follows the tasks — an item whose task was
 * completed shows done, and "Nothing open" is said only when nothing is.
 */
import { type Plan, type PlanItem, planListsTasks, type Task } from "../../shared/domain.ts";

/** An item as the card shows it: its own status, or `done` once its task is. */
export type ShownItem = PlanItem & { shown: PlanItem["status"] | "done" };

export type PlanView = {
  items: ShownItem[];
  /** Open tasks now. */
  open: number;
  /** One line above the items on how the tasks moved on since the plan, or null. */
  headline: string | null;
  /** Whether asking for the plan again would give a different one (it listed nothing, and something is open). */
  stale: boolean;
};

const tasksWord = (n: number) => `${n} ${n === 1 ? "task" : "tasks"}`;

export function planView(plan: Plan, tasks: readonly Task[]): PlanView {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const open = tasks.filter((t) => t.status === "open");
  const planned = new Set(plan.items.flatMap((i) => (i.taskId ? [i.taskId] : [])));
  const listed = planListsTasks(plan);
  const stale = !listed && open.length > 0;
  const items = plan.items
    // The note of a plan made when nothing was open says so; it is not shown once something is.
    .filter((i) => !(stale && i.kind === "note"))
    .map((i): ShownItem => ({ ...i, shown: i.status !== "rejected" && i.taskId && byId.get(i.taskId)?.status === "done" ? "done" : i.status }));
  const unplanned = open.filter((t) => !planned.has(t.id)).length;
  // A plan made when nothing was open says so in its note, true while nothing is.
  const headline = !listed
    ? open.length === 0
      ? null
      : `Nothing was open when this plan was made; ${tasksWord(open.length)} open now.`
    : unplanned > 0
      ? `${tasksWord(unplanned)} open but not in this plan.`
      : null;
  return { items, open: open.length, headline, stale };
}
