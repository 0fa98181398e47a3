/**
 * A task's title, renamed in place (W20): double-click, Enter or `e` opens the
 * field; Enter or leaving the field saves, Escape cancels and keeps the title
 * as it was. Focus comes back to the title either way.
 */
import { useEffect, useRef, useState } from "react";
import type { Task } from "../../../shared/domain.ts";

type Props = { task: Task; editing: boolean; onEdit: () => void; onDone: () => void; onRename: (typed: string) => void; onSelect: () => void };

export function TaskTitle({ task, editing, onEdit, onDone, onRename, onSelect }: Props) {
  const [draft, setDraft] = useState(task.title);
  const settled = useRef(false);
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (editing) {
      setDraft(task.title);
      settled.current = false;
    } else if (wasEditing.current) button.current?.focus();
    wasEditing.current = editing;
    // Only on entering and leaving the field: a rename from another device meanwhile does not replace what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing]);
  const finish = (save: boolean) => {
    if (settled.current) return;
    settled.current = true;
    if (save) onRename(draft);
    onDone();
  };
  if (editing) {
    return (
      <input
        autoFocus
        aria-label={`Edit title: ${task.title}`}
        value={draft}
        maxLength={500}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => finish(true)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            finish(true);
          } else if (e.key === "Escape") {
            // Escape cancels (issue 13): nothing is written.
            e.preventDefault();
            e.stopPropagation();
            finish(false);
          }
        }}
        className="w-full min-w-0 rounded-md border border-indigo-400 bg-white px-2 py-1 text-[15px] outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:bg-stone-800"
      />
    );
  }
  return (
    <button
      ref={button}
      data-shortcuts=""
      data-testid="task-title"
      title="Double-click or press Enter to rename"
      onClick={onSelect}
      onDoubleClick={onEdit}
      className={`block w-full min-w-0 rounded break-words max-md:min-h-11 md:truncate text-left text-[15px] leading-6 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${task.status === "done" ? "text-stone-500 line-through dark:text-stone-400" : ""}`}
    >
      {task.title}
    </button>
  );
}
