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
  TaskActionSchema,
  UndoTurnSchema,
} from "./commands.ts";
import {
  DeviceKindSchema,
  DeviceSchema,
  MemorySchema,
  MessageSchema,
  type Notification,
  NotificationSchema,
  type Plan,
  PlanSchema,
  PreferencesSchema,
} from "./domain.ts";
import type { ErrorCode } from "./errors.ts";
import { EventEnvelopeSchema, LedgerEventSchema } from "./events.ts";
import { type LlmFrame, MessageSendSchema } from "./chat.ts";

/** Bumped on any incompatible change; the room closes clients that speak another (P2). */
export const PROTOCOL_VERSION = 1;

/** Largest JSON frame the room parses, in UTF-16 code units (P4). */
export const MAX_FRAME_CHARS = 64 * 1024;

/** WebSocket close codes the room uses; 4000–4999 is the application range. */
export const CLOSE_CODES = {
  /** The client speaks another protocol version. (Bad tickets are refused before the upgrade: no close code.) */
  protocolMismatch: 4400,
} as const;

/** Correlation id a client puts on a frame; echoed on the ack or error it causes (P5). */
const rid = z.string().min(1).max(128);

export const HelloFrameSchema = z.strictObject({
  type: z.literal("hello"),
  /** Must equal PROTOCOL_VERSION. */
  v: z.number().int(),
  rid: rid.optional(),
  /** Stable per device (e.g. kept in localStorage); tabs of one device may share it. */
  deviceId: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(100),
  kind: DeviceKindSchema,
  focused: z.boolean().default(false),
  /** Highest ledger seq the client has applied; the room backfills from there (P8). Omit on first connect. */
  lastEventSeq: z.number().int().min(0).optional(),
  /** The streaming turn the client already has tokens of, and the last seq it has (C5). */
  resume: z.strictObject({ turnId: z.string().max(128), seq: z.number().int().min(-1) }).optional(),
});

export const ClientFrameSchema = z.discriminatedUnion("type", [
  HelloFrameSchema,
  z.strictObject({ type: z.literal("ping"), rid: rid.optional() }),
  z.strictObject({ type: z.literal("focus"), rid: rid.optional(), focused: z.boolean() }),
  z.strictObject({ type: z.literal("task"), rid: rid.optional(), command: TaskActionSchema }),
  z.strictObject({ type: z.literal("note"), rid: rid.optional(), command: NoteActionSchema }),
  z.strictObject({ type: z.literal("undo"), rid: rid.optional(), command: UndoTurnSchema }),
  z.strictObject({ type: z.literal("memory.pin"), rid: rid.optional(), command: MemoryPinSchema }),
  z.strictObject({ type: z.literal("preferences.update"), rid: rid.optional(), command: PreferencesUpdateSchema }),
  z.strictObject({ type: z.literal("message.send"), rid: rid.optional(), command: MessageSendSchema }),
  z.strictObject({ type: z.literal("reminder.set"), rid: rid.optional(), command: ReminderSetSchema }),
  z.strictObject({ type: z.literal("reminder.snooze"), rid: rid.optional(), reminderId: z.string().min(1).max(128), command: ReminderSnoozeSchema }),
  z.strictObject({ type: z.literal("reminder.dismiss"), rid: rid.optional(), reminderId: z.string().min(1).max(128) }),
  z.strictObject({ type: z.literal("notification.ack"), rid: rid.optional(), notificationId: z.string().min(1).max(128) }),
  z.strictObject({ type: z.literal("plan.item"), rid: rid.optional(), command: PlanItemActionSchema }),
  z.strictObject({ type: z.literal("turn.stop"), rid: rid.optional(), turnId: z.string().min(1).max(128) }),
  z.strictObject({ type: z.literal("proposal.confirm"), rid: rid.optional(), proposalId: z.string().min(1).max(128) }),
  z.strictObject({ type: z.literal("proposal.reject"), rid: rid.optional(), proposalId: z.string().min(1).max(128) }),
  z.strictObject({
    type: z.literal("events.backfill"),
    rid: rid.optional(),
    since: z.number().int().min(0),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type HelloFrame = z.infer<typeof HelloFrameSchema>;

/** Projection state sent instead of events when a client is too far behind (P8). */
export const SnapshotSchema = z.strictObject({
  memories: z.array(MemorySchema),
  preferences: PreferencesSchema,
  recentMessages: z.array(MessageSchema),
  lastEventSeq: z.number().int().min(0),
});

export type ServerFrame =
  | { type: "welcome"; v: number; rid?: string; userId: string; connectionId: string; lastEventSeq: number }
  | { type: "events"; rid?: string; events: z.infer<typeof LedgerEventSchema>[]; lastEventSeq: number; hasMore: boolean }
  | { type: "snapshot"; rid?: string; snapshot: z.infer<typeof SnapshotSchema> }
  | { type: "event"; event: z.infer<typeof LedgerEventSchema> }
  | { type: "presence"; devices: z.infer<typeof DeviceSchema>[] }
  | { type: "ack"; rid: string; result: unknown; duplicate: boolean; seq: number }
  | { type: "pong"; rid?: string; ts: string }
  | { type: "error"; rid?: string; requestId: string; code: ErrorCode; message: string; retryAfter?: number }
  | { type: "notification"; notification: Notification }
  | { type: "notification.cleared"; notificationId: string }
  | { type: "plan.available"; date: string; plan: Plan }
  | LlmFrame;

/** Parses a JSON frame the room sent, for clients (web, tests). Unknown types are rejected. */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("welcome"), v: z.number(), rid: z.string().optional(), userId: z.string(), connectionId: z.string(), lastEventSeq: z.number() }),
  // Events stay envelopes here: a client skips those it cannot read (`parseLedgerEvent`), not the whole frame (L10).
  z.object({ type: z.literal("events"), rid: z.string().optional(), events: z.array(EventEnvelopeSchema), lastEventSeq: z.number(), hasMore: z.boolean() }),
  z.object({ type: z.literal("snapshot"), rid: z.string().optional(), snapshot: SnapshotSchema }),
  z.object({ type: z.literal("event"), event: EventEnvelopeSchema }),
  z.object({ type: z.literal("presence"), devices: z.array(DeviceSchema) }),
  z.object({ type: z.literal("ack"), rid: z.string(), result: z.unknown(), duplicate: z.boolean(), seq: z.number() }),
  z.object({ type: z.literal("pong"), rid: z.string().optional(), ts: z.string() }),
  z.object({ type: z.literal("notification"), notification: NotificationSchema }),
  z.object({ type: z.literal("notification.cleared"), notificationId: z.string() }),
  z.object({ type: z.literal("plan.available"), date: z.string(), plan: PlanSchema }),
  z.object({ type: z.literal("llm.token"), turnId: z.string(), seq: z.number(), token: z.string() }),
  z.object({ type: z.literal("llm.action"), turnId: z.string(), action: z.object({ id: z.string(), tool: z.string(), status: z.string(), summary: z.string(), proposalId: z.string().optional(), expiresAt: z.string().optional() }) }),
  z.object({ type: z.literal("llm.completed"), turnId: z.string(), messageId: z.string(), text: z.string() }),
  z.object({ type: z.literal("llm.interrupted"), turnId: z.string(), text: z.string(), reason: z.string() }),
  z.object({ type: z.literal("llm.failed"), turnId: z.string(), code: z.string(), message: z.string(), retryAfter: z.number().optional() }),
  z.object({
    type: z.literal("error"),
    rid: z.string().optional(),
    requestId: z.string(),
    code: z.string(),
    message: z.string(),
    retryAfter: z.number().optional(),
  }),
]);

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
    const candidate = (json as { rid?: unknown } | null)?.rid;
    const echo = typeof candidate === "string" && candidate.length <= 128 ? candidate : undefined;
    // P2: a hello from another protocol version may carry fields this one does not know; still a hello.
    const hello = json as { type?: unknown; v?: unknown } | null;
    const helloVersion = hello?.type === "hello" && typeof hello.v === "number" ? hello.v : undefined;
    return { ok: false, code: "invalid_request", message: z.prettifyError(parsed.error), rid: echo, helloVersion };
  }
  return { ok: true, frame: parsed.data };
}
