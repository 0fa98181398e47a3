/**
 * Today's plan, proposed by the assistant: accept or reject each item (S6).
 * Live (S14): read against the task list, an item whose task was completed
 * shows done, and a plan made when nothing was open offers to plan again.
 */
import { Check, X } from "lucide-react";
import { toast } from "sonner";
import type { Plan, Task } from "../../shared/domain.ts";
import { formatDay } from "../../shared/format.ts";
import { useBrain } from "../hooks/use-brain.ts";
import { useZone } from "../hooks/use-zone.ts";
import { api } from "../lib/api.ts";
import { planView } from "../lib/plan-view.ts";

export function PlanCard({ plan, tasks }: { plan: Plan; tasks: readonly Task[] }) {
  const brain = useBrain();
  const zone = useZone();
  const view = planView(plan, tasks);
  const settle = async (itemId: string, action: "accept" | "reject") => {
    try {
      await api.planItem(plan.date, itemId, action);
      // W10: the event this write records reaches every device — this one too — on the socket and is folded into the cached state; no refetch.
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
  const label = { priority: "Priority", todo: "To do", note: "Note" } as const;
  return (
    <section data-testid="plan" className="mt-4 rounded-xl border border-indigo-200 bg-indigo-50/60 p-4 dark:border-indigo-900 dark:bg-indigo-950/40">
      <h2 className="font-semibold">Plan for {formatDay(plan.date)}</h2>
      {view.headline && (
        <p data-testid="plan-headline" className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600 dark:text-stone-300">
          {view.headline}
          {view.stale && (
            // The plan is rebuilt by asking for it, as in chat: the reply says what it planned (S13).
            <button onClick={() => brain.send("plan my day")} className="rounded-md bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-1 max-md:min-h-11">
              Plan my day
            </button>
          )}
        </p>
      )}
      <ul className="mt-2 space-y-1">
        {view.items.map((item) => (
          <li key={item.id} data-status={item.shown} className="flex items-center gap-2 text-sm">
            <span className="w-16 shrink-0 text-xs text-stone-600 dark:text-stone-400">{label[item.kind]}</span>
            {/* K26: the time the plan gives it in the day, in the preference zone; older plans have none. */}
            {item.start && item.end && (
              <span data-testid="plan-time" className="shrink-0 text-xs tabular-nums text-stone-600 dark:text-stone-400">
                {zone.time(item.start)}–{zone.time(item.end)}
              </span>
            )}
            <span className={`flex-1 ${item.shown === "rejected" || item.shown === "done" ? "text-stone-400 line-through" : ""}`}>{item.text}</span>
            {item.shown === "proposed" ? (
              <>
                <button aria-label={`Accept: ${item.text}`} onClick={() => void settle(item.id, "accept")} className="flex items-center justify-center rounded-md bg-emerald-700 p-1 text-white outline-none hover:bg-emerald-600 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:size-11">
                  <Check className="size-3.5" />
                </button>
                <button aria-label={`Reject: ${item.text}`} onClick={() => void settle(item.id, "reject")} className="flex items-center justify-center rounded-md border border-stone-300 p-1 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:size-11 dark:border-stone-600">
                  <X className="size-3.5" />
                </button>
              </>
            ) : (
              <span className="text-xs text-stone-600 dark:text-stone-400">{item.shown}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
