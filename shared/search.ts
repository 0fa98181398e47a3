/** Search params of the web app's routes, validated with zod (STYLE.md 9). */
import { z } from "zod";
import { LIMITS } from "./domain.ts";

export const TaskFilterSchema = z.enum(["all", "today", "upcoming", "overdue", "done"]);
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

/** A tag to filter by (W22): tags are stored lower case (task-input.ts); a bad value is dropped, never thrown. */
export const TagFilterSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(LIMITS.tag)
  .optional()
  .catch(undefined);

/** An id named by a link (a pushed notification's URL, W67); a bad value is dropped, never thrown. */
const LinkedIdSchema = z.string().min(1).max(128).optional().catch(undefined);

export const TasksSearchSchema = z.object({
  filter: TaskFilterSchema.catch("all").default("all"),
  tag: TagFilterSchema,
  /** W67: the task to scroll to and select (a reminder's notification opens `/tasks?task=<id>`). */
  task: LinkedIdSchema,
  /** W67: a reminder without a task (`/tasks?reminder=<id>`): the view opens on the upcoming reminders. */
  reminder: LinkedIdSchema,
});
/**
 * W67: the reply to scroll to (an "assistant replied" notification opens `/chat?turn=<id>`).
 * W90: `c` the thread shown (absent: `main`); W95: `message` the message to scroll to and highlight.
 */
export const ChatSearchSchema = z.object({ turn: LinkedIdSchema, c: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().catch(undefined), message: LinkedIdSchema });
/** W107: the memory to scroll to and highlight (`/memory?memory=<id>`, a search result or a link). */
export const MemorySearchSchema = z.object({ memory: LinkedIdSchema });
export const NotesSearchSchema = z.object({ note: z.string().max(128).optional().catch(undefined) });
export const ActivitySearchSchema = z.object({
  actor: z.enum(["all", "user", "assistant", "system"]).catch("all").default("all"),
  /** W78: only the changes of one goal (its tasks, blocks and itself). */
  goal: LinkedIdSchema,
});
/** W70: the timeline's view and the local date it shows (today when absent); a bad value is dropped, never thrown. */
export const TimelineSearchSchema = z.object({
  view: z.enum(["day", "week"]).catch("day").default("day"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
});
