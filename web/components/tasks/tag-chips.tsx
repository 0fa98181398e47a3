/**
 * A task's tags as chips (W22): the tag filters the list by it, × removes it
 * from the task. The row's tag button (or `t`) opens a field: Enter adds, Escape cancels.
 */
import { Link } from "@tanstack/react-router";
import { X } from "lucide-react";
import { useRef, useState } from "react";
import type { Task } from "../../../shared/domain.ts";

export function TagChips({ task, onRemove }: { task: Task; onRemove: (tag: string) => void }) {
  return task.tags.map((tag) => (
    <span key={tag} className="inline-flex h-7 items-center rounded-full bg-emerald-50 text-xs text-emerald-800 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900">
      <Link
        to="/tasks"
        search={(prev) => ({ filter: prev.filter ?? "all", tag })}
        aria-label={`Show tasks tagged ${tag}`}
        className="flex min-h-7 items-center rounded-l-full py-0.5 pr-0.5 pl-2 outline-none hover:underline focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:-my-2 max-md:min-h-11 max-md:min-w-11"
      >
        #{tag}
      </Link>
      <button
        title={`Remove tag ${tag}`}
        aria-label={`Remove tag ${tag} from ${task.title}`}
        onClick={() => onRemove(tag)}
        className="flex min-h-7 items-center rounded-r-full pr-1.5 pl-0.5 outline-none hover:text-red-700 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:-my-2 max-md:min-h-11 max-md:min-w-11 max-md:justify-center dark:hover:text-red-300"
      >
        <X className="size-3" aria-hidden />
      </button>
    </span>
  ));
}

export function TagInput({ task, onAdd, onClose }: { task: Task; onAdd: (typed: string) => boolean; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const [invalid, setInvalid] = useState(false);
  // Escape closes the field; the blur that follows must not add what was typed.
  const cancelled = useRef(false);
  const add = () => {
    if (!typed.trim()) return onClose();
    if (onAdd(typed)) {
      setTyped("");
      setInvalid(false);
    } else setInvalid(true);
  };
  return (
    <span className="inline-flex items-center">
      <input
        autoFocus
        aria-label={`New tag for ${task.title}`}
        aria-invalid={invalid || undefined}
        placeholder="tag, then Enter"
        value={typed}
        maxLength={65}
        onChange={(e) => setTyped(e.target.value)}
        onBlur={() => {
          if (!cancelled.current && typed.trim()) add();
          onClose();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            cancelled.current = true;
            onClose();
          }
        }}
        className="h-7 w-32 rounded-full border border-emerald-300 bg-white px-2 text-xs outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-invalid:border-red-500 max-md:h-11 dark:border-emerald-800 dark:bg-stone-800"
      />
    </span>
  );
}
