/** The list of the Tasks view's keyboard shortcuts (W21), from the one table in task-shortcuts.ts. */
import { keyLabel, SHORTCUTS } from "../../lib/task-shortcuts.ts";
import { Modal } from "./modal.tsx";

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} labelledBy="shortcuts-title" testId="shortcuts">
      <h2 id="shortcuts-title" className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">They act on the selected task, and never while you type in a field.</p>
      <dl className="mt-4 grid grid-cols-[1fr_auto] gap-x-6 gap-y-2 text-sm">
        {SHORTCUTS.map((s) => (
          <div key={s.action} className="contents">
            <dt>{s.label}</dt>
            <dd className="flex justify-end gap-1">
              {s.keys.map((k) => (
                <kbd key={k} className="rounded border border-stone-300 bg-stone-50 px-1.5 font-mono text-xs text-stone-700 dark:border-stone-600 dark:bg-stone-800 dark:text-stone-200">
                  {keyLabel(k, s.alt)}
                </kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-stone-600 dark:text-stone-400">Drag a task by its handle, or focus the handle and press Space, then ↑/↓, then Space.</p>
      <div className="mt-4 flex justify-end">
        <button onClick={onClose} className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 max-md:min-h-11 dark:focus-visible:ring-offset-stone-900">
          Close
        </button>
      </div>
    </Modal>
  );
}
