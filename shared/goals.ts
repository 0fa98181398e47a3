/**
 * Goals and time blocks (docs/PROTOCOL.md B1–B29, D40–D49; issue 16).
 *
 * Both live in the Yjs document beside tasks — root maps `goals` and `blocks`,
 * id → Y.Map — so every device edits them live and the room validates and
 * repairs them like tasks (doc-watch). A goal owns tasks (`taskIds`; each
 * task may also name its `goalId`); a block is a span of time on the
 * timeline, optionally for one task, with the source that placed it.
 * Older clients that do not know these maps ignore them (D40: schema version 2).
 */
import { z } from "zod";
import { IsoDateSchema, IsoDateTimeSchema, LIMITS } from "./domain.ts";
import { plainText, titleText } from "./text.ts";

/** D40: the document schema version: 1 = tasks and notes; 2 = + goals, blocks, task.goalId. */
export const DOC_SCHEMA_VERSION = 2;

/** B2: the longest block, one day; a longer span is not a block of work. */
export const MAX_BLOCK_MS = 24 * 60 * 60_000;
/** B1: caps on a goal's owned tasks and on entries per proposal. */
export const GOAL_LIMITS = { taskIds: 500, entries: 200, rationale: 500 } as const;

const id = z.string().min(1).max(LIMITS.id).check(plainText);
const title = z.string().trim().min(1).max(LIMITS.title).check(titleText);
const createdBy = z.string().max(200).check(plainText);

export const GoalStatusSchema = z.enum(["active", "done", "dropped"]);
export type GoalStatus = z.infer<typeof GoalStatusSchema>;

/** B1: a goal as stored in the Yjs `goals` map. */
export const GoalSchema = z.strictObject({
  id,
  title,
  /** The local date the goal is for (a race day), or null. */
  targetDate: IsoDateSchema.nullable(),
  status: GoalStatusSchema,
  /** Tasks the goal owns, in order; a plain array replaced whole (like task tags, D2). */
  taskIds: z.array(id).max(GOAL_LIMITS.taskIds),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  createdBy,
});
export type Goal = z.infer<typeof GoalSchema>;
/** D40: how readers take a goal: unknown fields dropped (writers and the room's repair stay strict). */
export const GoalReadSchema = GoalSchema.strip();

export const BlockSourceSchema = z.enum(["user", "plan", "architect", "calendar-sync"]);
export type BlockSource = z.infer<typeof BlockSourceSchema>;

const blockShape = {
  id,
  title,
  /** ISO instants with offset; `end` after `start`, at most 24 h later (B2). */
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
  taskId: id.nullable(),
  goalId: id.nullable(),
  source: BlockSourceSchema,
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  createdBy,
};

/** B2: what is wrong with a block's span, or null. */
export function spanProblem(start: string, end: string): string | null {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (!(e > s)) return "end must be after start";
  if (e - s > MAX_BLOCK_MS) return "a block is at most 24 hours long";
  return null;
}

/** A block's fields without the span check: what patches and `block.updated` changes are read against. */
export const BlockBaseSchema = z.strictObject(blockShape);

/** B2: a block as stored in the Yjs `blocks` map. */
export const BlockSchema = z.strictObject(blockShape).superRefine((block, ctx) => {
  const problem = spanProblem(block.start, block.end);
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["end"] });
});
export type Block = z.infer<typeof BlockSchema>;
/** D40: how readers take a block: unknown fields dropped, its checks (end after start, ≤ 24 h) kept. */
export const BlockReadSchema = BlockSchema.strip();

/** Fields of a block a patch may set (B3). */
export const BlockFieldsSchema = z.strictObject(blockShape).pick({ title: true, start: true, end: true, taskId: true, goalId: true, source: true }).partial();
export type BlockFields = z.infer<typeof BlockFieldsSchema>;
/** Fields of a goal a patch may set (B3). */
export const GoalFieldsSchema = GoalSchema.pick({ title: true, targetDate: true, status: true, taskIds: true }).partial();
export type GoalFields = z.infer<typeof GoalFieldsSchema>;

/**
 * B20: why a change was made, when the assistant or a workflow made it —
 * the model's stated reason as data, and a sha-256 of the prompt and the
 * output (hex) as the audit trail. Never an instruction; shown as text.
 */
export const WhySchema = z.strictObject({
  turnId: z.string().max(LIMITS.id).optional(),
  workflowId: z.string().max(LIMITS.id).optional(),
  step: z.string().max(64).optional(),
  rationale: z.string().max(GOAL_LIMITS.rationale).check(plainText),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "expected a sha-256 hex digest"),
});
export type Why = z.infer<typeof WhySchema>;

export { type ProposalEntry, type ProposalEntryKind, ProposalEntryKindSchema, ProposalEntrySchema } from "./proposal-entry.ts";

/** B11: what a confirm may say: which entries to accept (all when absent), and edits to them. */
export const EntryEditSchema = z.strictObject({
  title: title.optional(),
  start: IsoDateTimeSchema.optional(),
  end: IsoDateTimeSchema.optional(),
});
export type EntryEdit = z.infer<typeof EntryEditSchema>;
export const ConfirmSelectionSchema = z.strictObject({
  items: z.array(id).max(GOAL_LIMITS.entries).optional(),
  edits: z
    .record(id, EntryEditSchema)
    .refine((edits) => Object.keys(edits).length <= GOAL_LIMITS.entries, `at most ${GOAL_LIMITS.entries} edits`)
    .optional(),
});
export type ConfirmSelection = z.infer<typeof ConfirmSelectionSchema>;

/**
 * B30-contract: one item of the architect's result handed to the room
 * (`room.architect.propose`). `after` names ids of entries in the same
 * result; a block's `taskId` names a task entry's id.
 */
export const ArchitectEntrySchema = z.strictObject({
  id,
  kind: z.enum(["milestone", "task", "block"]),
  title,
  /** Task or milestone due (local date or instant). */
  due: z.union([IsoDateSchema, IsoDateTimeSchema]).optional(),
  start: IsoDateTimeSchema.optional(),
  end: IsoDateTimeSchema.optional(),
  /** For a block: the task entry it is for. */
  taskId: id.optional(),
  after: z.array(id).max(50).optional(),
  detail: z.string().max(LIMITS.title).check(plainText).optional(),
});
export type ArchitectEntry = z.infer<typeof ArchitectEntrySchema>;

export const ArchitectProposalSchema = z.strictObject({
  runId: id,
  goal: z.strictObject({ title, targetDate: IsoDateSchema.nullable() }),
  entries: z.array(ArchitectEntrySchema).min(1).max(GOAL_LIMITS.entries),
  rationale: z.string().max(GOAL_LIMITS.rationale).check(plainText),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  tokens: z.number().int().min(0).max(10_000_000),
  /** The turn that asked, if any (for `why.turnId`). */
  turnId: z.string().max(LIMITS.id).optional(),
});
export type ArchitectProposal = z.infer<typeof ArchitectProposalSchema>;
