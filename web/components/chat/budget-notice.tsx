import { Gauge } from "lucide-react";
import type { Usage } from "../../../shared/api.ts";
import { secondsToNextDay } from "../../../shared/dates.ts";
import type { Reply } from "../../lib/brain-provider.tsx";
import { useZone } from "../../hooks/use-zone.ts";

/**
 * C13, W13: the daily assistant budget is spent — by the state's usage (kept
 * current from `usage.charged` events), or a reply refused for it. Says when
 * it comes back, in the user's zone.
 */
export function BudgetNotice({ usage, replies, now }: { usage: Usage; replies: readonly Reply[]; now: number }) {
  const { zone, time } = useZone();
  const refused = replies.findLast((r) => r.status === "failed" && r.code === "rate_limited" && r.retryAfter !== undefined && (r.at ?? 0) + r.retryAfter * 1000 > now);
  const spent = usage.tokenBudget > 0 && usage.tokens >= usage.tokenBudget;
  if (!refused && !spent) return null;
  const resetsAt = refused?.retryAfter !== undefined ? (refused.at ?? now) + refused.retryAfter * 1000 : now + secondsToNextDay(now, zone, usage.day) * 1000;
  return (
    <p role="status" data-testid="budget" className="mb-2 flex items-center gap-2 rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950/60 dark:text-amber-100">
      <Gauge className="size-4 shrink-0" aria-hidden />
      Daily assistant budget used up — resets at {time(new Date(resetsAt).toISOString())}.
    </p>
  );
}
