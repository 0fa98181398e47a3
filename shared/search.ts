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

export const TasksSearchSchema = z.object({ filter: TaskFilterSchema.catch("all").default("all"), tag: TagFilterSchema });
export const NotesSearchSchema = z.object({ note: z.string().max(128).optional().catch(undefined) });
export const ActivitySearchSchema = z.object({ actor: z.enum(["all", "user", "assistant", "system"]).catch("all").default("all") });
