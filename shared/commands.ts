/**
 * Commands a user (or the assistant) can apply to their brain. The same
 * schemas validate HTTP bodies and socket frames, so both paths accept exactly
 * the same input (docs/PROTOCOL.md H4–H6, P6).
 */
import { z } from "zod";
import { DueSchema, IsoDateSchema, IsoDateTimeSchema, LIMITS, MemoryTypeSchema, PreferencesPatchSchema, RoutineSchema } from "./domain.ts";
import { RruleSchema } from "./rrule-text.ts";
import { plainText, titleText } from "./text.ts";

/** Client-chosen key that makes a command idempotent (G2). */
export const ClientActionIdSchema = z
  .string()
  .min(8)
  .max(LIMITS.id)
  .regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only");

/** Every text field below carries `titleText` or `plainText` (D15, D16). */
const title = z.string().trim().min(1).max(LIMITS.title).check(titleText);
const tags = z.array(z.string().trim().min(1).max(LIMITS.tag).check(titleText)).max(LIMITS.tags);
const taskId = z.string().min(1).max(LIMITS.id);

export const TaskPatchSchema = z
  .strictObject({
    title: title.optional(),
    due: DueSchema.nullable().optional(),
    tags: tags.optional(),
    status: z.enum(["open", "done"]).optional(),
    order: z.number().finite().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "patch must change at least one field");

export const TaskActionSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("create"),
    task: z.strictObject({ title, due: DueSchema.nullable().optional(), tags: tags.optional() }),
    clientActionId: ClientActionIdSchema.optional(),
  }),
  z.strictObject({
    action: z.literal("update"),
    taskId,
    patch: TaskPatchSchema,
    clientActionId: ClientActionIdSchema.optional(),
  }),
  z.strictObject({ action: z.literal("complete"), taskId, clientActionId: ClientActionIdSchema.optional() }),
  z.strictObject({ action: z.literal("delete"), taskId, clientActionId: ClientActionIdSchema.optional() }),
]);
export type TaskAction = z.infer<typeof TaskActionSchema>;

const noteId = z.string().min(1).max(LIMITS.id);
const noteTitle = z.string().trim().max(LIMITS.title).check(titleText);
const noteBody = z.string().max(LIMITS.noteBody).check(plainText);

export const NotePatchSchema = z
  .strictObject({ title: noteTitle.optional(), body: noteBody.optional(), pinned: z.boolean().optional() })
  .refine((patch) => Object.keys(patch).length > 0, "patch must change at least one field");

export const NoteActionSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("create"),
    note: z.strictObject({ title: noteTitle.optional(), body: noteBody.optional(), pinned: z.boolean().optional() }),
    clientActionId: ClientActionIdSchema.optional(),
  }),
  z.strictObject({ action: z.literal("update"), noteId, patch: NotePatchSchema, clientActionId: ClientActionIdSchema.optional() }),
  z.strictObject({ action: z.literal("delete"), noteId, clientActionId: ClientActionIdSchema.optional() }),
]);
export type NoteAction = z.infer<typeof NoteActionSchema>;

/** Reverts the document changes of one assistant turn (D9). */
export const UndoTurnSchema = z.strictObject({
  turnId: z.string().min(1).max(LIMITS.id),
  clientActionId: ClientActionIdSchema.optional(),
});

/**
 * S1, S15: `at` is required for a one-time reminder. With `rrule` it is optional: the
 * first occurrence at or after `at` (or now) is the first `at`.
 */
export const ReminderSetSchema = z.strictObject({
  at: IsoDateTimeSchema.optional(),
  taskId: z.string().min(1).max(LIMITS.id).optional(),
  title: title.optional(),
  /** RRULE text (S16); read in the preference zone, stored normalized. */
  rrule: RruleSchema.optional(),
  /** S20: each occurrence runs the assistant with this prompt. */
  routine: RoutineSchema.optional(),
  clientActionId: ClientActionIdSchema.optional(),
});

/** S21: an edit of a reminder; `rrule: null` makes it a one-time reminder. At least one field. */
export const ReminderUpdateSchema = z.strictObject({
  at: IsoDateTimeSchema.optional(),
  title: title.optional(),
  rrule: RruleSchema.nullable().optional(),
  clientActionId: ClientActionIdSchema.optional(),
});

export const ReminderSnoozeSchema = z.strictObject({
  minutes: z.number().int().min(1).max(7 * 24 * 60),
  clientActionId: ClientActionIdSchema.optional(),
});

export const PlanItemActionSchema = z.strictObject({
  date: IsoDateSchema,
  itemId: z.string().min(1).max(LIMITS.id),
  action: z.enum(["accept", "reject", "edit"]),
  /** With `edit`: the new text; the item is then accepted with it. */
  text: title.optional(),
  clientActionId: ClientActionIdSchema.optional(),
});

export const MemoryPinSchema = z.strictObject({
  type: MemoryTypeSchema,
  key: z.string().trim().min(1).max(LIMITS.memoryKey).check(titleText),
  value: z.string().trim().min(1).max(LIMITS.memoryValue).check(titleText),
  clientActionId: ClientActionIdSchema.optional(),
});
export type MemoryPin = z.infer<typeof MemoryPinSchema>;

export const MemoryUnpinSchema = z.strictObject({
  memoryId: z.string().min(1).max(LIMITS.id),
  clientActionId: ClientActionIdSchema.optional(),
});

export const PreferencesUpdateSchema = PreferencesPatchSchema.extend({
  clientActionId: ClientActionIdSchema.optional(),
});

const id = z.string().min(1).max(LIMITS.id);

/**
 * T1–T6: the conversation commands. Their fields repeat shared/conversations.ts (which imports this file for
 * ClientActionIdSchema; importing it back would be a cycle): an id is 1–64 of A-Z a-z 0-9 and `-`, a title ≤ 120.
 */
const conversationId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "a conversation id is 1–64 of A-Z a-z 0-9 and -");
const conversationTitle = z.string().trim().min(1).max(120).check(plainText);
export const ConversationCommandSchemas = {
  create: z.strictObject({ kind: z.literal("conversation.create"), id: conversationId.optional(), title: conversationTitle.optional() }),
  update: z.strictObject({ kind: z.literal("conversation.update"), conversationId, title: conversationTitle.optional(), archived: z.boolean().optional() }),
  delete: z.strictObject({ kind: z.literal("conversation.delete"), conversationId }),
};

/**
 * A validated command, the single input of the room's command executor. The
 * schema checks a command read back from storage (a proposal waiting for its
 * confirmation, C8) as strictly as one that came in over the wire.
 */
const taskCommand = z.strictObject({ kind: z.literal("task"), action: TaskActionSchema });
const noteCommand = z.strictObject({ kind: z.literal("note"), action: NoteActionSchema });
const memoryUnpinCommand = z.strictObject({ kind: z.literal("memory.unpin"), memoryId: id });

/** Most changes one batch makes (C14): "delete all my tasks" past this asks the user to narrow it down. */
export const MAX_BATCH = 500;

/**
 * One change of a batch (C14): a command on one task, note or memory. A batch
 * holds no batch, and no command of the schedule or preferences, whose effects
 * are not entries a list can name.
 */
export const BatchItemSchema = z.discriminatedUnion("kind", [taskCommand, noteCommand, memoryUnpinCommand]);
export type BatchItem = z.infer<typeof BatchItemSchema>;

export const CommandSchema = z.discriminatedUnion("kind", [
  taskCommand,
  noteCommand,
  z.strictObject({ kind: z.literal("undo.turn"), turnId: id }),
  ReminderSetSchema.omit({ clientActionId: true }).extend({ kind: z.literal("reminder.set") }),
  z.strictObject({ kind: z.literal("reminder.snooze"), reminderId: id, minutes: ReminderSnoozeSchema.shape.minutes }),
  z.strictObject({ kind: z.literal("reminder.dismiss"), reminderId: id }),
  ReminderUpdateSchema.omit({ clientActionId: true }).extend({ kind: z.literal("reminder.update"), reminderId: id }),
  z.strictObject({ kind: z.literal("notification.ack"), notificationId: id }),
  PlanItemActionSchema.omit({ clientActionId: true }).extend({ kind: z.literal("plan.item") }),
  z.strictObject({ kind: z.literal("memory.pin"), pin: MemoryPinSchema }),
  memoryUnpinCommand,
  z.strictObject({ kind: z.literal("preferences.update"), patch: PreferencesPatchSchema }),
  ConversationCommandSchemas.create,
  ConversationCommandSchemas.update,
  ConversationCommandSchemas.delete,
  /** Several changes applied together or not at all, one event each (C14): what a bulk proposal runs. */
  z.strictObject({ kind: z.literal("batch"), commands: z.array(BatchItemSchema).min(1).max(MAX_BATCH) }),
]);
export type Command = z.infer<typeof CommandSchema>;

/**
 * Separates the idempotency key from a command body so that the same action
 * compares equal whether its key came in the body, a header or a frame (G2).
 * The returned value keeps its type (`clientActionId` is optional in every
 * body); anything that is not an object is returned as it is.
 */
export function splitClientActionId<T>(input: T): { value: T; clientActionId?: string } {
  if (typeof input !== "object" || input === null || !("clientActionId" in input)) return { value: input };
  const { clientActionId, ...rest } = input;
  return { value: rest as T, clientActionId: typeof clientActionId === "string" ? clientActionId : undefined };
}
