import { RotateCcw, X } from "lucide-react";
import { useBrain } from "../../hooks/use-brain.ts";
import { deliveryOf } from "./chat-rows.ts";
import { DELIVERY_LABEL } from "./delivery-label.ts";

/**
 * Messages in the outbox, above the input (W12, W13): shown while any of them
 * is held back — offline, rate-limited or refused — each with its state; a
 * refused one offers Retry and Remove.
 */
export function OutboxList({ now }: { now: number }) {
  const brain = useBrain();
  const live = brain.status === "live";
  const items = brain.outbox.map((m) => ({ m, state: deliveryOf(m, live, now) }));
  if (!items.some((i) => i.state !== "sending")) return null;
  return (
    <ul data-testid="outbox" aria-label="Waiting to be sent" className="mb-2 space-y-1">
      {items.map(({ m, state }) => (
        <li key={m.clientActionId} data-state={state} className="flex items-center gap-2 rounded-xl border border-stone-200 bg-white px-3 py-1 text-sm dark:border-stone-700 dark:bg-stone-900">
          <span className="min-w-0 flex-1 truncate">{m.text}</span>
          <span className={`shrink-0 text-xs ${state === "failed" ? "text-red-700 dark:text-red-300" : "text-stone-600 dark:text-stone-400"}`}>
            {state === "failed" ? `Failed — ${m.failed ?? ""}` : state === "rate-limited" && m.retryAt ? `${DELIVERY_LABEL[state]} · again in ${Math.max(1, Math.ceil((m.retryAt - now) / 1000))} s` : DELIVERY_LABEL[state]}
          </span>
          {state === "failed" && (
            <>
              <button onClick={() => brain.retry(m.clientActionId)} className="inline-flex min-h-11 shrink-0 items-center gap-1 rounded-lg px-2 text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:min-h-8 dark:text-indigo-300 dark:hover:bg-indigo-950">
                <RotateCcw className="size-3.5" aria-hidden /> Retry
              </button>
              <button onClick={() => brain.discard(m.clientActionId)} aria-label={`Remove “${m.text.slice(0, 40)}”`} className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-stone-500 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:size-8 dark:hover:bg-stone-800">
                <X className="size-4" aria-hidden />
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
