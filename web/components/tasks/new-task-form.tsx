/**
 * The new-task field: a line in words — "Call mom tomorrow at 5pm #family" —
 * read as the chat reads it (C18): title, due date in the user's zone, tags.
 * What it will make is shown under the field while typing.
 */
import { Plus } from "lucide-react";
import { type FormEvent, type Ref, useState } from "react";
import { nextOrder, writeTask } from "../../../shared/doc-schema.ts";
import { parseTaskInput } from "../../../shared/task-input.ts";
import { useBrain } from "../../hooks/use-brain.ts";
import type { Zone } from "../../hooks/use-zone.ts";

export function NewTaskForm({ zone, inputRef }: { zone: Zone; inputRef: Ref<HTMLInputElement> }) {
  const brain = useBrain();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const typed = title.trim();
  const preview = typed ? parseTaskInput(typed, zone.zone, new Date()) : null;
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!typed) return;
    // Cleared at once, so the next task can be typed while this one is saved; restored on failure.
    setTitle("");
    try {
      const parsed = parseTaskInput(typed, zone.zone, new Date());
      // Written into the document: shown at once, kept offline, synced and validated by the room (D6).
      const now = new Date().toISOString();
      writeTask(brain.doc, { id: crypto.randomUUID(), title: parsed.title, status: "open", due: parsed.due, tags: parsed.tags, order: nextOrder(brain.doc), createdAt: now, updatedAt: now, createdBy: `user:${brain.deviceId}` });
      setError(null);
    } catch (err) {
      setTitle(typed);
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={add} className="mt-4">
      <div className="flex gap-2">
        <label className="sr-only" htmlFor="new-task">
          New task
        </label>
        <input
          id="new-task"
          ref={inputRef}
          value={title}
          maxLength={1000}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={(e) => e.key === "Escape" && e.currentTarget.blur()}
          placeholder="Add a task — “Call mom tomorrow at 5pm #family”"
          aria-describedby="new-task-preview"
          className="min-h-11 min-w-0 flex-1 rounded-xl border border-stone-300 bg-white px-4 py-2 shadow-sm outline-none placeholder:text-stone-500 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900 dark:placeholder:text-stone-400"
        />
        <button type="submit" className="flex min-h-11 items-center gap-1 rounded-xl bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-stone-950">
          <Plus className="size-4" aria-hidden /> Add
        </button>
      </div>
      <p id="new-task-preview" className="mt-1 min-h-5 px-1 text-xs text-stone-600 dark:text-stone-400">
        {preview && (preview.due || preview.tags.length > 0) ? (
          <>
            “{preview.title}”{preview.due && <> · due {zone.due(preview.due)}</>}
            {preview.tags.map((t) => ` #${t}`).join("")}
          </>
        ) : null}
      </p>
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
