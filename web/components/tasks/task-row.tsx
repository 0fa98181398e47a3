/**
 * One task as a row, the way task apps show it: a drag handle, a round
 * checkbox, the title, and under it the due chip, reminder and tags; actions
 * (due date, tag, delete) show on hover or focus with a mouse and always on a
 * phone, so they are reachable by keyboard and by touch.
 */
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { ArrowDown, ArrowUp, Bell, Bot, CalendarPlus, Check, GripVertical, Pencil, Tag, Trash2 } from "lucide-react";
import type { Reminder, Task } from "../../../shared/domain.ts";
import type { TaskActions } from "../../hooks/use-task-actions.ts";
import type { Zone } from "../../hooks/use-zone.ts";
import { DueChip, type DueTone } from "./due-chip.tsx";
import { TagChips, TagInput } from "./tag-chips.tsx";
import { TaskTitle } from "./task-title.tsx";

export type RowMode = "idle" | "editing" | "tagging";

type Props = {
  task: Task;
  zone: Zone;
  tone: DueTone | null;
  reminder?: Reminder;
  author: string | null;
  selected: boolean;
  mode: RowMode;
  actions: TaskActions;
  onSelect: () => void;
  onMode: (mode: RowMode) => void;
  onDue: () => void;
  onDelete: () => void;
  /** Absent at the top (or bottom) of the list. A button for each, so reordering never needs a drag (WCAG 2.5.7). */
  onMoveUp?: () => void;
  onMoveDown?: () => void;
};

const ACTION = "flex size-8 items-center justify-center rounded-md text-stone-500 outline-none hover:bg-stone-100 hover:text-stone-800 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:size-11 dark:text-stone-400 dark:hover:bg-stone-800 dark:hover:text-stone-100";

export function TaskRow({ task, zone, tone, reminder, author, selected, mode, actions, onSelect, onMode, onDue, onDelete, onMoveUp, onMoveDown }: Props) {
  const sortable = useSortable({ id: task.id });
  const style = { transform: CSS.Translate.toString(sortable.transform), transition: sortable.transition };
  const done = task.status === "done";
  const byAssistant = task.createdBy.startsWith("assistant:");
  return (
    <li
      ref={sortable.setNodeRef}
      style={style}
      data-task-id={task.id}
      data-selected={selected || undefined}
      onFocus={onSelect}
      className={`group relative flex flex-wrap items-start gap-1 px-2 md:flex-nowrap py-2 transition-colors md:px-3 ${selected ? "bg-indigo-50/70 dark:bg-indigo-950/40" : "hover:bg-stone-50 dark:hover:bg-stone-800/40"} ${sortable.isDragging ? "z-10 rounded-lg bg-white shadow-lg ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-700" : ""}`}
    >
      {selected && <span aria-hidden className="absolute inset-y-1 left-0 w-0.5 rounded-full bg-indigo-500" />}
      <button
        ref={sortable.setActivatorNodeRef}
        {...sortable.attributes}
        {...sortable.listeners}
        aria-label={`Reorder: ${task.title}`}
        className="flex h-8 w-5 shrink-0 cursor-grab touch-none items-center justify-center rounded text-stone-400 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 active:cursor-grabbing max-md:size-11 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100 md:focus-visible:opacity-100"
      >
        <GripVertical className="size-4" aria-hidden />
      </button>
      <label className="relative flex size-8 shrink-0 cursor-pointer items-center justify-center max-md:size-11">
        <input
          type="checkbox"
          aria-label={`Done: ${task.title}`}
          checked={done}
          onChange={() => actions.toggle(task)}
          className="peer size-5 cursor-pointer appearance-none rounded-full border-2 border-stone-400 outline-none checked:border-indigo-600 checked:bg-indigo-600 hover:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:border-stone-500 dark:checked:border-indigo-500 dark:checked:bg-indigo-500 dark:focus-visible:ring-offset-stone-900"
        />
        <Check aria-hidden className="pointer-events-none absolute size-3 text-white opacity-0 peer-checked:opacity-100" strokeWidth={3} />
      </label>
      <div className="min-w-0 flex-1 md:py-1">
        <TaskTitle task={task} editing={mode === "editing"} onEdit={() => onMode("editing")} onDone={() => onMode("idle")} onRename={(typed) => actions.rename(task, typed)} onSelect={onSelect} />
        {(task.due || reminder || task.tags.length > 0 || mode === "tagging" || byAssistant || author) && (
          <div className="mt-1 flex flex-wrap items-center gap-1.5 max-md:mt-0 max-md:mb-1.5 max-md:gap-y-3">
            {task.due && tone && <DueChip task={{ ...task, due: task.due }} zone={zone} tone={tone} onOpen={onDue} />}
            {reminder && (
              <span data-testid="reminder" title="Reminder" className="inline-flex items-center gap-1 text-xs text-stone-600 dark:text-stone-400">
                <Bell className="size-3" aria-label="Reminder" /> {reminder.at === task.due ? zone.time(reminder.at) : zone.due(reminder.at)}
              </span>
            )}
            <TagChips task={task} onRemove={(tag) => actions.removeTag(task, tag)} />
            {mode === "tagging" && <TagInput task={task} onAdd={(typed) => actions.addTag(task, typed)} onClose={() => onMode("idle")} />}
            {byAssistant ? (
              <span className="inline-flex items-center gap-1 text-xs text-indigo-700 dark:text-indigo-300">
                <Bot className="size-3.5" aria-hidden /> by the assistant
              </span>
            ) : (
              author && <span className="text-xs text-stone-600 dark:text-stone-400">by {author}</span>
            )}
          </div>
        )}
      </div>
      {/* Shown on hover, focus or selection with a mouse; at phone width, on the selected row, as a line under it. */}
      <div data-testid="row-actions" className="flex shrink-0 items-center max-md:hidden max-md:w-full max-md:justify-end max-md:group-focus-within:flex max-md:group-data-selected:flex md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100 md:group-data-selected:opacity-100">
        <button aria-label={`Rename: ${task.title}`} title="Rename (e)" onClick={() => onMode("editing")} className={ACTION}>
          <Pencil className="size-4" aria-hidden />
        </button>
        <button aria-label={`Set due date: ${task.title}`} title="Due date (d)" onClick={onDue} className={ACTION}>
          <CalendarPlus className="size-4" aria-hidden />
        </button>
        <button aria-label={`Tag: ${task.title}`} title="Add a tag (t)" onClick={() => onMode("tagging")} className={ACTION}>
          <Tag className="size-4" aria-hidden />
        </button>
        <button aria-label={`Move up: ${task.title}`} title="Move up (Alt+↑)" disabled={!onMoveUp} onClick={onMoveUp} className={`${ACTION} disabled:opacity-30`}>
          <ArrowUp className="size-4" aria-hidden />
        </button>
        <button aria-label={`Move down: ${task.title}`} title="Move down (Alt+↓)" disabled={!onMoveDown} onClick={onMoveDown} className={`${ACTION} disabled:opacity-30`}>
          <ArrowDown className="size-4" aria-hidden />
        </button>
        <button aria-label={`Delete: ${task.title}`} title="Delete (Del)" onClick={onDelete} className={`${ACTION} hover:text-red-600 dark:hover:text-red-400`}>
          <Trash2 className="size-4" aria-hidden />
        </button>
      </div>
    </li>
  );
}
