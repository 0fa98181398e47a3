import { z } from "zod";
import { Check, CircleAlert, Clock, Hourglass, X } from "lucide-react";
import { type ReactNode, useState } from "react";
import type { ActionCardFrame } from "../../shared/chat.ts";
import { ApiError, api } from "../lib/api.ts";

type Status = ActionCardFrame["status"];

/** How each state reads: a cancelled or expired proposal is never shown with a green check (C15). */
const LOOK: Record<Status, { icon: ReactNode; label: string }> = {
  done: { icon: <Check className="size-4 text-emerald-600" />, label: "done" },
  confirmed: { icon: <Check className="size-4 text-emerald-600" />, label: "confirmed" },
  proposed: { icon: <Hourglass className="size-4 text-amber-600" />, label: "waiting for you" },
  failed: { icon: <CircleAlert className="size-4 text-red-600" />, label: "failed" },
  rejected: { icon: <X className="size-4 text-stone-500" />, label: "cancelled" },
  expired: { icon: <Clock className="size-4 text-stone-500" />, label: "expired" },
};

/**
 * What the assistant did, or proposes to do and waits for the user to confirm
 * (G7, C14). The state shown is the room's: every device gets each change of it
 * as an `llm.action` frame under the card's id, so a proposal settled on one
 * device settles here too. A click on a proposal already settled elsewhere gets
 * the room's sentence ("Already done on another device"), never an id.
 */
/** K28: the answer to confirming a calendar write — it runs on; the card's next frame says how it ended. */
const PendingSchema = z.object({ status: z.literal("pending"), message: z.string() });

export function ActionCard({ action }: { action: ActionCardFrame }) {
  const [busy, setBusy] = useState(false);
  // Until the room's frame arrives, the answer to this device's own click (the same state the room broadcasts).
  const [decided, setDecided] = useState<Status | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** K28: a confirmed calendar write still running: the room's frame settles the card. */
  const [waiting, setWaiting] = useState(false);
  const status = action.status === "proposed" ? (decided ?? action.status) : action.status;
  const decide = async (decision: "confirm" | "reject") => {
    if (!action.proposalId) return;
    setBusy(true);
    setNotice(null);
    try {
      const answer = await api.proposal(action.proposalId, decision);
      const pending = PendingSchema.safeParse("result" in answer ? answer.result : undefined);
      if (pending.success) {
        setWaiting(true);
        setNotice(`${pending.data.message}…`);
      } else setDecided(decision === "confirm" ? "confirmed" : "rejected");
    } catch (error) {
      // The room words its refusals for people; anything else (offline, a proxy page) gets a plain line too.
      setNotice(error instanceof ApiError ? error.body.message : "Could not reach your brain — try again");
    } finally {
      setBusy(false);
    }
  };
  const look = LOOK[status];
  const remember = action.tool === "remember";
  return (
    <div
      data-testid="action-card"
      data-status={status}
      className="mt-2 rounded-lg border border-stone-200 bg-stone-50 px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-800/50"
    >
      <div className="flex flex-wrap items-center gap-2">
        {look.icon}
        <span className={`flex-1 ${status === "rejected" || status === "expired" ? "text-stone-500 line-through" : ""}`}>{status === "proposed" ? action.summary : action.summary.replace(/\?$/, "")}</span>
        {status === "proposed" ? (
          <span className="flex gap-2">
            {/* W109: a memory offered is kept or dismissed — nothing risky, so not the red of a deletion. */}
            <button disabled={busy || waiting} onClick={() => void decide("confirm")} className={`rounded-md px-2 py-1 text-xs font-medium text-white ${remember ? "bg-indigo-600 hover:bg-indigo-500" : "bg-red-600 hover:bg-red-500"}`}>
              {remember ? "Remember" : "Confirm"}
            </button>
            <button disabled={busy || waiting} onClick={() => void decide("reject")} className="flex items-center gap-1 rounded-md border border-stone-300 px-2 py-1 text-xs dark:border-stone-600">
              <X className="size-3" /> {remember ? "Dismiss" : "Cancel"}
            </button>
          </span>
        ) : (
          <span className="text-xs text-stone-600 dark:text-stone-400">{look.label}</span>
        )}
      </div>
      {action.items && action.items.length > 0 && (
        // Exactly what confirming changes, entry by entry (C14).
        <ul data-testid="action-items" className="mt-2 max-h-48 list-disc space-y-0.5 overflow-y-auto pl-8 text-stone-700 dark:text-stone-300">
          {action.items.map((item, i) => (
            <li key={`${i}-${item}`}>{item}</li>
          ))}
        </ul>
      )}
      {notice && (status === "proposed" || !waiting) && (
        <p role="status" className="mt-1 text-xs text-stone-600 dark:text-stone-400">
          {notice}
        </p>
      )}
    </div>
  );
}
