/**
 * The goals beside the timeline (docs/PROTOCOL.md W76): each goal with its
 * target date, tasks done of total and its blocks this week — live from the
 * Yjs document — and a link to its activity (why each change was made, W78).
 */
import { Link } from "@tanstack/react-router";
import { Flag } from "lucide-react";
import type { Block, Goal } from "../../../shared/goals.ts";
import type { Task } from "../../../shared/domain.ts";
import { goalProgress, progressWords } from "../../lib/goal-progress.ts";

type Props = { goals: Goal[]; tasks: Task[]; blocks: Block[]; week: { from: number; to: number }; day: (date: string) => string };

export function GoalsList({ goals, tasks, blocks, week, day }: Props) {
  const shown = goals.filter((g) => g.status !== "dropped");
  return (
    <section aria-labelledby="goals-title" data-testid="goals" className="rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900">
      <h2 id="goals-title" className="flex items-center gap-2 text-sm font-semibold tracking-wide text-stone-600 uppercase dark:text-stone-400">
        <Flag className="size-4" aria-hidden /> Goals
      </h2>
      {shown.length === 0 ? (
        <p className="mt-2 text-sm text-stone-600 dark:text-stone-400">
          No goals yet. Ask in{" "}
          <Link to="/chat" className="text-indigo-700 underline dark:text-indigo-300">
            Chat
          </Link>
          : “help me prepare for the half marathon on March 15”.
        </p>
      ) : (
        <ul className="mt-2 space-y-3">
          {shown.map((g) => {
            const p = goalProgress(g, tasks, blocks, week);
            const words = progressWords(p);
            const percent = p.total === 0 ? 0 : Math.round((p.done / p.total) * 100);
            return (
              <li key={g.id} data-testid="goal" data-goal-id={g.id} className="text-sm">
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <span className={`font-medium ${g.status === "done" ? "line-through" : ""}`}>{g.title}</span>
                  {g.targetDate && <span className="text-xs text-stone-600 dark:text-stone-400">by {day(g.targetDate)}</span>}
                  {g.status === "done" && <span className="text-xs text-emerald-700 dark:text-emerald-400">done</span>}
                </div>
                <div role="progressbar" aria-label={`${g.title}: tasks done`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={words} className="mt-1 h-1.5 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-700">
                  <div className="h-full rounded-full bg-emerald-600" style={{ width: `${percent}%` }} />
                </div>
                <div className="mt-1 flex flex-wrap items-center justify-between gap-x-2 text-xs text-stone-600 dark:text-stone-400">
                  <span data-testid="goal-progress">{words}</span>
                  <Link to="/activity" search={{ actor: "all", goal: g.id }} aria-label={`Activity of ${g.title}`} className="inline-flex min-h-11 items-center text-indigo-700 underline md:min-h-0 dark:text-indigo-300">
                    Activity
                  </Link>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
