/**
 * Which tasks or memories a bulk request names (docs/PROTOCOL.md C14): the
 * selectors of the `bulk_tasks` and `forget_memories` tools, how a selection
 * is worded back to the user, and how the offline assistant reads the common
 * phrasings ("delete all my tasks", "clear done tasks", "complete all tasks
 * tagged #x", "delete tasks due today", "forget everything about X").
 */
import { z } from "zod";
import { clean, dueDay, extractDue, localDate } from "../../shared/dates.ts";
import { MAX_BATCH } from "../../shared/commands.ts";
import { IsoDateSchema, LIMITS, type Memory, type Task } from "../../shared/domain.ts";
import { formatDue } from "../../shared/format.ts";

export const TaskSelectorSchema = z.object({
  ids: z.array(z.string().max(LIMITS.id)).max(MAX_BATCH).optional().describe("exact ids of the tasks"),
  all: z.boolean().optional().describe("true selects every task the other fields allow; alone, every task"),
  status: z.enum(["open", "done"]).optional().describe("only open, or only done, tasks"),
  tag: z.string().max(LIMITS.tag).optional().describe("only tasks with this tag (without #)"),
  dueOn: IsoDateSchema.optional().describe("only tasks due on this date (YYYY-MM-DD, the user's zone)"),
  dueBefore: IsoDateSchema.optional().describe("only tasks due before this date (YYYY-MM-DD, the user's zone)"),
});
export type TaskSelector = z.infer<typeof TaskSelectorSchema>;
export type BulkAction = "delete" | "complete";

export const MemorySelectorSchema = z.object({
  ids: z.array(z.string().max(LIMITS.id)).max(MAX_BATCH).optional().describe("exact ids of the memories"),
  about: z.string().max(LIMITS.memoryKey).optional().describe("words the memory's key or value mentions"),
  all: z.boolean().optional().describe("true: every memory"),
});
export type MemorySelector = z.infer<typeof MemorySelectorSchema>;

/** A selector says which entries, or it selects none: an empty one never means "everything". */
export const saysWhich = (s: { ids?: string[] | undefined; all?: boolean | undefined } & Record<string, unknown>): boolean =>
  Object.entries(s).some(([k, v]) => (k === "all" ? v === true : k === "ids" ? Array.isArray(v) && v.length > 0 : v !== undefined));


/** The tasks a selector names, in the order given. Completing applies only to open tasks. */
export function selectTasks(tasks: readonly Task[], s: TaskSelector, action: BulkAction, timeZone: string): Task[] {
  const status = action === "complete" ? "open" : s.status;
  const tag = s.tag?.replace(/^#/, "").toLowerCase();
  return tasks.filter(
    (t) =>
      (!s.ids || s.ids.includes(t.id)) &&
      (!status || t.status === status) &&
      (!tag || t.tags.some((x) => x.toLowerCase() === tag)) &&
      (!s.dueOn || (t.due !== null && dueDay(t.due, timeZone) === s.dueOn)) &&
      (!s.dueBefore || (t.due !== null && dueDay(t.due, timeZone) < s.dueBefore)),
  );
}

const STOP = new Set(["the", "a", "an", "my", "me", "i", "about", "of", "is", "are", "was", "that", "to"]);
const words = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));

/** The memories a selector names: `about` matches those whose key and value mention every word of it. */
export function selectMemories(memories: readonly Memory[], s: MemorySelector): Memory[] {
  const about = s.about === undefined ? [] : words(s.about);
  if (s.about !== undefined && about.length === 0) return [];
  return memories.filter((m) => {
    if (s.ids && !s.ids.includes(m.id)) return false;
    const text = words(`${m.key} ${m.value}`);
    return about.every((w) => text.some((x) => x === w || x.startsWith(w)));
  });
}

/** One line of a proposal's list per memory (C14). */
export const memoryLine = (m: Memory) => `${m.key}: ${m.value}`.slice(0, 200);

function dayWords(date: string, timeZone: string, now: Date): string {
  const today = localDate(timeZone, now);
  const tomorrow = localDate(timeZone, new Date(now.getTime() + 86_400_000));
  return date === today ? "today" : date === tomorrow ? "tomorrow" : formatDue(date, timeZone);
}

/** The selection as words, e.g. "done tasks tagged #work due today"; singular for one. */
export function tasksPhrase(s: TaskSelector, action: BulkAction, count: number, at: { timeZone: string; now: Date }): string {
  const status = action === "complete" ? "" : s.status ? `${s.status} ` : "";
  return [
    `${status}${count === 1 ? "task" : "tasks"}`,
    s.tag ? `tagged #${s.tag.replace(/^#/, "")}` : "",
    s.dueOn ? `due ${dayWords(s.dueOn, at.timeZone, at.now)}` : "",
    s.dueBefore ? `due before ${dayWords(s.dueBefore, at.timeZone, at.now)}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** The verb the user reads: deleting done tasks is clearing them. */
export const bulkVerb = (s: TaskSelector, action: BulkAction) => (action === "complete" ? "complete" : s.status === "done" ? "clear" : "delete");

// ——— The offline assistant's reading (C10) ———

const DELETE_VERB = /^(?:please\s+)?(?:(?:can|could) you\s+)?(delete|remove|clear(?: out)?|erase|drop|wipe|get rid of|clean up|complete|finish|check off|tick off|close)\s+(.+?)[.!?]*$/i;
const MARK_DONE = /^(?:please\s+)?mark\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)[.!?]*$/i;

/** "delete all my tasks" → the action and selector; null when the words name no set of tasks. */
export function parseBulkTasks(text: string, at: { timeZone: string; now: Date }): { action: BulkAction; select: TaskSelector } | null {
  const t = text.trim();
  const mark = MARK_DONE.exec(t);
  const verbed = mark ? null : DELETE_VERB.exec(t);
  if (!mark && !verbed) return null;
  const action: BulkAction = mark || /^(complete|finish|check off|tick off|close)$/i.test(verbed![1]!) ? "complete" : "delete";
  let rest = ` ${(mark ? mark[1]! : verbed![2]!).toLowerCase()} `;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(rest);
    if (m) rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
    return m;
  };
  const select: TaskSelector = {};
  const tag = take(/\s(?:tagged|with(?: the)? tag|labell?ed)\s+#?([\p{L}\p{N}_-]+)|\s#([\p{L}\p{N}_-]+)/u);
  if (tag) select.tag = tag[1] ?? tag[2]!;
  if (take(/\s(?:(?:that are|which are|i've|i have|already)\s+)?(?:done|completed|finished|checked off|ticked off)\s/)) select.status = "done";
  if (take(/\s(?:open|pending|remaining|unfinished|outstanding|incomplete)\s/)) select.status ??= "open";
  // The date last: it runs to the end of the words ("due before next Friday").
  const before = take(/\sdue before\s+(.+?)\s*$/);
  const on = before ? null : take(/\s(?:due|scheduled for|for)(?: on)?\s+(.+?)\s*$/);
  for (const [m, key] of [[before, "dueBefore"], [on, "dueOn"]] as const) {
    if (!m) continue;
    const { due, rest: left } = extractDue(m[1]!, at.timeZone, at.now);
    if (!due || clean(left)) return null;
    select[key] = dueDay(due, at.timeZone);
  }
  if (take(/\soverdue\s/)) {
    select.dueBefore = localDate(at.timeZone, at.now);
    select.status = "open";
  }
  const all = take(/\s(?:all|every|each|everything)(?:\s+of)?\s/);
  const plural = take(/\s(?:tasks|todos|to-dos|items)\s/);
  const singular = plural ? null : take(/\s(?:task|todo|to-do)\s/);
  rest = rest.replace(/\s(?:my|the|of|from|on|in|list|them|those|these|now|please)(?=\s)/g, " ");
  if (clean(rest)) return null;
  // A set of tasks is named by a plural, by "all"/"every", or by "clear done" alone; "delete my task X" is one task's name.
  const named = plural !== null || all !== null || (action === "delete" && select.status === "done" && !singular);
  if (!named) return null;
  if (all) select.all = true;
  if (!saysWhich(select)) select.all = true;
  return { action, select };
}

/** "forget everything about X", "forget my memories" → the selector; null when the words are not a forgetting. */
export function parseForget(text: string): MemorySelector | null {
  const t = clean(text.trim());
  if (/^(?:please\s+)?(?:forget|delete|clear|remove|erase|wipe)\s+(?:all\s+(?:of\s+)?)?(?:my|your|the)?\s*memories$/i.test(t)) return { all: true };
  if (/^(?:please\s+)?forget\s+(?:everything|all)(?:\s+you know)?(?:\s+about me)?$/i.test(t)) return { all: true };
  const about =
    /^(?:please\s+)?forget\s+(?:everything|all)\s+(?:you know\s+)?(?:about|on|regarding)\s+(.+)$/i.exec(t) ??
    /^(?:please\s+)?(?:forget|delete|clear|remove)\s+(?:all\s+)?(?:my\s+|your\s+|the\s+)?memories\s+(?:about|of|on)\s+(.+)$/i.exec(t) ??
    /^(?:please\s+)?forget\s+(?:about\s+)?(?!to\b)(.+)$/i.exec(t);
  return about ? { about: clean(about[1]!) } : null;
}
