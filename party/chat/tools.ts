/**
 * The assistant's tools (docs/PROTOCOL.md C7–C9). Each runs through the same
 * command path as the user's own actions, with the assistant turn as actor;
 * destructive ones only produce a proposal the user must confirm (G7). What a
 * tool returns goes back to the model as data, never as instructions.
 */
import { tool } from "ai";
import { z } from "zod";
import type { ActionCard } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import { DueSchema, LIMITS, MemoryTypeSchema, type Memory, type Plan, type Preferences, PreferencesPatchSchema, type Task } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { Applied } from "../core/commands.ts";
import { findTask, localDate } from "./intents.ts";

export type ToolHost = {
  run(command: Command): Result<Applied>;
  propose(tool: string, command: Command, summary: string): { proposalId: string; expiresAt: string };
  tasks(): Task[];
  proposePlan(): Promise<Result<Plan>>;
  memories(): Memory[];
  preferences(): Preferences;
  now(): Date;
  /** Counts one use of `tool` today; false when its daily cap is reached (G6). */
  charge(tool: string): boolean;
};

const taskRef = z.object({
  taskId: z.string().max(LIMITS.id).optional().describe("id of the task, if known"),
  title: z.string().max(LIMITS.title).optional().describe("words from the task's title, if the id is not known"),
});

export function agendaOf(host: Pick<ToolHost, "tasks" | "preferences" | "now">) {
  const tz = host.preferences().timezone;
  const today = localDate(tz, host.now());
  const open = host.tasks().filter((t) => t.status === "open");
  const dayOf = (due: string) => (due.length === 10 ? due : localDate(tz, new Date(due)));
  const due = open
    .filter((t) => t.due !== null && dayOf(t.due) <= today)
    .map((t) => ({ id: t.id, title: t.title, due: t.due, overdue: dayOf(t.due!) < today }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.due!.localeCompare(b.due!));
  return { date: today, timezone: tz, tasks: due };
}

/** A due date or time as the user reads it, in their zone. */
function when(value: string, timeZone: string): string {
  if (value.length === 10) return value;
  return new Date(value).toLocaleString("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

export function buildTools(host: ToolHost, onAction: (card: ActionCard) => void) {
  const tz = () => host.preferences().timezone;
  const resolve = (ref: z.infer<typeof taskRef>): Task | null => {
    const open = host.tasks();
    if (ref.taskId) return open.find((t) => t.id === ref.taskId) ?? null;
    return ref.title ? findTask(open, ref.title) : null;
  };

  /** Runs a command as the assistant and reports it as an action card. */
  const act = (id: string, name: string, summary: string, command: Command) => {
    if (!host.charge(name)) {
      onAction({ id, tool: name, status: "failed", summary: `daily limit for ${name} reached` });
      return { ok: false, error: `daily limit for ${name} reached; try again tomorrow` };
    }
    const result = host.run(command);
    if (!result.ok) {
      onAction({ id, tool: name, status: "failed", summary: `${summary} — ${result.error.message}` });
      return { ok: false, error: result.error.message };
    }
    onAction({ id, tool: name, status: "done", summary });
    return { ok: true, result: result.value.result };
  };

  return {
    create_task: tool({
      description: "Create a task for the user. `due` is an ISO date or date-time with offset; `remindAt` (date-time) also sets a reminder.",
      inputSchema: z.object({
        title: z.string().min(1).max(LIMITS.title),
        due: DueSchema.nullable().optional(),
        tags: z.array(z.string().max(LIMITS.tag)).max(LIMITS.tags).optional(),
        remindAt: z.iso.datetime({ offset: true }).optional(),
      }),
      execute: (input, { toolCallId }) => {
        const created = act(toolCallId, "create_task", `Added “${input.title}”${input.due ? `, due ${when(input.due, tz())}` : ""}`, {
          kind: "task",
          action: { action: "create", task: { title: input.title, due: input.due ?? null, tags: input.tags } },
        });
        if (!created.ok || !input.remindAt) return created;
        const task = created.result as Task;
        const reminder = act(`${toolCallId}-reminder`, "set_reminder", `Reminder for “${task.title}”, ${when(input.remindAt, tz())}`, { kind: "reminder.set", at: input.remindAt, taskId: task.id });
        return { ...created, reminder: reminder.ok ? reminder.result : null };
      },
    }),
    set_reminder: tool({
      description: "Remind the user at a date-time (ISO with offset), about a task or a short text.",
      inputSchema: taskRef.extend({ at: z.iso.datetime({ offset: true }), text: z.string().min(1).max(LIMITS.title).optional() }),
      execute: (input, { toolCallId }) => {
        const task = input.taskId || input.title ? resolve(input) : null;
        return act(toolCallId, "set_reminder", `Reminder, ${when(input.at, tz())}`, { kind: "reminder.set", at: input.at, ...(task ? { taskId: task.id } : { title: input.text ?? input.title ?? "Reminder" }) });
      },
    }),
    update_task: tool({
      description: "Change a task's title, due date or tags.",
      inputSchema: taskRef.extend({ newTitle: z.string().min(1).max(LIMITS.title).optional(), due: DueSchema.nullable().optional() }),
      execute: (input, { toolCallId }) => {
        const task = resolve(input);
        if (!task) return { ok: false, error: "no such task" };
        const patch = { ...(input.newTitle ? { title: input.newTitle } : {}), ...(input.due !== undefined ? { due: input.due } : {}) };
        if (Object.keys(patch).length === 0) return { ok: false, error: "nothing to change" };
        return act(toolCallId, "update_task", `Updated “${task.title}”`, { kind: "task", action: { action: "update", taskId: task.id, patch } });
      },
    }),
    complete_task: tool({
      description: "Mark one of the user's open tasks as done.",
      inputSchema: taskRef,
      execute: (input, { toolCallId }) => {
        const task = resolve(input);
        if (!task || task.status !== "open") return { ok: false, error: "no such open task" };
        return act(toolCallId, "complete_task", `Completed “${task.title}”`, { kind: "task", action: { action: "complete", taskId: task.id } });
      },
    }),
    delete_task: tool({
      description: "Delete a task. Needs the user's confirmation: this only proposes it.",
      inputSchema: taskRef,
      execute: (input, { toolCallId }) => {
        const task = resolve(input);
        if (!task) return { ok: false, error: "no such task" };
        if (!host.charge("delete_task")) return { ok: false, error: "daily limit for delete_task reached" };
        const summary = `Delete “${task.title}”?`;
        const proposal = host.propose("delete_task", { kind: "task", action: { action: "delete", taskId: task.id } }, summary);
        onAction({ id: toolCallId, tool: "delete_task", status: "proposed", summary, ...proposal });
        return { ok: true, status: "proposed — waiting for the user's confirmation", ...proposal };
      },
    }),
    add_note: tool({
      description: "Save a note for the user.",
      inputSchema: z.object({ title: z.string().max(LIMITS.title).optional(), body: z.string().min(1).max(LIMITS.noteBody) }),
      execute: (input, { toolCallId }) =>
        act(toolCallId, "add_note", `Saved a note`, { kind: "note", action: { action: "create", note: { title: input.title ?? input.body.slice(0, 60), body: input.body } } }),
    }),
    pin_memory: tool({
      description: "Remember a fact about the user for later conversations.",
      inputSchema: z.object({ type: MemoryTypeSchema.default("fact"), key: z.string().min(1).max(LIMITS.memoryKey), value: z.string().min(1).max(LIMITS.memoryValue) }),
      execute: (input, { toolCallId }) =>
        act(toolCallId, "pin_memory", `Remembered: ${input.key} — ${input.value}`, { kind: "memory.pin", pin: input }),
    }),
    set_preference: tool({
      description: "Change the user's preferences (time zone, work hours, notifications).",
      inputSchema: PreferencesPatchSchema,
      execute: (input, { toolCallId }) => act(toolCallId, "set_preference", "Updated your preferences", { kind: "preferences.update", patch: input }),
    }),
    get_agenda: tool({
      description: "List the user's open tasks due today or overdue.",
      inputSchema: z.object({}),
      execute: () => agendaOf(host),
    }),
    plan_day: tool({
      description: "Build today's prioritized plan (3 priorities, todos, a note) and propose it to the user item by item.",
      inputSchema: z.object({}),
      execute: async () => {
        const plan = await host.proposePlan();
        if (!plan.ok) return { ok: false, error: plan.error.message };
        const texts = (kind: string) => plan.value.items.filter((i) => i.kind === kind).map((i) => i.text);
        return { ok: true, date: plan.value.date, priorities: texts("priority"), todos: texts("todo"), note: texts("note")[0] ?? "" };
      },
    }),
  };
}
