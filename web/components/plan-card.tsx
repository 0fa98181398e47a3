/** Today's plan, proposed by the assistant: accept or reject each item (S6). */
import { useQueryClient } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { toast } from "sonner";
import type { Plan } from "../../shared/domain.ts";
import { formatDay } from "../../shared/format.ts";
import { api } from "../lib/api.ts";
import { brainKeys } from "../lib/queries.ts";

export function PlanCard({ plan }: { plan: Plan }) {
  const queryClient = useQueryClient();
  const settle = async (itemId: string, action: "accept" | "reject") => {
    try {
      await api.planItem(plan.date, itemId, action);
      await queryClient.invalidateQueries({ queryKey: brainKeys.all });
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
  const label = { priority: "Priority", todo: "To do", note: "Note" } as const;
  return (
    <section data-testid="plan" className="mt-4 rounded-xl border border-indigo-200 bg-indigo-50/60 p-4 dark:border-indigo-900 dark:bg-indigo-950/40">
      <h2 className="font-semibold">Plan for {formatDay(plan.date)}</h2>
      <ul className="mt-2 space-y-1">
        {plan.items.map((item) => (
          <li key={item.id} className="flex items-center gap-2 text-sm">
            <span className="w-16 shrink-0 text-xs text-stone-500">{label[item.kind]}</span>
            <span className={`flex-1 ${item.status === "rejected" ? "text-stone-400 line-through" : ""}`}>{item.text}</span>
            {item.status === "proposed" ? (
              <>
                <button aria-label={`Accept: ${item.text}`} onClick={() => void settle(item.id, "accept")} className="rounded-md bg-emerald-600 p-1 text-white hover:bg-emerald-500">
                  <Check className="size-3.5" />
                </button>
                <button aria-label={`Reject: ${item.text}`} onClick={() => void settle(item.id, "reject")} className="rounded-md border border-stone-300 p-1 dark:border-stone-600">
                  <X className="size-3.5" />
                </button>
              </>
            ) : (
              <span className="text-xs text-stone-500">{item.status}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
