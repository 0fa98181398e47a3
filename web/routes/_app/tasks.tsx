/**
 * The live shared task list, as a task app has it (W20–W23): add in words,
 * complete and delete with Undo, rename in place, due dates by picker or in
 * words, tags and a tag filter, drag or keyboard reorder, shortcuts, and the
 * upcoming reminders with snooze and cancel. Changes from anywhere appear at once.
 */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, Link } from "@tanstack/react-router";
import { Keyboard, X } from "lucide-react";
import { useRef, useState } from "react";
import { isOverdue } from "../../../shared/dates.ts";
import { readTasks } from "../../../shared/doc-schema.ts";
import type { Task } from "../../../shared/domain.ts";
import { type TaskFilter, TasksSearchSchema } from "../../../shared/search.ts";
import { PlanCard } from "../../components/plan-card.tsx";
import { TodayPanel } from "../../components/today-panel.tsx";
import { SearchField } from "../../components/search-field.tsx";
import { DueDialog } from "../../components/tasks/due-dialog.tsx";
import { dueTone } from "../../components/tasks/due-chip.tsx";
import { NewTaskForm } from "../../components/tasks/new-task-form.tsx";
import { ShortcutsDialog } from "../../components/tasks/shortcuts-dialog.tsx";
import { TaskList } from "../../components/tasks/task-list.tsx";
import { type RowMode, TaskRow } from "../../components/tasks/task-row.tsx";
import { UpcomingReminders } from "../../components/tasks/upcoming-reminders.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useDocMap } from "../../hooks/use-doc-map.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useReveal } from "../../hooks/use-reveal.ts";
import { useShortcuts } from "../../hooks/use-shortcuts.ts";
import { useTaskActions } from "../../hooks/use-task-actions.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { stateQuery } from "../../lib/queries.ts";
import { matchesFilter, matchesSearch, tagsInUse } from "../../lib/task-filter.ts";
import type { ShortcutAction } from "../../lib/task-shortcuts.ts";

export const Route = createFileRoute("/_app/tasks")({
  validateSearch: TasksSearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Tasks,
});

const FILTERS: { filter: TaskFilter; label: string }[] = [
  { filter: "all", label: "All" },
  { filter: "today", label: "Today" },
  { filter: "upcoming", label: "Upcoming" },
  { filter: "overdue", label: "Overdue" },
  { filter: "done", label: "Done" },
];

/** What an empty list says, by filter: where the tasks would be, and how to get some. */
const EMPTY: Record<TaskFilter, string> = {
  all: "Add your first task above — try “Call mom tomorrow at 5pm #family”.",
  today: "Nothing is due today.",
  upcoming: "Nothing is scheduled after today.",
  overdue: "You are all caught up.",
  done: "Tasks you complete show here.",
};

/** Focuses a task's title (its row's keyboard home) once React has drawn it. */
const focusTask = (id: string) =>
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"] [data-testid="task-title"]`)?.focus());

function Tasks() {
  const { filter, tag, task: linkedTask, reminder: linkedReminder } = Route.useSearch();
  const brain = useBrain();
  const { data } = useSuspenseQuery(stateQuery());
  const tasks = useDocMap(brain.doc, "tasks", () => readTasks(brain.doc));
  const zone = useZone();
  const now = useNow();
  const actions = useTaskActions();
  const [query, setQuery] = useState("");
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<{ id: string; mode: RowMode } | null>(null);
  const [dueFor, setDueFor] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const newTask = useRef<HTMLInputElement>(null);
  const search = useRef<HTMLInputElement>(null);

  const shown = tasks.filter((t) => matchesFilter(t, filter, now, zone.zone, tag) && matchesSearch(t, query));
  const index = shown.findIndex((t) => t.id === selectedId);
  const selected = index >= 0 ? shown[index] : undefined;
  const tags = tagsInUse(tasks.filter((t) => t.status === "open"));
  const open = tasks.filter((t) => t.status === "open").length;
  // Pending reminders by task, shown on the task's row in the preference zone.
  const reminders = new Map(data.reminders.filter((r) => r.status === "pending" && r.taskId).map((r) => [r.taskId, r]));

  const select = (at: number) => {
    const task = shown[Math.max(0, Math.min(shown.length - 1, at))];
    if (!task) return;
    setSelectedId(task.id);
    focusTask(task.id);
  };
  /** After a task leaves the list, the selection goes to its neighbour, as in a mail client. */
  const selectAfterLeaving = (task: Task) => {
    const at = shown.indexOf(task);
    const next = shown[at + 1] ?? shown[at - 1];
    setSelectedId(next?.id ?? null);
    if (next) focusTask(next.id);
  };
  const remove = (task: Task) => {
    selectAfterLeaving(task);
    actions.remove(task);
  };
  const toggle = (task: Task) => {
    if (filter !== "done" && task.status === "open") selectAfterLeaving(task);
    actions.toggle(task);
  };
  const move = (from: number, to: number) => actions.move(shown, from, to);

  useShortcuts((action: ShortcutAction) => {
    switch (action) {
      case "new":
        return newTask.current?.focus();
      case "search":
        return search.current?.focus();
      case "help":
        return setHelp(true);
      case "next":
        return select(index < 0 ? 0 : index + 1);
      case "previous":
        return select(index < 0 ? shown.length - 1 : index - 1);
      default:
        break;
    }
    if (!selected) return;
    switch (action) {
      case "complete":
        return toggle(selected);
      case "edit":
        return setMode({ id: selected.id, mode: "editing" });
      case "tag":
        return setMode({ id: selected.id, mode: "tagging" });
      case "due":
        return setDueFor(selected.id);
      case "delete":
        return remove(selected);
      case "moveUp":
        return index > 0 && move(index, index - 1);
      case "moveDown":
        return index < shown.length - 1 && move(index, index + 1);
      default: {
        const unhandled: never = action;
        return unhandled;
      }
    }
  });

  // W67: a notification's link — the task scrolled to and selected (the selection is its highlight),
  // or, for a reminder without a task, the upcoming reminders.
  useReveal(linkedTask, (id) => document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"]`), shown, setSelectedId);
  useReveal(linkedReminder, () => document.querySelector<HTMLElement>('[data-testid="reminders"]'), data.reminders);

  const narrowed = Boolean(tag || query.trim());
  return (
    <div className="mx-auto max-w-3xl p-4 pb-24 md:p-8">
      <header className="flex items-center gap-3">
        <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">
          Tasks
        </h1>
        <span className="text-sm text-stone-600 dark:text-stone-400">{open} open</span>
        <button
          onClick={() => setHelp(true)}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          className="ml-auto flex size-9 items-center justify-center rounded-lg text-stone-600 outline-none hover:bg-stone-200 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:size-11 dark:text-stone-300 dark:hover:bg-stone-800"
        >
          <Keyboard className="size-5" aria-hidden />
        </button>
      </header>
      {/* K20: what the day holds, above what is to do (on a wide screen Chat shows it too). */}
      <TodayPanel className="mt-4" />
      {data.plan && <PlanCard plan={data.plan} tasks={tasks} />}
      <NewTaskForm zone={zone} inputRef={newTask} />
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <nav aria-label="Filter tasks" className="flex flex-wrap gap-1 max-md:gap-0.5">
          {FILTERS.map((f) => (
            <Link
              key={f.filter}
              to="/tasks"
              search={{ filter: f.filter, tag }}
              aria-current={f.filter === filter ? "page" : undefined}
              className={`flex min-h-8 items-center rounded-full px-3 text-sm max-md:px-2.5 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-1 max-md:min-h-11 max-md:min-w-11 max-md:justify-center ${f.filter === filter ? "bg-indigo-600 font-medium text-white" : "text-stone-700 hover:bg-stone-200 dark:text-stone-300 dark:hover:bg-stone-800"}`}
            >
              {f.label}
            </Link>
          ))}
        </nav>
        <SearchField
          ref={search}
          label="Search tasks"
          placeholder="Search  /"
          value={query}
          onChange={setQuery}
          clearOnEscape
          wrapperClassName="ml-auto max-md:w-full"
          className="min-h-8 rounded-full py-1 md:w-48"
        />
      </div>
      {(tags.length > 0 || tag) && (
        <nav aria-label="Filter by tag" className="mt-2 flex flex-wrap items-center gap-1">
          <span className="mr-1 text-xs text-stone-600 dark:text-stone-400">Tags</span>
          {[...new Set([...(tag ? [tag] : []), ...tags])].map((t) => (
            <Link
              key={t}
              to="/tasks"
              search={{ filter, tag: t === tag ? undefined : t }}
              aria-current={t === tag ? "page" : undefined}
              aria-label={t === tag ? `Tag ${t}, shown — show every tag` : `Show only tag ${t}`}
              // At phone width a 44 px target around a small pill.
              className="group/tag flex items-center rounded-full outline-none max-md:min-h-11 max-md:min-w-11 max-md:justify-center"
            >
              <span className={`flex h-7 items-center gap-1 rounded-full px-2.5 text-xs group-focus-visible/tag:ring-2 group-focus-visible/tag:ring-indigo-500 ${t === tag ? "bg-emerald-700 font-medium text-white" : "bg-emerald-50 text-emerald-800 group-hover/tag:bg-emerald-100 dark:bg-emerald-950/50 dark:text-emerald-300 dark:group-hover/tag:bg-emerald-900/60"}`}>
                #{t}
                {t === tag && <X className="size-3" aria-hidden />}
              </span>
            </Link>
          ))}
        </nav>
      )}
      <TaskList
        tasks={shown}
        onMove={move}
        empty={
          <>
            <p className="font-medium text-stone-700 dark:text-stone-300">Nothing here.</p>
            <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
              {narrowed ? `No ${filter === "all" ? "" : `${filter} `}task matches ${[tag && `#${tag}`, query.trim() && `“${query.trim()}”`].filter(Boolean).join(" and ")}.` : EMPTY[filter]}
            </p>
          </>
        }
      >
        {shown.map((t, i) => (
          <TaskRow
            key={t.id}
            task={t}
            zone={zone}
            tone={t.due ? dueTone(t.due, t.status === "open" && isOverdue(t.due, now, zone.zone), now, zone.zone) : null}
            reminder={reminders.get(t.id)}
            author={authorOf(t.createdBy, brain.devices, brain.deviceId)}
            selected={t.id === selectedId}
            mode={mode?.id === t.id ? mode.mode : "idle"}
            actions={{ ...actions, toggle }}
            onSelect={() => setSelectedId(t.id)}
            onMode={(m) => setMode(m === "idle" ? null : { id: t.id, mode: m })}
            onDue={() => setDueFor(t.id)}
            onDelete={() => remove(t)}
            onMoveUp={i > 0 ? () => move(i, i - 1) : undefined}
            onMoveDown={i < shown.length - 1 ? () => move(i, i + 1) : undefined}
          />
        ))}
      </TaskList>
      <p className="mt-2 hidden px-1 text-xs text-stone-600 md:block dark:text-stone-400">
        Press <kbd className="font-mono">?</kbd> for keyboard shortcuts · drag a task by its handle to reorder
      </p>
      <UpcomingReminders reminders={data.reminders} zone={zone} />
      <DueDialog
        task={tasks.find((t) => t.id === dueFor) ?? null}
        zone={zone}
        onSave={actions.setDue}
        onClose={() => {
          const id = dueFor;
          setDueFor(null);
          if (id) focusTask(id);
        }}
      />
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

/** Who made a task, for the list: the assistant, this device, another of the user's devices. */
function authorOf(createdBy: string, devices: { deviceId: string; name: string }[], me: string): string | null {
  if (createdBy.startsWith("assistant:")) return "assistant";
  const deviceId = createdBy.startsWith("user:") ? createdBy.slice(5) : "";
  if (deviceId === me || deviceId === "api" || !deviceId) return null;
  return devices.find((d) => d.deviceId === deviceId)?.name ?? "another device";
}
