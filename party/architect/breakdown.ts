/**
 * The architect's breakdown of a goal (docs/PROTOCOL.md B32–B34): milestones,
 * tasks with their effort in minutes and the tasks each must follow, and the
 * reason for the plan. A model's answer is data: strict JSON that passes this
 * schema, asked for once more with the problem when it does not (B33), then a
 * clear failure — never a half-read plan.
 */
import { z } from "zod";
import { IsoDateSchema, LIMITS } from "../../shared/domain.ts";
import { plainText, titleText } from "../../shared/text.ts";

/** B32: caps on one breakdown, so a runaway answer cannot flood a proposal. */
export const BREAKDOWN_LIMITS = { milestones: 12, tasks: 60, after: 10, minutes: { min: 5, max: 480 }, rationale: 500 } as const;

/** An id the breakdown gives its own milestones and tasks, so `after` and `milestone` can name them. */
const key = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "ids are 1–40 letters, digits, - or _");
const title = z.string().trim().min(1).max(LIMITS.title).check(titleText);

export const BreakdownMilestoneSchema = z.strictObject({ id: key, title, due: IsoDateSchema.optional() });

export const BreakdownTaskSchema = z.strictObject({
  id: key,
  title,
  /** Effort, in whole minutes: one block of work. */
  minutes: z.number().int().min(BREAKDOWN_LIMITS.minutes.min).max(BREAKDOWN_LIMITS.minutes.max),
  milestone: key.optional(),
  /** Tasks (earlier in the list) this one comes after. */
  after: z.array(key).max(BREAKDOWN_LIMITS.after).optional(),
  /** Not before this local date (a week of a training plan). */
  notBefore: IsoDateSchema.optional(),
  /** Done by this local date. */
  due: IsoDateSchema.optional(),
});
export type BreakdownTask = z.infer<typeof BreakdownTaskSchema>;

/** B32: the model's (or the rules') answer. */
export const BreakdownSchema = z
  .strictObject({
    milestones: z.array(BreakdownMilestoneSchema).max(BREAKDOWN_LIMITS.milestones),
    tasks: z.array(BreakdownTaskSchema).min(1).max(BREAKDOWN_LIMITS.tasks),
    rationale: z.string().trim().min(1).max(BREAKDOWN_LIMITS.rationale).check(plainText),
  })
  .superRefine((b, ctx) => {
    const ids = new Set<string>();
    for (const [i, item] of [...b.milestones, ...b.tasks].entries()) {
      if (ids.has(item.id)) ctx.addIssue({ code: "custom", message: `id "${item.id}" is used twice`, path: ["tasks", i, "id"] });
      ids.add(item.id);
    }
    const milestones = new Set(b.milestones.map((m) => m.id));
    const earlier = new Set<string>();
    for (const [i, task] of b.tasks.entries()) {
      if (task.milestone !== undefined && !milestones.has(task.milestone)) ctx.addIssue({ code: "custom", message: `task "${task.id}" names no milestone "${task.milestone}"`, path: ["tasks", i, "milestone"] });
      // Only earlier tasks: dependencies can then never form a cycle.
      for (const dep of task.after ?? []) if (!earlier.has(dep)) ctx.addIssue({ code: "custom", message: `task "${task.id}" comes after "${dep}", which is not an earlier task`, path: ["tasks", i, "after"] });
      if (task.notBefore && task.due && task.due < task.notBefore) ctx.addIssue({ code: "custom", message: `task "${task.id}" is due before it may start`, path: ["tasks", i, "due"] });
      earlier.add(task.id);
    }
  });
export type Breakdown = z.infer<typeof BreakdownSchema>;

/** What the breakdown step hands on: the plan, its audit hash (B35) and the tokens it cost. */
export type Drafted = { breakdown: Breakdown; hash: string; tokens: number; source: "rules" | "model" };

/** Reads a model's answer: JSON (a fenced block is unwrapped) that passes the schema, or the first problem found. */
export function readBreakdown(text: string): { ok: true; breakdown: Breakdown } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  const parsed = BreakdownSchema.safeParse(json);
  if (parsed.success) return { ok: true, breakdown: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join(".") || "answer"}: ${issue?.message ?? "invalid"}`.slice(0, 200) };
}
