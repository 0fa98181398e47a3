/**
 * The socket's JSON application protocol (docs/PROTOCOL.md P1–P14).
 *
 * Binary frames on the socket are Yjs sync and awareness messages and belong
 * to y-partyserver. JSON frames travel on y-partyserver's custom-message
 * channel (`__YPS:` prefix, added and removed by the library). Each direction
 * is one discriminated union, parsed once with `safeParse`.
 */
import { z } from "zod";
import {
  MemoryPinSchema,
  NoteActionSchema,
  PlanItemActionSchema,
  PreferencesUpdateSchema,
  ReminderSetSchema,
  ReminderSnoozeSchema,
  ReminderUpdateSchema,
  TaskActionSchema,
  UndoTurnSchema,
} from "./commands.ts";
import {
  DeviceKindSchema,
  DeviceSchema,
  MemorySchema,
  MessageSchema,
  NotificationSchema,
  PlanSchema,
  PreferencesSchema,
} from "./domain.ts";
import { ErrorCodeSchema } from "./errors.ts";
import { EventEnvelopeSchema } from "./events.ts";
import { LlmActionReadSchema, LlmFrameSchema, MessageSendSchema } from "./chat.ts";
import { ConfirmSelectionSchema } from "./goals.ts";
import { ConversationCreateSchema, ConversationPatchSchema, MessageRegenerateSchema } from "./conversations.ts";

/** Bumped on any incompatible change; the room closes clients that speak another (P2). */
export const PROTOCOL_VERSION = 1;

/** Largest JSON frame the room parses, in UTF-16 code units (P4). */
export const MAX_FRAME_CHARS = 64 * 1024;

/** WebSocket close codes the server uses; 4000–4999 is the application range. */
export const CLOSE_CODES = {
  /** The client speaks another protocol version. */
  protocolMismatch: 4400,
  /**
   * The socket's ticket is missing, malformed, forged, expired or already used
   * (A4, P15): the upgrade is accepted and closed at once with this code, so a
   * client can tell it from a dropped connection. Fetch a new ticket; if the
   * token is refused too, sign in again. No room was reached.
   */
  unauthorized: 4401,
} as const;

/** Correlation id a client puts on a frame; echoed on the ack or error it causes (P5). */
const rid = z.string().min(1).max(128);
/** An id a frame names (a reminder, notification, turn or proposal). */
const id = z.string().min(1).max(128);

/** The client's first JSON frame (P2). */
export const HelloFrameSchema = z.strictObject({
  type: z.literal("hello"),
  /** Must equal PROTOCOL_VERSION. */
  v: z.number().int(),
  rid: rid.optional(),
  /** Stable per device (e.g. kept in localStorage); tabs of one device may share it. */
  deviceId: z.string().min(1).max(128),
  /** Shown to the user's other devices (P9). */
  name: z.string().trim().min(1).max(100),
  kind: DeviceKindSchema,
  /** Optional; defaults to false. Later changes come as `focus` frames. */
  focused: z.boolean().default(false),
  /** Highest ledger seq the client has applied; the room backfills from there (P8). Omit on first connect. */
  lastEventSeq: z.number().int().min(0).optional(),
  /** The streaming turn the client already has tokens of, and the last seq it has (C5). */
  resume: z.strictObject({ turnId: z.string().max(128), seq: z.number().int().min(-1) }).optional(),
  /**
   * Optional; older clients omit it. The device's IANA zone
   * (`Intl.DateTimeFormat().resolvedOptions().timeZone`): the room adopts it
   * while no zone was ever set (S12). A zone the room does not know is ignored,
   * never a reason to refuse the hello.
   */
  timeZone: z.string().max(64).optional(),
});

/**
 * The frames that are one command of the room's write path (P6): the only
 * frames a `batch` may hold (R10). Chat inputs (`message.send`, `turn.stop`,
 * `proposal.*`) start or settle a turn and travel alone.
 */
const COMMAND_FRAMES = [
  z.strictObject({ type: z.literal("task"), rid: rid.optional(), command: TaskActionSchema }),
  z.strictObject({ type: z.literal("note"), rid: rid.optional(), command: NoteActionSchema }),
  z.strictObject({ type: z.literal("undo"), rid: rid.optional(), command: UndoTurnSchema }),
  z.strictObject({ type: z.literal("memory.pin"), rid: rid.optional(), command: MemoryPinSchema }),
  z.strictObject({ type: z.literal("preferences.update"), rid: rid.optional(), command: PreferencesUpdateSchema }),
  z.strictObject({ type: z.literal("reminder.set"), rid: rid.optional(), command: ReminderSetSchema }),
  z.strictObject({ type: z.literal("reminder.snooze"), rid: rid.optional(), reminderId: id, command: ReminderSnoozeSchema }),
  z.strictObject({ type: z.literal("reminder.dismiss"), rid: rid.optional(), reminderId: id }),
  /** S21: edit a reminder's time, title or repeat. */
  z.strictObject({ type: z.literal("reminder.update"), rid: rid.optional(), reminderId: id, command: ReminderUpdateSchema }),
  z.strictObject({ type: z.literal("notification.ack"), rid: rid.optional(), notificationId: id }),
  z.strictObject({ type: z.literal("plan.item"), rid: rid.optional(), command: PlanItemActionSchema }),
  /** T2: a new conversation; the ack's result is the conversation. */
  z.strictObject({ type: z.literal("conversation.create"), rid: rid.optional(), command: ConversationCreateSchema }),
  /** T3: rename, archive or unarchive. */
  z.strictObject({ type: z.literal("conversation.update"), rid: rid.optional(), conversationId: id, command: ConversationPatchSchema }),
] as const;

/** Most commands one `batch` frame carries (R10); the frame also stays under MAX_FRAME_CHARS. */
export const MAX_BATCH_FRAMES = 100;

/**
 * R10–R14: several command frames in one, applied in order in one ledger
 * transaction and answered by one `batch.result` after one commit. Each item
 * keeps its own `rid` and `clientActionId` (applied once, L3) and its own
 * answer: a refused item is an error in its place, the others still apply.
 * Optional for clients; older rooms refuse the type (`invalid_request`).
 */
export const BatchFrameSchema = z.strictObject({
  type: z.literal("batch"),
  rid: rid.optional(),
  frames: z.array(z.discriminatedUnion("type", COMMAND_FRAMES)).min(1).max(MAX_BATCH_FRAMES),
});

/**
 * Client → room: every JSON frame a client may send (P2–P13). Command frames
 * carry the HTTP bodies of H4–H6, H11, H12, C1, S1–S9 as `command` (P6).
 */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  HelloFrameSchema,
  /** Liveness; answered with `pong` (P10). */
  z.strictObject({ type: z.literal("ping"), rid: rid.optional() }),
  /** The tab gained or lost focus (P10, S8). */
  z.strictObject({ type: z.literal("focus"), rid: rid.optional(), focused: z.boolean() }),
  ...COMMAND_FRAMES,
  BatchFrameSchema,
  z.strictObject({ type: z.literal("message.send"), rid: rid.optional(), command: MessageSendSchema }),
  z.strictObject({ type: z.literal("turn.stop"), rid: rid.optional(), turnId: id }),
  /** T12: answer a message again (`command.messageId`: the user's message or a reply); acked with C1's `Accepted`. */
  z.strictObject({ type: z.literal("message.regenerate"), rid: rid.optional(), command: MessageRegenerateSchema }),
  /** T6: acked `{deleted: true, …}`, or `{proposal}` to confirm when it holds more than 3 messages. */
  z.strictObject({ type: z.literal("conversation.delete"), rid: rid.optional(), conversationId: id }),
  /** B11: `items` accepts some entries of a structured proposal (all when absent), `edits` changes them first. */
  z.strictObject({ type: z.literal("proposal.confirm"), rid: rid.optional(), proposalId: id, ...ConfirmSelectionSchema.shape }),
  z.strictObject({ type: z.literal("proposal.reject"), rid: rid.optional(), proposalId: id }),
  /** A page of ledger events after `since` (P13). */
  z.strictObject({
    type: z.literal("events.backfill"),
    rid: rid.optional(),
    since: z.number().int().min(0),
    /** At most this many events; default 500, at most 1000. */
    limit: z.number().int().min(1).max(1000).optional(),
  }),
]);
/** A client frame as the room handles it: defaults applied. */
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
/** One command frame inside a `batch` (R10). */
export type BatchedFrame = z.infer<typeof BatchFrameSchema>["frames"][number];
/** A client frame as a client writes it: fields with defaults (`focused`, `channel`) may be left out. */
export type ClientFrameInput = z.input<typeof ClientFrameSchema>;
/** A parsed hello (`focused` filled in). */
export type HelloFrame = z.infer<typeof HelloFrameSchema>;

/** Projection state sent instead of events when a client is too far behind (P8). */
export const SnapshotSchema = z.strictObject({
  /** Every pinned memory. */
  memories: z.array(MemorySchema),
  /** The whole preferences, defaults filled in. */
  preferences: PreferencesSchema,
  /** The hot messages (C12), oldest first. */
  recentMessages: z.array(MessageSchema),
  /** The seq the snapshot is at; events after it follow live. */
  lastEventSeq: z.number().int().min(0),
});

/** A ledger seq as sent to clients: 0 before the first event. */
const seq = z.number().int().min(0);

/** B41: the stages an architect run reports, in order; `failed` ends a run that could not propose. */
export const ArchitectStageSchema = z.enum(["context", "breakdown", "place", "propose", "failed"]);
export type ArchitectStage = z.infer<typeof ArchitectStageSchema>;

/** A command frame was applied (P6, L3). */
export const AckFrameSchema = z.strictObject({
  type: z.literal("ack"),
  /** The frame's `rid`, or the request id when it had none. */
  rid: z.string(),
  /** What the HTTP route of the same command answers (e.g. the task, or C1's `Accepted`). */
  result: z.unknown(),
  /** The command was applied before under the same `clientActionId`; `result` is the original (L3). */
  duplicate: z.boolean(),
  /** The ledger seq after the command. */
  seq,
});

/** A refused frame, or a failure it caused (P5, P11, E1). */
export const ErrorFrameSchema = z.strictObject({
  type: z.literal("error"),
  /** The refused frame's `rid`, when it had a valid one. */
  rid: rid.optional(),
  /** The id the room logged the failure under. */
  requestId: z.string(),
  code: ErrorCodeSchema,
  /** For people (E3: never a stack trace). */
  message: z.string(),
  /** Seconds to wait; only with `rate_limited` (P12). */
  retryAfter: z.number().optional(),
});

/**
 * Room → client: every JSON frame the room sends (P2–P13, C3, S6–S9). The one
 * declaration of this direction: the room builds `ServerFrame` values and
 * clients parse with this schema. Strict, like the domain schemas inside it:
 * the web ships with the room, so a new field is added here for both at once.
 */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  /** The answer to hello (P2). */
  z.strictObject({
    type: z.literal("welcome"),
    /** PROTOCOL_VERSION of the room. */
    v: z.number().int(),
    rid: rid.optional(),
    userId: z.string(),
    /** This socket's id; presence merges a device's sockets (P9). */
    connectionId: z.string(),
    /** The room's latest ledger seq at the time of hello. */
    lastEventSeq: seq,
  }),
  /** Missed events after hello, or one `events.backfill` page (P8, P13). */
  z.strictObject({
    type: z.literal("events"),
    rid: rid.optional(),
    /** In seq order. Envelopes: a client skips an event type it does not know (`parseLedgerEvent`), not the whole frame (L10). */
    events: z.array(EventEnvelopeSchema),
    /** The room's latest seq, which may be past the page's last event. */
    lastEventSeq: seq,
    /** More events follow `events`: ask again from the last one's seq. */
    hasMore: z.boolean(),
  }),
  /** Instead of `events`, for a client more than 500 events behind (P8). */
  z.strictObject({ type: z.literal("snapshot"), rid: rid.optional(), snapshot: SnapshotSchema }),
  /** One new ledger event, pushed to every device of the user (P7). */
  z.strictObject({ type: z.literal("event"), event: EventEnvelopeSchema }),
  /** The user's connected devices, after a hello, a leave or a focus change (P9). */
  z.strictObject({ type: z.literal("presence"), devices: z.array(DeviceSchema) }),
  AckFrameSchema,
  /**
   * R11: the answer to a `batch`, sent once after the one commit: one entry per
   * item, in order — its `ack`, or the `error` that refused it.
   */
  z.strictObject({
    type: z.literal("batch.result"),
    /** The batch frame's `rid`, or the request id when it had none. */
    rid: z.string(),
    results: z.array(z.union([AckFrameSchema, ErrorFrameSchema])).max(MAX_BATCH_FRAMES),
  }),
  /** The answer to `ping` (P10). */
  z.strictObject({ type: z.literal("pong"), rid: rid.optional(), ts: z.iso.datetime() }),
  ErrorFrameSchema,
  /** Something for the device in use (S8). */
  z.strictObject({ type: z.literal("notification"), notification: NotificationSchema }),
  /** The notification was acknowledged, or moved to another device (S8, S9). */
  z.strictObject({ type: z.literal("notification.cleared"), notificationId: z.string() }),
  /** A daily plan is ready to be settled (S6). */
  z.strictObject({ type: z.literal("plan.available"), date: z.iso.date(), plan: PlanSchema }),
  /**
   * B41: one line of an architect run's progress ("Breaking down…", "Placing 12 blocks…"), to every
   * device of the user; `failed` ends a run with its message. New in issue 16: older clients drop it.
   */
  z.strictObject({
    type: z.literal("architect.progress"),
    runId: z.string().min(1).max(128),
    step: ArchitectStageSchema,
    message: z.string().min(1).max(200),
  }),
  ...LlmFrameSchema.options,
]);
/** A frame the room sends; build it with this type, parse it with ServerFrameSchema. */
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Parses one raw JSON frame from the room, for clients (web, tests). Null for anything else; never throws. */
export function parseServerFrame(raw: string): ServerFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = ServerFrameSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  // D40: an action card from a later server may carry fields this client does not know: dropped, the card kept.
  const card = LlmActionReadSchema.safeParse(json);
  return card.success ? card.data : null;
}

/** What is read from a client frame that failed to parse: its rid to echo (P5) and whether it is a hello of another version (P2). */
const FrameEnvelopeSchema = z.looseObject({ type: z.unknown().optional(), v: z.unknown().optional(), rid: z.unknown().optional() });

/** Parses one raw JSON frame from a client. Never throws. */
export function parseClientFrame(raw: string):
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: "too_large" | "invalid_request"; message: string; rid?: string; helloVersion?: number } {
  if (raw.length > MAX_FRAME_CHARS) {
    return { ok: false, code: "too_large", message: `frame exceeds ${MAX_FRAME_CHARS} characters` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: "invalid_request", message: "frame is not valid JSON" };
  }
  const parsed = ClientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const envelope = FrameEnvelopeSchema.safeParse(json);
    const { type, v, rid: candidate } = envelope.success ? envelope.data : {};
    // Only a rid the room may send back (1–128 characters): an error echoing `""` would fail ServerFrameSchema and be dropped.
    const echo = rid.safeParse(candidate).success && typeof candidate === "string" ? candidate : undefined;
    // P2: a hello from another protocol version may carry fields this one does not know; still a hello.
    const helloVersion = type === "hello" && typeof v === "number" ? v : undefined;
    return { ok: false, code: "invalid_request", message: z.prettifyError(parsed.error), rid: echo, helloVersion };
  }
  return { ok: true, frame: parsed.data };
}
