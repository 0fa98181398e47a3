/** Search params of the web app's routes, validated with zod (STYLE.md 9). */
import { z } from "zod";

export const TaskFilterSchema = z.enum(["all", "today", "upcoming", "overdue", "done"]);
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

export const TasksSearchSchema = z.object({ filter: TaskFilterSchema.catch("all").default("all") });
export const NotesSearchSchema = z.object({ note: z.string().max(128).optional().catch(undefined) });
export const ActivitySearchSchema = z.object({ actor: z.enum(["all", "user", "assistant", "system"]).catch("all").default("all") });
