/**
 * The goals beside the timeline (docs/PROTOCOL.md W76): each goal with its
 * target date, tasks done of total and its blocks this week — live from the
 * Yjs document — and a link to its activity (why each change was made, W78).
 */
import { Link } from "@tanstack/react-router";
import { Flag } from "lucide-react";
import { type FormEvent, useState } from "react";
import type { Block, Goal, GoalStatus } from "../../../shared/goals.ts";
import type { Task } from "../../../shared/domain.ts";
import { goalProgress, progressWords } from "../../lib/goal-progress.ts";

type Props = {
  goals: Goal[];
  tasks: Task[];
  blocks: Block[];
  week: { from: number; to: number };
  day: (date: string) => string;
  /** W83: a goal renamed, or marked done, active again or dropped — through the document. */
  onRename: (goalId: string, title: string) => void;
  onStatus: (goalId: string, status: GoalStatus) => void;
};

const SMALL = "inline-flex min-h-11 items-center rounded px-1.5 text-indigo-700 outline-none hover:underline focus-visible:ring-2 focus-visible:ring-indigo-500 md:min-h-0 dark:text-indigo-300";

export function GoalsList({ goals, tasks, blocks, week, day, onRename, onStatus }: Props) {
  const [renaming, setRenaming] = useState<string | null>(null);
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
                  {renaming === g.id ? (
                    <RenameForm goal={g} onDone={() => setRenaming(null)} onRename={onRename} />
                  ) : (
                    <span className={`font-medium ${g.status === "done" ? "line-through" : ""}`}>{g.title}</span>
                  )}
                  {g.targetDate && <span className="text-xs text-stone-600 dark:text-stone-400">by {day(g.targetDate)}</span>}
                  {g.status === "done" && <span className="text-xs text-emerald-700 dark:text-emerald-400">done</span>}
                </div>
                <div role="progressbar" aria-label={`${g.title}: tasks done`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={words} className="mt-1 h-1.5 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-700">
                  <div className="h-full rounded-full bg-emerald-600" style={{ width: `${percent}%` }} />
                </div>
                <div className="mt-1 flex flex-wrap items-center justify-between gap-x-2 text-xs text-stone-600 dark:text-stone-400">
                  <span data-testid="goal-progress">{words}</span>
                  <span className="flex flex-wrap items-center">
                    <button onClick={() => setRenaming(g.id)} aria-label={`Rename ${g.title}`} className={SMALL}>
                      Rename
                    </button>
                    <button onClick={() => onStatus(g.id, g.status === "done" ? "active" : "done")} aria-label={g.status === "done" ? `Reopen ${g.title}` : `Mark ${g.title} done`} className={SMALL}>
                      {g.status === "done" ? "Reopen" : "Done"}
                    </button>
                    <button onClick={() => onStatus(g.id, "dropped")} aria-label={`Drop ${g.title}`} className={SMALL}>
                      Drop
                    </button>
                  </span>
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

function RenameForm({ goal, onDone, onRename }: { goal: Goal; onDone: () => void; onRename: Props["onRename"] }) {
  const [title, setTitle] = useState(goal.title);
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() && title.trim() !== goal.title) onRename(goal.id, title.trim());
    onDone();
  };
  return (
    <form onSubmit={save} className="flex w-full items-center gap-1">
      <input
        autoFocus
        aria-label={`New name for ${goal.title}`}
        value={title}
        maxLength={500}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onDone()}
        className="min-h-9 min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-600 dark:bg-stone-950"
      />
      <button type="submit" className="min-h-9 rounded-lg bg-indigo-600 px-2 text-xs font-medium text-white outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
        Save
      </button>
    </form>
  );
}
