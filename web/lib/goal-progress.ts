/**
 * A goal's progress as the goals list shows it (docs/PROTOCOL.md W76): its
 * tasks done of total — the tasks it owns (`taskIds`) and any task naming it
 * (`goalId`), each once — and its blocks this week (count and minutes), in the
 * preference zone's week. Plain code, tested in Node (tests/unit/timeline-goals.test.ts).
 */
import { MINUTE_MS } from "./timeline-time.ts";

export type GoalLike = { id: string; title: string; status: string; targetDate: string | null; taskIds: readonly string[] };
export type TaskLike = { id: string; status: "open" | "done"; goalId?: string };
export type GoalBlockLike = { goalId: string | null; start: string; end: string };

export type GoalProgress = {
  done: number;
  total: number;
  /** Blocks of the goal that start within the week. */
  blocksThisWeek: number;
  minutesThisWeek: number;
};

export function goalProgress(goal: GoalLike, tasks: readonly TaskLike[], blocks: readonly GoalBlockLike[], week: { from: number; to: number }): GoalProgress {
  const owned = new Set(goal.taskIds);
  // A task the goal lists that no longer exists (deleted) is not counted: progress is of what is there.
  const mine = tasks.filter((t) => owned.has(t.id) || t.goalId === goal.id);
  const thisWeek = blocks.filter((b) => b.goalId === goal.id && Date.parse(b.start) >= week.from && Date.parse(b.start) < week.to);
  return {
    done: mine.filter((t) => t.status === "done").length,
    total: mine.length,
    blocksThisWeek: thisWeek.length,
    minutesThisWeek: thisWeek.reduce((sum, b) => sum + Math.max(0, Date.parse(b.end) - Date.parse(b.start)) / MINUTE_MS, 0),
  };
}

/** "3 of 8 tasks done · 4 blocks this week (5 h 30 min)" — what the list says, and a screen reader hears. */
export function progressWords(p: GoalProgress): string {
  const tasks = p.total === 0 ? "No tasks yet" : `${p.done} of ${p.total} ${p.total === 1 ? "task" : "tasks"} done`;
  const blocks = p.blocksThisWeek === 0 ? "no blocks this week" : `${p.blocksThisWeek} ${p.blocksThisWeek === 1 ? "block" : "blocks"} this week (${durationWords(p.minutesThisWeek)})`;
  return `${tasks} · ${blocks}`;
}

/** 90 → "1 h 30 min", 45 → "45 min", 120 → "2 h". */
export function durationWords(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
