/** The live shared task list: create, complete, rename, filter; changes from anywhere appear at once. */
import { createFileRoute, Link } from "@tanstack/react-router";
import { ArrowDown, ArrowUp, Bell, Bot, Plus, Trash2 } from "lucide-react";
import { isOverdue } from "../../../shared/dates.ts";
import { parseTaskInput, splitTags } from "../../../shared/task-input.ts";
import { type FormEvent, useState } from "react";
import type * as Y from "yjs";
import { nextOrder, patchTask, readTasks, removeTask, writeTask } from "../../../shared/doc-schema.ts";
import type { Reminder, Task } from "../../../shared/domain.ts";
import { type TaskFilter, TasksSearchSchema } from "../../../shared/search.ts";
import { useBrain } from "../../hooks/use-brain.ts";
import { useDocMap } from "../../hooks/use-doc-map.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useZone, type Zone } from "../../hooks/use-zone.ts";
import { matchesFilter } from "../../lib/task-filter.ts";
import { useSuspenseQuery } from "@tanstack/react-query";
import { PlanCard } from "../../components/plan-card.tsx";
import { stateQuery } from "../../lib/queries.ts";
import { withUndo } from "../../lib/undoable.ts";

export const Route = createFileRoute("/_app/tasks")({
  validateSearch: TasksSearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Tasks,
});

const touch = () => ({ updatedAt: new Date().toISOString() });

const FILTERS: TaskFilter[] = ["all", "today", "upcoming", "overdue", "done"];

function Tasks() {
  const { filter } = Route.useSearch();
  const brain = useBrain();
  const { data } = useSuspenseQuery(stateQuery());
  const tasks = useDocMap(brain.doc, "tasks", () => readTasks(brain.doc));
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const zone = useZone();
  const now = useNow();
  const shown = tasks.filter((t) => matchesFilter(t, filter, now, zone.zone));
  // Pending reminders by task, shown on the task's row in the preference zone.
  const reminders = new Map(data.reminders.filter((r) => r.status === "pending" && r.taskId).map((r) => [r.taskId, r]));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const typed = title.trim();
    if (!typed) return;
    // Cleared at once, so the next task can be typed while this one is saved; restored on failure.
    setTitle("");
    try {
      // Natural language: "Call mom tomorrow at 5pm #family" → title, due date (user's zone), tags — the chat's parser too (C18).
      const parsed = parseTaskInput(typed, zone.zone, new Date());
      // Written into the document: shown at once, kept offline, synced and validated by the room (D6).
      const { updatedAt: now } = touch();
      writeTask(brain.doc, { id: crypto.randomUUID(), title: parsed.title, status: "open", due: parsed.due, tags: parsed.tags, order: nextOrder(brain.doc), createdAt: now, updatedAt: now, createdBy: `user:${brain.deviceId}` });
      setError(null);
    } catch (err) {
      setTitle(typed);
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 className="text-2xl font-semibold tracking-tight">Tasks</h1>
      {data.plan && <PlanCard plan={data.plan} tasks={tasks} />}
      <nav aria-label="Filter tasks" className="mt-4 flex flex-wrap gap-1">
        {FILTERS.map((f) => (
          <Link key={f} to="/tasks" search={{ filter: f }} aria-current={f === filter ? "page" : undefined} className={`rounded-full px-3 py-1 text-sm capitalize ${f === filter ? "bg-indigo-600 text-white" : "bg-stone-200 text-stone-700 dark:bg-stone-800 dark:text-stone-300"}`}>
            {f}
          </Link>
        ))}
      </nav>
      <form onSubmit={add} className="mt-4 flex gap-2">
        <label className="sr-only" htmlFor="new-task">
          New task
        </label>
        <input id="new-task" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="New task — e.g. “Call mom tomorrow at 5pm #family”" className="flex-1 rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus:ring-2 focus:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900" />
        <button type="submit" className="flex items-center gap-1 rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
          <Plus className="size-4" /> Add
        </button>
      </form>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-600">
          {error}
        </p>
      )}
      <ul data-testid="tasks" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
        {shown.length === 0 && <li className="p-4 text-sm text-stone-500">Nothing here.</li>}
        {shown.map((t, i) => (
          <TaskRow key={t.id} task={t} zone={zone} overdue={t.status === "open" && t.due !== null && isOverdue(t.due, now, zone.zone)} reminder={reminders.get(t.id)} doc={brain.doc} deviceId={brain.deviceId} author={authorOf(t.createdBy, brain.devices, brain.deviceId)} above={shown[i - 1]} above2={shown[i - 2]} below={shown[i + 1]} below2={shown[i + 2]} />
        ))}
      </ul>
    </div>
  );
}

/** Moves a task between its neighbours by giving it an order key halfway between theirs. */
function move(doc: Y.Doc, task: Task, neighbour: Task | undefined, beyond: Task | undefined, direction: -1 | 1) {
  if (!neighbour) return;
  const far = beyond ? beyond.order : neighbour.order + direction;
  patchTask(doc, task.id, { order: (neighbour.order + far) / 2, ...touch() });
}

/** Who made a task, for the list: the assistant, this device, another of the user's devices. */
function authorOf(createdBy: string, devices: { deviceId: string; name: string }[], me: string): string | null {
  if (createdBy.startsWith("assistant:")) return "assistant";
  const deviceId = createdBy.startsWith("user:") ? createdBy.slice(5) : "";
  if (deviceId === me || deviceId === "api" || !deviceId) return null;
  return devices.find((d) => d.deviceId === deviceId)?.name ?? "another device";
}

type RowProps = { task: Task; zone: Zone; overdue: boolean; reminder?: Reminder; doc: Y.Doc; deviceId: string; author: string | null; above?: Task; above2?: Task; below?: Task; below2?: Task };

function TaskRow({ task, zone, overdue, reminder, doc, deviceId, author, above, above2, below, below2 }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const save = () => {
    setEditing(false);
    // "#words" typed while renaming become the task's tags.
    const { text, tags } = splitTags(title);
    if (text && (text !== task.title || tags.length > 0)) {
      const fields = { title: text, ...(tags.length > 0 ? { tags: [...new Set([...task.tags, ...tags])].slice(0, 32) } : {}), ...touch() };
      withUndo(doc, deviceId, "Renamed", (origin) => patchTask(doc, task.id, fields, origin));
    }
  };
  // Completing and deleting offer Undo (D19); reopening a done task is its own undo.
  const toggle = () =>
    task.status === "done"
      ? patchTask(doc, task.id, { status: "open", ...touch() })
      : withUndo(doc, deviceId, "Completed", (origin) => patchTask(doc, task.id, { status: "done", ...touch() }, origin));
  const remove = () => withUndo(doc, deviceId, "Deleted", (origin) => removeTask(doc, task.id, origin));
  const byAssistant = task.createdBy.startsWith("assistant:");
  return (
    <li className="flex items-center gap-3 px-4 py-3">
      <input type="checkbox" aria-label={`Done: ${task.title}`} checked={task.status === "done"} onChange={toggle} className="size-4 accent-indigo-600" />
      {editing ? (
        <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === "Enter" && save()} className="flex-1 rounded border border-stone-300 px-2 py-1 dark:border-stone-700 dark:bg-stone-800" />
      ) : (
        <button
          title="Double-click or press Enter to rename"
          onDoubleClick={() => {
            setTitle(task.title);
            setEditing(true);
          }}
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            setTitle(task.title);
            setEditing(true);
          }}
          className={`flex-1 text-left ${task.status === "done" ? "text-stone-500 line-through" : ""}`}
        >
          {task.title}
        </button>
      )}
      {task.due && (
        <span data-testid="due" className={`text-xs ${overdue ? "font-medium text-red-600" : "text-stone-500"}`}>
          {overdue && "Overdue · "}
          {zone.due(task.due)}
        </span>
      )}
      {reminder && (
        <span data-testid="reminder" title="Reminder" className="flex items-center gap-0.5 text-xs text-stone-500">
          <Bell className="size-3" aria-label="Reminder" /> {reminder.at === task.due ? zone.time(reminder.at) : zone.due(reminder.at)}
        </span>
      )}
      {task.tags.map((tag) => (
        <button
          key={tag}
          title={`Remove tag ${tag}`}
          aria-label={`Remove tag ${tag} from ${task.title}`}
          onClick={() => patchTask(doc, task.id, { tags: task.tags.filter((t) => t !== tag), ...touch() })}
          className="rounded bg-stone-100 px-1.5 text-xs text-stone-600 hover:line-through dark:bg-stone-800 dark:text-stone-300"
        >
          #{tag}
        </button>
      ))}
      {byAssistant ? <Bot className="size-4 text-indigo-500" aria-label="Added by the assistant" /> : author && <span className="text-xs text-stone-500">by {author}</span>}
      <span className="flex">
        <button aria-label={`Move up: ${task.title}`} disabled={!above} onClick={() => move(doc, task, above, above2, -1)} className="p-1 text-stone-500 hover:text-stone-800 disabled:opacity-30 dark:hover:text-stone-200">
          <ArrowUp className="size-3.5" />
        </button>
        <button aria-label={`Move down: ${task.title}`} disabled={!below} onClick={() => move(doc, task, below, below2, 1)} className="p-1 text-stone-500 hover:text-stone-800 disabled:opacity-30 dark:hover:text-stone-200">
          <ArrowDown className="size-3.5" />
        </button>
        <button aria-label={`Delete: ${task.title}`} title="Delete" onClick={remove} className="p-1 text-stone-500 hover:text-red-600">
          <Trash2 className="size-3.5" />
        </button>
      </span>
    </li>
  );
}
