/**
 * What the architect workflow and the room say to each other over Durable
 * Object RPC (docs/PROTOCOL.md B30–B31): the workflow's parameters, each
 * step's call, and the context the first step reads. Both sides validate:
 * the workflow's payload and every call with these schemas, the room's
 * answers with the step's own schema. Plain data only (structured clone).
 */
import { z } from "zod";
import { ErrorCodeSchema } from "../../shared/errors.ts";
import { IsoDateSchema, IsoDateTimeSchema, LIMITS } from "../../shared/domain.ts";
import { ArchitectEntrySchema } from "../../shared/goals.ts";
import { ArchitectStageSchema, type ArchitectStage } from "../../shared/protocol.ts";
import { plainText } from "../../shared/text.ts";
import { BreakdownSchema } from "./breakdown.ts";

const runId = z.string().min(1).max(LIMITS.id).check(plainText);

/** B30: the workflow instance's parameters; its id is `runId`. */
export const ArchitectParamsSchema = z.strictObject({ userId: z.string().min(1).max(200), runId });
export type ArchitectParams = z.infer<typeof ArchitectParamsSchema>;

export { ArchitectStageSchema, type ArchitectStage };

const SpanSchema = z.strictObject({ start: IsoDateTimeSchema, end: IsoDateTimeSchema });

/** B30: what the first step reads from the room — the goal, the zone, work hours and what is already busy. */
export const ArchitectContextSchema = z.strictObject({
  runId,
  goal: z.string().min(1).max(LIMITS.title),
  targetDate: IsoDateSchema.nullable(),
  turnId: z.string().max(LIMITS.id).nullable(),
  timeZone: z.string().min(1).max(64),
  workHours: z.strictObject({ start: z.string(), end: z.string(), days: z.array(z.number().int().min(1).max(7)) }),
  /** The room's clock when the context was read. */
  now: IsoDateTimeSchema,
  today: IsoDateSchema,
  /** The end of the span blocks may be placed in: the end of the target date. */
  until: IsoDateTimeSchema,
  /** Calendar events and existing blocks in [now, until). */
  busy: z.array(SpanSchema).max(5000),
});
export type ArchitectContext = z.infer<typeof ArchitectContextSchema>;

/** B32–B35: the breakdown step's answer: a plan, or why there is none (then the run ends with that message). */
export const DraftedSchema = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true), breakdown: BreakdownSchema, hash: z.string().regex(/^[0-9a-f]{64}$/), tokens: z.number().int().min(0), source: z.enum(["rules", "model"]) }),
  z.strictObject({ ok: z.literal(false), message: z.string().max(500) }),
]);
export type DraftedAnswer = z.infer<typeof DraftedSchema>;

/** One call of a step to the room. */
export const ArchitectCallSchema = z.discriminatedUnion("step", [
  z.strictObject({ step: z.literal("context"), runId }),
  z.strictObject({ step: z.literal("breakdown"), runId }),
  z.strictObject({ step: z.literal("progress"), runId, stage: ArchitectStageSchema, message: z.string().min(1).max(200) }),
  z.strictObject({
    step: z.literal("propose"),
    runId,
    entries: z.array(ArchitectEntrySchema).min(1).max(200),
    rationale: z.string().max(500),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    tokens: z.number().int().min(0),
  }),
  z.strictObject({ step: z.literal("fail"), runId, message: z.string().min(1).max(500) }),
]);
export type ArchitectCall = z.infer<typeof ArchitectCallSchema>;

/** What the room answers a call (JSON over RPC): the step's value, or a typed refusal. */
export const RoomAnswerSchema = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.looseObject({ code: ErrorCodeSchema, message: z.string() }) }),
]);
