/**
 * Every ledger event type and its payload, declared once (docs/PROTOCOL.md L1–L10).
 *
 * `EVENT_PAYLOADS` is the table: adding an event type is one entry here plus
 * one line in `LedgerEventSchema`; the compiler then asks every exhaustive
 * switch over the union — the projections, the Activity summary — what the
 * new type means to it.
 *
 * Compatibility: a reader meets event types and payload fields newer than
 * itself (an older web tab, a room after a rolled-back deploy). Payload
 * objects strip fields they do not know, so an added optional field is
 * ignored by older readers; an unknown type does not parse at all, and
 * readers skip it (`parseLedgerEvent` returns null) rather than fail: the room
 * folds it as a no-op that still advances `lastEventSeq`, and clients skip it
 * while still moving their cursor past its `seq` (L10). Changing the meaning or
 * the required fields of an existing type is therefore a new type.
 */
import { z } from "zod";
import {
  ActorSchema,
  MemorySchema,
  MessageSchema,
  NoteSchema,
  NotificationSchema,
  PlanSchema,
  PreferencesPatchSchema,
  ReminderSchema,
  TaskSchema,
} from "./domain.ts";
import { CalendarSourceInfoSchema, CalendarSourceStatusSchema } from "./calendar.ts";
import { PushSubscriptionInfoSchema } from "./push.ts";
import { UndoKeptSchema, UndoRevertSchema } from "./undo.ts";
import { ConversationSchema } from "./conversations.ts";
import { VoiceJobRecordSchema } from "./voice.ts";
import { BlockBaseSchema, BlockSchema, GoalSchema, ProposalEntrySchema, WhySchema } from "./goals.ts";

/** The fields of a device's document edit that a `*.updated` event copies (a note's body is named, never copied). */
const TaskChangesSchema = TaskSchema.partial();
/** B3: a goal's or block's changed fields (the block's span check applies to whole blocks, not to a patch). */
const GoalChangesSchema = GoalSchema.partial();
const BlockChangesSchema = BlockBaseSchema.partial();
const NoteChangesSchema = NoteSchema.omit({ body: true }).partial();
/** What a command's `note.updated` changed, as it was before (the body too: undo puts it back, D18). */
const NoteBeforeSchema = NoteSchema.pick({ title: true, body: true, pinned: true }).partial();

/** The payload schema of each event type. */
export const EVENT_PAYLOADS = {
  /** A task was created, by a command or by a device's document edit (then `task` is read back from the document). */
  "task.created": z.object({ task: TaskSchema, why: WhySchema.optional() }),
  /**
   * Commands carry the patch as `changes` and the old values of those fields as `before` (D18; absent before undo
   * needed it); device edits carry `changes` (the new values) and `fields` (every changed field).
   */
  "task.updated": z.object({
    taskId: z.string(),
    changes: TaskChangesSchema,
    fields: z.array(z.string()).optional(),
    before: TaskChangesSchema.optional(),
    why: WhySchema.optional(),
  }),
  "task.completed": z.object({ taskId: z.string() }),
  /** `task` is the task as it was; device edits omit it (the entry is gone when the room sees the edit). */
  "task.deleted": z.object({ taskId: z.string(), task: TaskSchema.optional(), why: WhySchema.optional() }),
  /**
   * B3, B20: goals and blocks, like tasks: `*.created` the whole entry; `*.updated` the changed `fields`, their new
   * values (`changes`) and, from commands, their old values (`before`); `*.deleted` the entry as it was when known.
   * `why` (B20) is present when the assistant or a workflow made the change: its turn or workflow step, the model's
   * stated rationale (data, never an instruction) and the sha-256 of prompt and output.
   */
  "goal.created": z.object({ goal: GoalSchema, why: WhySchema.optional() }),
  "goal.updated": z.object({
    goalId: z.string(),
    fields: z.array(z.string()),
    changes: GoalChangesSchema.optional(),
    before: GoalChangesSchema.optional(),
    why: WhySchema.optional(),
  }),
  "goal.deleted": z.object({ goalId: z.string(), goal: GoalSchema.optional(), why: WhySchema.optional() }),
  "block.created": z.object({ block: BlockSchema, why: WhySchema.optional() }),
  "block.updated": z.object({
    blockId: z.string(),
    fields: z.array(z.string()),
    changes: BlockChangesSchema.optional(),
    before: BlockChangesSchema.optional(),
    why: WhySchema.optional(),
  }),
  "block.deleted": z.object({ blockId: z.string(), block: BlockSchema.optional(), why: WhySchema.optional() }),
  "note.created": z.object({ note: NoteSchema }),
  /**
   * `fields` names what changed (`body` included); `changes` (device edits only) holds the new values of the other
   * fields; `before` (commands only) the old values of the changed fields, body included (D18).
   */
  "note.updated": z.object({ noteId: z.string(), fields: z.array(z.string()), changes: NoteChangesSchema.optional(), before: NoteBeforeSchema.optional() }),
  "note.deleted": z.object({ noteId: z.string(), note: NoteSchema.optional() }),
  /**
   * D9, D18: one assistant turn undone. `reverted` lists what was changed back (the projections fold it: reminders
   * dismissed, memories and preferences restored, plan items proposed again), `kept` what was left because someone
   * built on it since, and why; `steps` is how many were reverted. Events from before D18 carry only `turnId` and `steps`.
   */
  "turn.undone": z.object({
    turnId: z.string(),
    steps: z.number().int(),
    reverted: z.array(UndoRevertSchema).optional(),
    kept: z.array(UndoKeptSchema).optional(),
  }),
  /** Replaces the memory in the same `type:key` slot (H5). */
  "memory.pinned": z.object({ memory: MemorySchema }),
  /** `slot` is the `type:key` the projections key memories by. */
  "memory.unpinned": z.object({ memoryId: z.string(), slot: z.string(), reason: z.enum(["user", "expired"]).optional() }),
  /** Y4: a turn gave these memories to the model; appended at most once an hour per memory (`lastUsedAt`). */
  "memory.used": z.object({ memoryIds: z.array(z.string()), at: z.iso.datetime(), turnId: z.string().optional() }),
  /** T1: a conversation was created (`main` is created by its first message, without this event). */
  "conversation.created": z.object({ conversation: ConversationSchema }),
  /** T3: renamed or (un)archived; only what changed is present. */
  "conversation.updated": z.object({ conversationId: z.string(), title: z.string().optional(), archived: z.boolean().optional(), updatedAt: z.iso.datetime() }),
  /** T6: deleted with its messages (their text is removed from the ledger, the archive and the search index). */
  "conversation.deleted": z.object({ conversationId: z.string(), messages: z.number().int().min(0) }),
  /** T12: a new turn answers `messageId` again; its reply will be a sibling of the earlier replies. */
  "turn.regenerated": z.object({ turnId: z.string(), messageId: z.string(), conversationId: z.string().optional() }),
  /** U10: this room's ledger and document were imported from an archive exported on `exportedAt`. */
  "account.imported": z.object({ exportedAt: z.string(), events: z.number().int().min(0), from: z.string().optional() }),
  /** Merged level by level into the current preferences (H6). */
  "preferences.updated": z.object({ patch: PreferencesPatchSchema }),
  /** A chat message, the user's or the assistant's; the user's carries the context they pointed at (C1). */
  /** B20: an assistant reply that changed something carries `why`: the reply as the stated reason, the hash of prompt and reply. */
  "message.added": z.object({ message: MessageSchema, contextIds: z.array(z.string()).optional(), why: WhySchema.optional() }),
  /** A turn ended in failure; code and message are what the devices were told (C7). */
  "turn.failed": z.object({
    turnId: z.string(),
    code: z.string().optional(),
    message: z.string().optional(),
    retryAfter: z.number().optional(),
  }),
  /**
   * Tokens a turn spent, counted against the daily budget of `day`: the user's
   * local date in the preference zone at the time of the call (C13; UTC dates
   * in ledgers written before local days, which read the same way).
   */
  "usage.charged": z.object({ day: z.string(), tokens: z.number() }),
  /** One use of a tool on the local `day` (as `usage.charged`), counted against its daily cap (G6). */
  "tool.used": z.object({ day: z.string(), tool: z.string() }),
  /**
   * V12: a voice clip was accepted; its audio waits in the room's `voice_audio` table (never in the ledger) until
   * the job ends. The job as it starts: status `queued`, no transcript.
   */
  "voice.job.queued": z.object({ job: VoiceJobRecordSchema }),
  /** V12: the clip went to the speech-to-text provider (again, after an eviction: the job resumes). */
  "voice.job.transcribing": z.object({ jobId: z.string() }),
  /**
   * V12, V13: the transcript; `messageId` when it was sent as the user's message (`channel: "voice"`), absent when the
   * user asked to review it first (V14). `seconds`: the clip's length as charged. The audio is deleted in the same write.
   */
  "voice.job.done": z.object({ jobId: z.string(), transcript: z.string(), seconds: z.number().nonnegative(), messageId: z.string().optional() }),
  /** V14: a reviewed transcript was sent, corrected or not: the message it became. */
  "voice.job.sent": z.object({ jobId: z.string(), messageId: z.string() }),
  /** V12: the job ended without a transcript; its audio is deleted in the same write. */
  "voice.job.failed": z.object({ jobId: z.string(), code: z.string(), message: z.string() }),
  /**
   * V19, V20: one speech-to-text or speech call, charged on the local `day` (as `usage.charged`): `seconds` against
   * the voice minutes, `tokens` against the daily token budget.
   */
  "voice.used": z.object({ day: z.string(), kind: z.enum(["transcription", "speech"]), seconds: z.number().nonnegative(), tokens: z.number().nonnegative() }),
  /** An MCP server was added (M14): its id, name, URL, status and namespaced tool names — never its headers or tokens. */
  "mcp.server.added": z.object({ serverId: z.string(), name: z.string(), url: z.string(), status: z.string(), tools: z.array(z.string()) }),
  /** An MCP server was removed (M14). */
  "mcp.server.removed": z.object({ serverId: z.string(), name: z.string() }),
  /** An MCP server's trusted tools, status or tool list changed (M14); only what changed is present. */
  "mcp.server.updated": z.object({ serverId: z.string(), status: z.string().optional(), trusted: z.array(z.string()).optional(), tools: z.array(z.string()).optional() }),
  /** The assistant asked to run a destructive tool; the user confirms or rejects it (C8). */
  /** `items` lists a bulk proposal's entries, exactly what confirming would change (C14); absent for one entry. */
  "proposal.created": z.object({
    proposalId: z.string(),
    tool: z.string(),
    summary: z.string(),
    expiresAt: z.string(),
    items: z.array(z.string()).optional(),
    /** B10: structured entries; B20: why, for a workflow's proposal. */
    entries: z.array(ProposalEntrySchema).optional(),
    why: WhySchema.optional(),
  }),
  /** The user confirmed a proposal (actor: the user); the effect itself is the assistant's own event. */
  /** B11: `accepted` names the entries a partial confirm took (absent: all, or a proposal without entries). */
  "proposal.confirmed": z.object({ proposalId: z.string(), turnId: z.string(), tool: z.string(), accepted: z.array(z.string()).optional() }),
  /**
   * A proposal ended without its effect (C15): `rejected` by the user, `expired` (found so
   * when a device tried it), or `failed` when its command could not apply (nothing changed).
   */
  "proposal.settled": z.object({ proposalId: z.string(), turnId: z.string(), tool: z.string(), status: z.enum(["rejected", "expired", "failed"]) }),
  "reminder.set": z.object({ reminder: ReminderSchema }),
  /**
   * `at` is when it was due, `firedAt` when the alarm fired it (S2). `next`: a recurring reminder's
   * next occurrence — it stays pending there (S19); absent for a one-time reminder or a series that ended.
   */
  "reminder.fired": z.object({ reminderId: z.string(), at: z.string(), firedAt: z.string(), next: z.string().optional() }),
  /** A reminder edited (S21): its time, title or repeat; the whole reminder as it now is. */
  "reminder.updated": z.object({ reminder: ReminderSchema }),
  /** `at` is the new time; the reminder is pending again (S3). */
  "reminder.snoozed": z.object({ reminderId: z.string(), at: z.string() }),
  "reminder.dismissed": z.object({ reminderId: z.string() }),
  "notification.created": z.object({ notification: NotificationSchema }),
  "notification.acked": z.object({ notificationId: z.string() }),
  /**
   * N2–N3: a device subscribed to Web Push. Only what the state shows: the endpoint and keys stay in the
   * room's SQL table, never in the ledger. The same id again (a device re-subscribing) replaces the entry.
   */
  "push.subscribed": z.object({ subscription: PushSubscriptionInfoSchema }),
  /** N3, N14: removed by the user (`user`, also when the device subscribed anew) or by its push service's 404/410 (`gone`). */
  "push.unsubscribed": z.object({ subscriptionId: z.string(), reason: z.enum(["user", "gone"]) }),
  /** K1: a calendar source was added; only its info (never its credentials, K3). */
  "calendar.source.added": z.object({ source: CalendarSourceInfoSchema }),
  "calendar.source.removed": z.object({ sourceId: z.string() }),
  /** K9: a sync ended (recorded when the status, the error or, after a success, lastSyncAt changed). */
  "calendar.source.status": z.object({
    sourceId: z.string(),
    status: CalendarSourceStatusSchema,
    error: z.string().optional(),
    lastSyncAt: z.string().nullable(),
  }),
  /** K8: a sync changed `changed` cached occurrences; only appended when something changed (clients refetch the agenda). */
  "calendar.synced": z.object({ sourceId: z.string(), changed: z.number().int().nonnegative() }),
  /** K11: an event written to a CalDAV calendar from the room (actor: who asked). */
  "calendar.event.created": z.object({ sourceId: z.string(), eventId: z.string(), uid: z.string(), title: z.string(), start: z.string(), end: z.string() }),
  "calendar.event.deleted": z.object({ sourceId: z.string(), eventId: z.string(), uid: z.string() }),
  /** K12: a single event changed from the room (If-Match its ETag); the event as it now is. */
  "calendar.event.updated": z.object({ sourceId: z.string(), eventId: z.string(), uid: z.string(), title: z.string(), start: z.string(), end: z.string() }),
  /** A date's plan; never replaced once stored (S6), except one that listed no task, asked for again once something is open (S13). */
  "plan.proposed": z.object({ plan: PlanSchema }),
  /** One plan item accepted (with its final `text` and the task it became or kept) or rejected (S6). */
  "plan.item.settled": z.object({
    date: z.string(),
    itemId: z.string(),
    status: z.enum(["accepted", "rejected"]),
    text: z.string().optional(),
    taskId: z.string().optional(),
    /** The task an accepted item created, if it did not name an existing one. */
    task: TaskSchema.optional(),
  }),
};

type Payloads = typeof EVENT_PAYLOADS;

/** What every stored event carries besides its type and payload. */
const ENVELOPE = {
  /** uuid v7; appending a known id stores nothing (L2). */
  id: z.string(),
  /** Dense and increasing within one user's room. */
  seq: z.number().int().positive(),
  ts: z.iso.datetime(),
  actor: ActorSchema,
  /** Present when the event answers a client action (L3). */
  clientActionId: z.string().optional(),
  /** The request id of the HTTP call or socket frame that caused it. */
  correlationId: z.string(),
};

const body = <T extends keyof Payloads>(type: T) => z.object({ type: z.literal(type), payload: EVENT_PAYLOADS[type] });

/**
 * An event's type and payload, correlated: one member per type in
 * EVENT_PAYLOADS. What the ledger checks when it reads a row back (the
 * envelope comes from typed columns), and what callers append.
 */
export const EventBodySchema = z.discriminatedUnion("type", [
  body("task.created"),
  body("task.updated"),
  body("task.completed"),
  body("task.deleted"),
  body("goal.created"),
  body("goal.updated"),
  body("goal.deleted"),
  body("block.created"),
  body("block.updated"),
  body("block.deleted"),
  body("note.created"),
  body("note.updated"),
  body("note.deleted"),
  body("turn.undone"),
  body("memory.pinned"),
  body("memory.unpinned"),
  body("memory.used"),
  body("conversation.created"),
  body("conversation.updated"),
  body("conversation.deleted"),
  body("turn.regenerated"),
  body("account.imported"),
  body("preferences.updated"),
  body("message.added"),
  body("turn.failed"),
  body("usage.charged"),
  body("tool.used"),
  body("voice.job.queued"),
  body("voice.job.transcribing"),
  body("voice.job.done"),
  body("voice.job.sent"),
  body("voice.job.failed"),
  body("voice.used"),
  body("mcp.server.added"),
  body("mcp.server.removed"),
  body("mcp.server.updated"),
  body("proposal.created"),
  body("proposal.confirmed"),
  body("proposal.settled"),
  body("reminder.set"),
  body("reminder.fired"),
  body("reminder.snoozed"),
  body("reminder.dismissed"),
  body("reminder.updated"),
  body("notification.created"),
  body("notification.acked"),
  body("plan.proposed"),
  body("plan.item.settled"),
  body("push.subscribed"),
  body("push.unsubscribed"),
  body("calendar.source.added"),
  body("calendar.source.removed"),
  body("calendar.source.status"),
  body("calendar.synced"),
  body("calendar.event.created"),
  body("calendar.event.deleted"),
  body("calendar.event.updated"),
]);

/** A ledger event as stored and sent (DESIGN.md §2): the envelope and one typed body. */
export const LedgerEventSchema = z.intersection(z.object(ENVELOPE), EventBodySchema);
export type LedgerEvent = z.infer<typeof LedgerEventSchema>;
export type EventType = LedgerEvent["type"];
export type EventOf<T extends EventType> = Extract<LedgerEvent, { type: T }>;
export type PayloadOf<T extends EventType> = EventOf<T>["payload"];

/** What a caller appends: a type with its own payload, correlated (the ledger adds the envelope). */
export type NewEventBody = z.infer<typeof EventBodySchema>;

// Every table entry must be in the union: a type missing from EventBodySchema fails to compile here.
const _everyTypeInUnion: Exclude<keyof Payloads, EventType> extends never ? true : never = true;
void _everyTypeInUnion;

/**
 * Any event, typed or not: what a reader that may be older than the writer
 * accepts on the wire, before `parseLedgerEvent` narrows each event (L10).
 */
export const EventEnvelopeSchema = z.strictObject({ ...ENVELOPE, type: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** The typed event, or null for a type or payload this build does not know (skip it; never fail the batch). */
export function parseLedgerEvent(raw: unknown): LedgerEvent | null {
  const parsed = LedgerEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

