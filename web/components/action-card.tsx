import { Check, CircleAlert, Hourglass, X } from "lucide-react";
import { useState } from "react";
import type { ActionCardFrame } from "../../shared/chat.ts";
import { api } from "../lib/api.ts";

/** What the assistant did, or proposes to do and waits for the user to confirm (G7). */
export function ActionCard({ action }: { action: ActionCardFrame }) {
  const [busy, setBusy] = useState(false);
  const [settled, setSettled] = useState<string | null>(null);
  // The room's word wins once it has settled the card (here or on another device, C15); until then, this device's click.
  const status = action.status === "proposed" ? (settled ?? action.status) : action.status;
  const decide = async (decision: "confirm" | "reject") => {
    if (!action.proposalId) return;
    setBusy(true);
    try {
      await api.proposal(action.proposalId, decision);
      setSettled(decision === "confirm" ? "confirmed" : "rejected");
    } catch (error) {
      setSettled(error instanceof Error ? error.message : "failed");
    } finally {
      setBusy(false);
    }
  };
  const icon =
    status === "done" || status === "confirmed" ? (
      <Check className="size-4 text-emerald-600" />
    ) : status === "proposed" || status === "expired" ? (
      <Hourglass className={`size-4 ${status === "proposed" ? "text-amber-600" : "text-stone-400"}`} />
    ) : status === "rejected" ? (
      <X className="size-4 text-stone-400" />
    ) : (
      <CircleAlert className="size-4 text-red-600" />
    );
  return (
    <div data-testid="action-card" data-status={status} className="mt-2 flex flex-wrap items-center gap-2 rounded-lg border border-stone-200 bg-stone-50 px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-800/50">
      {icon}
      <span className="flex-1">{action.summary}</span>
      {status === "proposed" ? (
        <span className="flex gap-2">
          <button disabled={busy} onClick={() => void decide("confirm")} className="rounded-md bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-500">
            Confirm
          </button>
          <button disabled={busy} onClick={() => void decide("reject")} className="flex items-center gap-1 rounded-md border border-stone-300 px-2 py-1 text-xs dark:border-stone-600">
            <X className="size-3" /> Cancel
          </button>
        </span>
      ) : (
        <span className="text-xs text-stone-500">{status}</span>
      )}
    </div>
  );
}
