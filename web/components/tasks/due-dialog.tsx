/**
 * Sets a task's due date (W20): typed in words ("tomorrow 3pm", "next fri" —
 * chrono-node in the user's zone, as the task input reads them), picked with
 * the date and time pickers, or from a quick choice; or cleared. What the words
 * mean is shown before it is saved, in the user's zone (W5).
 */
import { useState } from "react";
import { localDate } from "../../../shared/dates.ts";
import type { Task } from "../../../shared/domain.ts";
import { dueFromPicker, parseDueText, pickerFromDue } from "../../../shared/task-input.ts";
import type { Zone } from "../../hooks/use-zone.ts";
import { Modal } from "./modal.tsx";

type Props = { task: Task | null; zone: Zone; onSave: (task: Task, due: string | null) => void; onClose: () => void };

const FIELD = "w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-600 dark:bg-stone-800 dark:[color-scheme:dark]";
const CHOICE = "rounded-full border border-stone-300 px-3 py-1 text-sm outline-none hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-600 dark:hover:bg-stone-800";

export function DueDialog({ task, zone, onSave, onClose }: Props) {
  return (
    <Modal open={task !== null} onClose={onClose} labelledBy="due-title" testId="due-dialog">
      {task && <DueForm key={task.id} task={task} zone={zone} onSave={(due) => onSave(task, due)} onClose={onClose} />}
    </Modal>
  );
}

function DueForm({ task, zone, onSave, onClose }: { task: Task; zone: Zone; onSave: (due: string | null) => void; onClose: () => void }) {
  const initial = pickerFromDue(task.due, zone.zone);
  const [words, setWords] = useState("");
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const now = new Date();
  const fromWords = words.trim() ? parseDueText(words, zone.zone, now) : null;
  const picked = dueFromPicker(date, time, zone.zone);
  const due = words.trim() ? fromWords : picked;
  const today = localDate(zone.zone, now);
  const quick = [
    { label: "Today", due: today },
    { label: "Tomorrow", due: parseDueText("tomorrow", zone.zone, now) },
    { label: "Next week", due: parseDueText("next monday", zone.zone, now) },
  ];
  const save = (value: string | null) => {
    onSave(value);
    onClose();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (words.trim() && !fromWords) return;
        save(due);
      }}
    >
      <h2 id="due-title" className="text-lg font-semibold">
        Due date
      </h2>
      <p className="mt-0.5 truncate text-sm text-stone-600 dark:text-stone-400">{task.title}</p>
      <label htmlFor="due-words" className="mt-4 block text-sm font-medium">
        In words
      </label>
      <input id="due-words" autoFocus value={words} maxLength={200} onChange={(e) => setWords(e.target.value)} placeholder="tomorrow 3pm, next fri, in 2 hours" className={`mt-1 ${FIELD}`} aria-describedby="due-meaning" />
      <p id="due-meaning" aria-live="polite" className="mt-1 min-h-5 text-sm text-stone-600 dark:text-stone-400">
        {words.trim() ? (fromWords ? `→ ${zone.due(fromWords)}` : "No date in those words") : null}
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        {quick.map((q) => (
          <button key={q.label} type="button" disabled={!q.due} onClick={() => save(q.due)} className={CHOICE}>
            {q.label}
          </button>
        ))}
      </div>
      <div className="mt-4 grid grid-cols-2 gap-3">
        <div>
          <label htmlFor="due-date" className="block text-sm font-medium">
            Date
          </label>
          <input
            id="due-date"
            type="date"
            value={date}
            onChange={(e) => {
              setDate(e.target.value);
              setWords("");
            }}
            className={`mt-1 ${FIELD}`}
          />
        </div>
        <div>
          <label htmlFor="due-time" className="block text-sm font-medium">
            Time <span className="font-normal text-stone-500 dark:text-stone-400">(optional)</span>
          </label>
          <input
            id="due-time"
            type="time"
            value={time}
            onChange={(e) => {
              setTime(e.target.value);
              setWords("");
            }}
            className={`mt-1 ${FIELD}`}
          />
        </div>
      </div>
      {zone.traveller && <p className="mt-2 text-xs text-stone-600 dark:text-stone-400">Times are in {zone.zone}.</p>}
      <div className="mt-5 flex flex-wrap items-center justify-between gap-2">
        <button type="button" disabled={!task.due} onClick={() => save(null)} className="rounded-lg px-3 py-2 text-sm text-red-700 outline-none hover:bg-red-50 focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-40 max-md:min-h-11 dark:text-red-400 dark:hover:bg-red-950/50">
          Clear due date
        </button>
        <div className="flex gap-2">
          <button type="button" onClick={onClose} className="rounded-lg border border-stone-300 px-3 py-2 text-sm outline-none hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-600 dark:hover:bg-stone-800">
            Cancel
          </button>
          <button type="submit" disabled={words.trim() ? !fromWords : !picked} className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-50 max-md:min-h-11 dark:focus-visible:ring-offset-stone-900">
            Save
          </button>
        </div>
      </div>
    </form>
  );
}
