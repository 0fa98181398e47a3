/**
 * A proposal of structured entries — the architect's goal, milestones, tasks
 * and blocks, or a reschedule's moves — reviewed one by one (docs/PROTOCOL.md
 * W79, W80): each entry accepted or rejected, its title and times edited in
 * the preference zone, then one Confirm that sends exactly those
 * (`{"items":[…],"edits":{…}}`, B11). Like the daily plan's card, and the
 * room's frame settles it on every device.
 */
import { Check, Pencil, X } from "lucide-react";
import { type FormEvent, useState } from "react";
import type { ActionCard as Card } from "../../../shared/action-card.ts";
import type { ProposalEntry } from "../../../shared/goals.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { ApiError, api } from "../../lib/api.ts";
import { confirmSelection, edit, emptyReview, fromWall, isAccepted, rejectable, type Review, shownEntry, timeProblem, toggle, toWall } from "../../lib/proposal-entries.ts";

const KIND: Record<ProposalEntry["kind"], string> = { goal: "Goal", milestone: "Milestone", task: "Task", block: "Block", move: "Move" };
const SMALL = "flex items-center justify-center gap-1 rounded-md px-2 py-1 text-xs outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 max-md:min-w-11";

export function ProposalEntriesCard({ action, entries }: { action: Card; entries: readonly ProposalEntry[] }) {
  const zone = useZone();
  const [review, setReview] = useState<Review>(emptyReview);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const open = action.status === "proposed";
  const accepted = entries.filter((e) => isAccepted(e, review)).length;
  const when = (e: ProposalEntry) => (e.start && e.end ? `${zone.due(e.start)} – ${zone.time(e.end)}` : e.start ? zone.due(e.start) : null);

  const decide = async (decision: "confirm" | "reject") => {
    if (!action.proposalId) return;
    setBusy(true);
    setNotice(null);
    try {
      await api.proposal(action.proposalId, decision, decision === "confirm" ? confirmSelection(entries, review) : undefined);
      // The room's `llm.action` frame settles this card here and on every other device.
    } catch (error) {
      setNotice(error instanceof ApiError ? error.body.message : "Could not reach your brain — try again");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label={action.summary} data-testid="proposal-entries" data-status={action.status} className="mt-2 rounded-lg border border-violet-200 bg-violet-50/60 px-3 py-2 text-sm dark:border-violet-900 dark:bg-violet-950/40">
      <p className="font-medium">{action.summary}</p>
      <ul className="mt-2 space-y-1">
        {entries.map((raw) => {
          const entry = shownEntry(raw, review);
          const rejected = !isAccepted(entry, review);
          const time = when(entry);
          return (
            <li key={entry.id} data-testid="proposal-entry" data-entry-id={entry.id} data-accepted={!rejected} className="rounded-md py-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="w-16 shrink-0 text-xs text-stone-600 dark:text-stone-400">{KIND[entry.kind]}</span>
                <span className={`min-w-48 flex-1 ${rejected ? "text-stone-600 line-through dark:text-stone-400" : ""}`}>
                  {entry.title}
                  {time && <span className="ml-2 text-xs text-stone-600 tabular-nums dark:text-stone-400">{time}</span>}
                  {review.edits[entry.id] && <span className="ml-2 text-xs text-violet-800 dark:text-violet-300">edited</span>}
                  {entry.detail && <span className="block text-xs text-stone-600 dark:text-stone-400">{entry.detail}</span>}
                </span>
                {open && (
                  <span className="ml-auto flex gap-1">
                    {rejectable(entry) ? (
                      <>
                        <button aria-pressed={!rejected} aria-label={`Accept: ${entry.title}`} onClick={() => setReview((r) => toggle(r, entry.id, true))} className={`${SMALL} ${rejected ? "border border-stone-300 dark:border-stone-600" : "bg-emerald-700 text-white"}`}>
                          <Check className="size-3.5" aria-hidden />
                        </button>
                        <button aria-pressed={rejected} aria-label={`Reject: ${entry.title}`} onClick={() => setReview((r) => toggle(r, entry.id, false))} className={`${SMALL} ${rejected ? "bg-stone-700 text-white" : "border border-stone-300 dark:border-stone-600"}`}>
                          <X className="size-3.5" aria-hidden />
                        </button>
                      </>
                    ) : (
                      // B11: the goal comes with any entry taken; "Reject all" declines the whole plan.
                      <span className="self-center text-xs text-stone-600 dark:text-stone-400">kept with the plan</span>
                    )}
                    <button aria-expanded={editing === entry.id} aria-label={`Edit: ${entry.title}`} onClick={() => setEditing((id) => (id === entry.id ? null : entry.id))} className={`${SMALL} border border-stone-300 dark:border-stone-600`}>
                      <Pencil className="size-3.5" aria-hidden />
                    </button>
                  </span>
                )}
              </div>
              {open && editing === entry.id && (
                <EntryEditor
                  entry={entry}
                  zone={zone.zone}
                  onSave={(change) => {
                    setReview((r) => edit(toggle(r, entry.id, true), raw, change));
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                />
              )}
            </li>
          );
        })}
      </ul>
      {open ? (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <button disabled={busy || accepted === 0} onClick={() => void decide("confirm")} className={`${SMALL} bg-indigo-600 font-medium text-white hover:bg-indigo-500 disabled:opacity-60`}>
            Confirm {accepted} of {entries.length}
          </button>
          <button disabled={busy} onClick={() => void decide("reject")} className={`${SMALL} border border-stone-300 dark:border-stone-600`}>
            Reject all
          </button>
          {notice && (
            <p role="status" className="text-xs text-red-700 dark:text-red-400">
              {notice}
            </p>
          )}
        </div>
      ) : (
        <p className="mt-1 text-xs text-stone-600 dark:text-stone-400">{action.status === "confirmed" ? "confirmed" : action.status === "rejected" ? "cancelled" : action.status}</p>
      )}
    </section>
  );
}

function EntryEditor({ entry, zone, onSave, onCancel }: { entry: ProposalEntry; zone: string; onSave: (change: { title?: string; start?: string; end?: string }) => void; onCancel: () => void }) {
  const [title, setTitle] = useState(entry.title);
  const [start, setStart] = useState(entry.start ? toWall(entry.start, zone) : "");
  const [end, setEnd] = useState(entry.end ? toWall(entry.end, zone) : "");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = start ? fromWall(start, zone) : null;
    const en = end ? fromWall(end, zone) : null;
    const change = { title: title.trim() || entry.title, ...(s ? { start: s } : {}), ...(en ? { end: en } : {}) };
    const wrong = timeProblem({ ...entry, ...change });
    if (wrong) return setProblem(wrong);
    onSave(change);
  };
  const field = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm dark:border-stone-600 dark:bg-stone-900 max-md:min-h-11";
  return (
    <form onSubmit={submit} className="mt-1 ml-18 flex flex-wrap items-end gap-2 max-md:ml-0" aria-label={`Edit ${entry.title}`}>
      <label className="flex flex-col text-xs">
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} className={field} />
      </label>
      {entry.start && (
        <label className="flex flex-col text-xs">
          Start
          <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} className={field} />
        </label>
      )}
      {entry.end && (
        <label className="flex flex-col text-xs">
          End
          <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} className={field} />
        </label>
      )}
      <button type="submit" className={`${SMALL} bg-indigo-600 text-white`}>
        Save
      </button>
      <button type="button" onClick={onCancel} className={`${SMALL} border border-stone-300 dark:border-stone-600`}>
        Cancel
      </button>
      {problem && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
    </form>
  );
}
