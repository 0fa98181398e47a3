/**
 * The assistant's built-in tools (docs/PROTOCOL.md C7–C10), one declaration
 * each (registry.ts derives the rest). Each runs through the same command path
 * as the user's own actions, with the assistant turn as actor; destructive ones
 * only produce a proposal the user must confirm (G7). What a tool returns goes
 * back to the model as data, never as instructions.
 */
import { z } from "zod";
import { MAX_BATCH } from "../../shared/commands.ts";
import { capitalize, clean } from "../../shared/dates.ts";
import { DueSchema, LIMITS, PreferencesPatchSchema } from "../../shared/domain.ts";
import { pinMemory, rememberTool } from "./memory-tools.ts";
import { defineTool, type ToolEntry, type ToolOutput } from "./registry.ts";
import { formatDue, formatTime } from "../../shared/format.ts";
import { splitTitleAndDue } from "../../shared/task-input.ts";
import { field } from "./wording.ts";
import { proposeRoutine, setRecurringReminder } from "./recurring-tools.ts";
import { checkFree, getAgenda, proposeCalendarEvent } from "./calendar-tools.ts";

import { findFlightsTool, setHomeAirport } from "./flight-tools.ts";
import { rescheduleBlocks } from "./reschedule-tool.ts";
import {
  bulkVerb,
  MemorySelectorSchema,
  memoryLine,
  parseBulkTasks,
  parseForget,
  saysWhich,
  selectMemories,
  selectTasks,
  TaskSelectorSchema,
  tasksPhrase,
} from "./selection.ts";

const taskRef = z.object({
  taskId: z.string().max(LIMITS.id).optional().describe("id of the task, if known"),
  title: z.string().max(LIMITS.title).optional().describe("words from the task's title, if the id is not known"),
});

export { agendaOf } from "./calendar-tools.ts";

const CreatedSchema = z.object({ id: z.string(), title: z.string() });
const Strings = z.array(z.string()).catch([]);

export const setReminder = defineTool({
  name: "set_reminder",
  description: "Remind the user at a date-time (ISO with offset), about a task or a short text.",
  input: taskRef.extend({ at: z.iso.datetime({ offset: true }), text: z.string().min(1).max(LIMITS.title).optional() }),
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const task = input.taskId || input.title ? ctx.resolve(input) : null;
      return { summary: `Reminder, ${ctx.when(input.at)}`, command: { kind: "reminder.set", at: input.at, ...(task ? { taskId: task.id } : { title: input.text ?? input.title ?? "Reminder" }) } };
    },
  },
});

export const createTask = defineTool({
  name: "create_task",
  description: "Create a task for the user. `due` is an ISO date or date-time with offset; `remindAt` (date-time) also sets a reminder.",
  input: z.object({
    title: z.string().min(1).max(LIMITS.title),
    due: DueSchema.nullable().optional(),
    tags: z.array(z.string().max(LIMITS.tag)).max(LIMITS.tags).optional(),
    remindAt: z.iso.datetime({ offset: true }).optional(),
  }),
  effect: {
    kind: "command",
    plan: (input, ctx) => ({
      summary: `Added “${input.title}”${input.due ? `, due ${ctx.when(input.due)}` : ""}`,
      command: { kind: "task", action: { action: "create", task: { title: input.title, due: input.due ?? null, tags: input.tags } } },
    }),
    followUp: (input, created, ctx) => {
      const task = CreatedSchema.safeParse(created);
      if (!input.remindAt || !task.success) return null;
      return { key: "reminder", tool: setReminder.name, action: { summary: `Reminder for “${task.data.title}”, ${ctx.when(input.remindAt)}`, command: { kind: "reminder.set", at: input.remindAt, taskId: task.data.id } } };
    },
  },
  offline: {
    rank: 70,
    parse: (text, at) => {
      const t = text.trim();
      const task =
        /^(?:please\s+)?remind me (?:to|that i need to|about)\s+(.+)$/i.exec(t) ??
        /^(?:please\s+)?(?:add|create|new)\s+(?:a\s+)?(?:task|todo|to-do)\s*(?:to|:|-)?\s*(.+)$/i.exec(t) ??
        /^(?:todo|to-do|task)\s*[:-]\s*(.+)$/i.exec(t) ??
        /^i (?:need|have) to\s+(.+)$/i.exec(t);
      if (!task) return null;
      // The task input's own parser (C18): the same words make the same task here and in the app.
      const { title, due, tags } = splitTitleAndDue(task[1]!, at.timeZone, at.now);
      return title ? { title, due, remind: /\bremind\b/i.test(t), ...(tags.length > 0 ? { tags } : {}) } : null;
    },
    // "remind me …" at a time: the task, and a reminder at that time (S1).
    input: ({ title, due, remind, tags }) => ({ title, due, ...(tags ? { tags } : {}), ...(remind && due && due.length > 10 ? { remindAt: due } : {}) }),
    reply: ({ title, due, tags }, out, at) =>
      `Done — I added “${String(field(out.result, "title") ?? title)}”${due ? `, due ${formatDue(due, at.timeZone)}` : ""}${tags ? `, tagged ${tags.map((t) => `#${t}`).join(" ")}` : ""}${out.reminder ? ", and I'll remind you then" : ""}.`,
  },
});

export const updateTask = defineTool({
  name: "update_task",
  description: "Change a task's title, due date or tags.",
  input: taskRef.extend({ newTitle: z.string().min(1).max(LIMITS.title).optional(), due: DueSchema.nullable().optional() }),
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const task = ctx.resolve(input);
      if (!task) return { refused: "no such task" };
      const patch = { ...(input.newTitle ? { title: input.newTitle } : {}), ...(input.due !== undefined ? { due: input.due } : {}) };
      if (Object.keys(patch).length === 0) return { refused: "nothing to change" };
      return { summary: `Updated “${task.title}”`, command: { kind: "task", action: { action: "update", taskId: task.id, patch } } };
    },
  },
});

export const completeTask = defineTool({
  name: "complete_task",
  description: "Mark one of the user's open tasks as done.",
  input: taskRef,
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const task = ctx.resolve(input);
      if (!task || task.status !== "open") return { refused: "no such open task" };
      return { summary: `Completed “${task.title}”`, command: { kind: "task", action: { action: "complete", taskId: task.id } } };
    },
  },
  offline: {
    rank: 50,
    parse: (text) => {
      const t = text.trim();
      const done =
        /^(?:please\s+)?(?:mark|set)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$/i.exec(t) ??
        /^(?:please\s+)?(?:complete|finish|check off|tick off|close)\s+(?:the\s+task\s+)?(.+)$/i.exec(t) ??
        /^(?:i(?:'ve| have)?\s+)?(?:done|finished|completed)(?:\s+with)?\s+(.+)$/i.exec(t);
      return done ? { query: clean(done[1]!.replace(/^(the\s+)?task\s+/i, "")) } : null;
    },
    input: ({ query }) => ({ title: query }),
    reply: ({ query }, out) => `Marked “${String(field(out.result, "title") ?? query)}” as done.`,
  },
});

export const deleteTask = defineTool({
  name: "delete_task",
  description: "Delete a task. Needs the user's confirmation: this only proposes it.",
  input: taskRef,
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const task = ctx.resolve(input);
      if (!task) return { refused: "no such task" };
      return { summary: `Delete “${task.title}”?`, command: { kind: "task", action: { action: "delete", taskId: task.id } } };
    },
  },
  offline: {
    rank: 60,
    parse: (text) => {
      const del = /^(?:please\s+)?(?:delete|remove|drop|cancel)\s+(?:the\s+task\s+)?(.+)$/i.exec(text.trim());
      return del ? { query: clean(del[1]!) } : null;
    },
    input: ({ query }) => ({ title: query }),
    reply: () => `I can delete that task, but I need your go-ahead: confirm it on your device.`,
  },
});

const LISTED_IN_REPLY = 5;
/** A proposal's size and first few entries, quoted, for the offline reply; the card lists them all. */
function listed(out: ToolOutput, one: string, many: string): string {
  const items = Strings.parse(out.items ?? []);
  const count = typeof out.count === "number" ? out.count : items.length;
  const more = count > LISTED_IN_REPLY ? ` and ${count - LISTED_IN_REPLY} more` : "";
  return `${count} ${count === 1 ? one : many}: ${items.slice(0, LISTED_IN_REPLY).map((i) => `“${i}”`).join(", ")}${more}`;
}

export const bulkTasks = defineTool({
  name: "bulk_tasks",
  description:
    "Delete or complete several of the user's tasks at once (\"delete all my tasks\", \"clear done tasks\", \"complete everything tagged #x\"). " +
    "The selector's fields combine (all must hold): exact ids, a tag, a status, due on or before a date; `all: true` alone selects every task. " +
    "Needs the user's confirmation: this only proposes the change, listing every task it would change.",
  input: z.object({ action: z.enum(["delete", "complete"]), select: TaskSelectorSchema }),
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: ({ action, select }, ctx) => {
      if (!saysWhich(select)) return { refused: "say which tasks: ids, a tag, a status, a due date, or all: true" };
      const at = { timeZone: ctx.preferences().timezone, now: ctx.now() };
      const tasks = selectTasks(ctx.tasks(), select, action, at.timeZone);
      const verb = bulkVerb(select, action);
      if (tasks.length === 0) return { nothing: `You have no ${tasksPhrase(select, action, 2, at)} to ${verb}.` };
      if (tasks.length > MAX_BATCH) return { refused: `that is ${tasks.length} tasks, more than ${MAX_BATCH} at once; narrow it down by tag, status or date` };
      return {
        summary: `${capitalize(verb)} ${tasks.length} ${tasksPhrase(select, action, tasks.length, at)}?`,
        items: tasks.map((t) => t.title),
        command: { kind: "batch", commands: tasks.map((t) => ({ kind: "task" as const, action: action === "delete" ? { action: "delete" as const, taskId: t.id } : { action: "complete" as const, taskId: t.id } })) },
      };
    },
  },
  offline: {
    rank: 45,
    parse: (text, at) => parseBulkTasks(text, at),
    input: (fields) => fields,
    reply: ({ action, select }, out) => {
      if (typeof out.nothing === "string") return out.nothing;
      return `That would ${bulkVerb(select, action)} ${listed(out, "task", "tasks")}. Nothing changes until you confirm on your device.`;
    },
  },
});

export const forgetMemories = defineTool({
  name: "forget_memories",
  description:
    "Forget (unpin) several of the user's memories at once: by exact ids, by words they mention (`about`), or `all: true`. " +
    "Needs the user's confirmation: this only proposes it, listing every memory it would forget.",
  input: MemorySelectorSchema,
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: (select, ctx) => {
      if (!saysWhich(select)) return { refused: "say which memories: ids, words they mention, or all: true" };
      const memories = selectMemories(ctx.memories(), select);
      const about = select.about ? ` about ${select.about}` : "";
      if (memories.length === 0) return { nothing: `I have no memories${about} to forget.` };
      return {
        summary: `Forget ${memories.length} ${memories.length === 1 ? "memory" : "memories"}${about}?`,
        items: memories.map(memoryLine),
        command: { kind: "batch", commands: memories.map((m) => ({ kind: "memory.unpin" as const, memoryId: m.id })) },
      };
    },
  },
  offline: {
    rank: 44,
    parse: (text) => parseForget(text),
    input: (fields) => fields,
    reply: (_fields, out) => {
      if (typeof out.nothing === "string") return out.nothing;
      return `That would forget ${listed(out, "memory", "memories")}. Nothing changes until you confirm on your device.`;
    },
  },
});

export const addNote = defineTool({
  name: "add_note",
  description: "Save a note for the user.",
  input: z.object({ title: z.string().max(LIMITS.title).optional(), body: z.string().min(1).max(LIMITS.noteBody) }),
  effect: {
    kind: "command",
    plan: (input) => ({ summary: `Saved a note`, command: { kind: "note", action: { action: "create", note: { title: input.title ?? input.body.slice(0, 60), body: input.body } } } }),
  },
  offline: {
    rank: 40,
    parse: (text) => {
      const t = text.trim();
      const note = /^(?:please\s+)?(?:add|take|make|write)?\s*(?:a\s+)?note(?:\s+that)?\s*[:,-]?\s*(.+)$/i.exec(t) ?? /^jot down\s*[:,-]?\s*(.+)$/i.exec(t);
      return note && clean(note[1]!) ? { body: clean(note[1]!) } : null;
    },
    input: ({ body }) => ({ body }),
    reply: ({ body }) => `Noted: “${body.slice(0, 200)}”.`,
  },
});

export const setPreference = defineTool({
  name: "set_preference",
  description: "Change the user's preferences (time zone, work hours, notifications).",
  // Asked of the assistant, a zone is the user's choice (S12): the model does not pick who set it.
  input: PreferencesPatchSchema.omit({ timezoneSource: true }),
  effect: { kind: "command", plan: (input) => ({ summary: "Updated your preferences", command: { kind: "preferences.update", patch: input } }) },
});

export const planDay = defineTool({
  name: "plan_day",
  description: "Build today's prioritized plan (3 priorities, todos, a note) and propose it to the user item by item.",
  input: z.object({}),
  effect: {
    kind: "read",
    read: async (_input, ctx) => {
      const plan = await ctx.proposePlan();
      if (!plan.ok) return { ok: false, error: plan.error.message };
      const tz = ctx.preferences().timezone;
      // K26: an item placed in the day says when ("Write report, 11:00 AM–12:00 PM").
      const texts = (kind: string) => plan.value.items.filter((i) => i.kind === kind).map((i) => (i.start && i.end ? `${i.text}, ${formatTime(i.start, tz)}–${formatTime(i.end, tz)}` : i.text));
      return { ok: true, date: plan.value.date, priorities: texts("priority"), todos: texts("todo"), note: texts("note")[0] ?? "" };
    },
  },
  offline: {
    rank: 10,
    parse: (text) => (/\bplan (my|the) day\b|\bdaily plan\b|\bplan for today\b/i.test(text.trim()) ? {} : null),
    input: () => ({}),
    reply: (_fields, out) => {
      const priorities = Strings.parse(out.priorities ?? []);
      const todos = Strings.parse(out.todos ?? []);
      if (priorities.length === 0) return `Here's your plan for today: nothing is open. ${String(out.note ?? "")}`.trim();
      const top = priorities.map((p, i) => `${i + 1}. ${p}`).join("\n");
      return `Here's your plan for today.\nTop priorities:\n${top}${todos.length ? `\nAlso on the list: ${todos.join(", ")}.` : ""}\n${String(out.note ?? "")}`.trim();
    },
  },
});

/** The built-in tools, in the order the model is offered them. */
export const BUILT_IN_TOOLS: readonly ToolEntry[] = [
  createTask,
  setReminder,
  setRecurringReminder,
  proposeRoutine,
  updateTask,
  completeTask,
  deleteTask,
  bulkTasks,
  addNote,
  pinMemory,
  rememberTool,
  forgetMemories,
  setPreference,
  getAgenda,
  checkFree,
  proposeCalendarEvent,
  planDay,
  findFlightsTool,
  setHomeAirport,
  rescheduleBlocks,
];
