/**
 * The small form that places a block by hand or edits one (docs/PROTOCOL.md
 * W82): title, date, start and end in the preference zone; a block being
 * edited can be deleted from here too. A native dialog (tasks' Modal): focus
 * goes to the title, Escape closes, focus returns to what opened it.
 */
import { Trash2 } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import type { BlockDraft } from "../../lib/block-form.ts";
import { Modal } from "../tasks/modal.tsx";

export type BlockDialogState = { mode: "new"; draft: BlockDraft } | { mode: "edit"; blockId: string; draft: BlockDraft };

type Props = {
  state: BlockDialogState | null;
  /** The form `closing` is done: cleared only if it is still the one shown (a native dialog's close event comes a task later). */
  onClose: (closing: BlockDialogState) => void;
  /** Saves the draft; returns the reason it could not, or null. */
  onSave: (draft: BlockDraft) => string | null;
  onDelete: (blockId: string) => void;
  /** "times in America/New_York", when the zone is not the device's. */
  zoneNote: string | null;
};

const FIELD = "min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-600 dark:bg-stone-950";

export function BlockDialog({ state, onClose, onSave, onDelete, zoneNote }: Props) {
  const titleId = useId();
  // One dialog element per form shown: a form opened right after Escape closed the last one is never
  // closed by that one's late close event, nor left shut because `open` never changed.
  const key = state === null ? "none" : state.mode === "edit" ? `edit:${state.blockId}` : `new:${state.draft.date}T${state.draft.start}`;
  return (
    <Modal key={key} open={state !== null} onClose={() => state && onClose(state)} labelledBy={titleId} testId="block-dialog">
      {state && <BlockForm state={state} titleId={titleId} onClose={() => onClose(state)} onSave={onSave} onDelete={onDelete} zoneNote={zoneNote} />}
    </Modal>
  );
}

function BlockForm({ state, titleId, onClose, onSave, onDelete, zoneNote }: Omit<Props, "state" | "onClose"> & { state: BlockDialogState; titleId: string; onClose: () => void }) {
  const [draft, setDraft] = useState(state.draft);
  const [error, setError] = useState<string | null>(null);
  const set = (field: keyof BlockDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const save = (e: FormEvent) => {
    e.preventDefault();
    const problem = onSave(draft);
    if (problem) setError(problem);
    else onClose();
  };
  return (
    <form onSubmit={save} className="space-y-3">
      <h2 id={titleId} className="text-lg font-semibold">
        {state.mode === "new" ? "New block" : "Edit block"}
      </h2>
      <label className="block text-sm">
        Title
        <input autoFocus value={draft.title} onChange={set("title")} maxLength={500} placeholder="Deep work" className={`mt-1 ${FIELD}`} />
      </label>
      <label className="block text-sm">
        Date
        <input type="date" required value={draft.date} onChange={set("date")} className={`mt-1 ${FIELD}`} />
      </label>
      <div className="grid grid-cols-2 gap-3">
        <label className="block text-sm">
          Start
          <input type="time" required step={900} value={draft.start} onChange={set("start")} className={`mt-1 ${FIELD}`} />
        </label>
        <label className="block text-sm">
          End
          <input type="time" required step={900} value={draft.end} onChange={set("end")} className={`mt-1 ${FIELD}`} />
        </label>
      </div>
      <p className="text-xs text-stone-600 dark:text-stone-400">An end before the start is the next day.{zoneNote ? ` Times in ${zoneNote}.` : ""}</p>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2 pt-1">
        {state.mode === "edit" && (
          <button
            type="button"
            onClick={() => {
              onDelete(state.blockId);
              onClose();
            }}
            className="flex min-h-11 items-center gap-1 rounded-lg px-3 text-sm text-red-700 outline-none hover:bg-red-50 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-red-400 dark:hover:bg-red-950"
          >
            <Trash2 className="size-4" aria-hidden /> Delete
          </button>
        )}
        <button type="button" onClick={onClose} className="ml-auto flex min-h-11 items-center rounded-lg px-3 text-sm outline-none hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-stone-800">
          Cancel
        </button>
        <button type="submit" className="flex min-h-11 items-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2">
          {state.mode === "new" ? "Add block" : "Save"}
        </button>
      </div>
    </form>
  );
}
