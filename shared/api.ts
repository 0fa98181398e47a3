/**
 * The bodies the HTTP API answers with (docs/PROTOCOL.md H1–H13, C1, C7, C8,
 * C12, S1–S9). The room builds values of these inferred types and clients parse
 * responses with the schemas (never `json as T`); error bodies are
 * `ErrorBodySchema` in `errors.ts`. Request bodies are the commands of
 * `commands.ts` and `chat.ts`.
 */
import { z } from "zod";
import { EventEnvelopeSchema } from "./events.ts";
import {
  DeviceSchema,
  KnownDeviceSchema,
  MemorySchema,
  MessageReadSchema,
  MessageSchema,
  NoteSchema,
  NotificationSchema,
  PlanSchema,
  PreferencesSchema,
  ReminderSchema,
  TaskReadSchema,
  TaskSchema,
} from "./domain.ts";
import { UndoKeptSchema, UndoRevertSchema } from "./undo.ts";
import { ProposalEntryReadSchema, ProposalEntrySchema } from "./proposal-entry.ts";
import { PushSubscriptionInfoSchema } from "./push.ts";
import { CalendarSourceInfoSchema } from "./calendar.ts";
import { ConversationReadSchema, ConversationSchema } from "./conversations.ts";
import { VoiceJobRecordSchema } from "./voice.ts";

/** A proposal of the assistant waiting for the user's confirmation (C8). */
export const PendingProposalSchema = z.strictObject({
  /** What `POST /api/v1/proposals/:id/confirm` and `…/reject` name. */
  id: z.string(),
  /** The turn that proposed it. */
  turnId: z.string(),
  /** The tool it would run, e.g. `delete_task`. */
  tool: z.string(),
  /** One line for people, as on its action card. */
  summary: z.string(),
  /** ISO date-time; after it, confirming is `409 conflict`. */
  expiresAt: z.iso.datetime(),
  /** A bulk proposal's entries, as on its card (C14). Optional; absent for one entry. */
  items: z.array(z.string()).optional(),
  /** B10: structured entries (goal, milestone, task, block, move) a confirm may pick from; older clients use `items`. */
  entries: z.array(ProposalEntrySchema).optional(),
});
export type PendingProposal = z.infer<typeof PendingProposalSchema>;
/** D40: as clients read it: fields they do not know are dropped. */
export const PendingProposalReadSchema = PendingProposalSchema.extend({ entries: z.array(ProposalEntryReadSchema).optional() }).strip();

/** Today's assistant usage against the daily budget (C13, G6); today is the user's local day. */
export const UsageSchema = z.strictObject({
  /** The local day counted, `YYYY-MM-DD`, in the preference zone (UTC days in ledgers written before local days). */
  day: z.iso.date(),
  /** Tokens charged today. */
  tokens: z.number().min(0),
  /** `LLM_DAILY_TOKEN_BUDGET`. */
  tokenBudget: z.number().min(0),
  /** Uses of each tool today, by tool name (capped by `TOOL_DAILY_CAP`; MCP tools, named `<server>__<tool>`, by `MCP_TOOL_DAILY_CAP`, M10). */
  tools: z.record(z.string(), z.number().int().min(0)),
  /** V19: seconds of voice (speech-to-text and speech) used today. Optional: older servers omit it. */
  voiceSeconds: z.number().min(0).optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Everything a client needs to render the user's brain: `GET /api/v1/state` (H9). */
export const BrainStateSchema = z.strictObject({
  userId: z.string(),
  /** In manual order (`order`, then `createdAt`); invalid entries of the document are skipped (D6). */
  tasks: z.array(TaskSchema),
  notes: z.array(NoteSchema),
  memories: z.array(MemorySchema),
  preferences: PreferencesSchema,
  /** The hot messages, oldest first (C12). */
  recentMessages: z.array(MessageSchema),
  /** Connected devices, as in P9. */
  devices: z.array(DeviceSchema),
  /**
   * Every device the room has met, connected or not, most recently seen first (P16). Optional: older
   * servers omit it; a client then names only connected devices.
   */
  knownDevices: z.array(KnownDeviceSchema).optional(),
  /** Reminders not dismissed, soonest first (S1). */
  reminders: z.array(ReminderSchema),
  /** Notifications not yet acknowledged: the inbox (S9). */
  notifications: z.array(NotificationSchema),
  /** The assistant's proposals still waiting for confirmation (C8). */
  proposals: z.array(PendingProposalSchema),
  /** Today's plan in the user's time zone, if any (S6). */
  plan: PlanSchema.nullable(),
  usage: UsageSchema,
  /** The latest ledger seq the state includes. */
  lastEventSeq: z.number().int().min(0),
  /** Assistant turns undone (D9), the latest 500: their replies show "Undone" and offer no Undo. */
  undoneTurns: z.array(z.string()),
  /** Devices that receive Web Push, oldest first (N3): no endpoint, no keys. Optional: older servers omit it. */
  pushSubscriptions: z.array(PushSubscriptionInfoSchema).optional(),
  /** Calendar sources, oldest first, without credentials (K3). Optional: older servers omit it. */
  calendarSources: z.array(CalendarSourceInfoSchema).optional(),
  /** T1: conversations, most recently updated first, archived ones too. Optional: older servers omit it. */
  conversations: z.array(ConversationSchema).optional(),
  /** V13: voice jobs, newest first, the latest 50. Optional: older servers omit it. */
  voiceJobs: z.array(VoiceJobRecordSchema).optional(),
  /** U17: the room's epoch (a new one after the account was erased). Optional: older servers omit it. */
  epoch: z.string().max(64).optional(),
});
export type BrainState = z.infer<typeof BrainStateSchema>;
/**
 * D40: the state as clients read it — a field a later server adds to the state, a task, a proposal,
 * an entry, a message or a card is dropped, not a reason to refuse the state. The room builds
 * `BrainState` against the strict schema above.
 */
export const BrainStateReadSchema = BrainStateSchema.extend({
  tasks: z.array(TaskReadSchema),
  recentMessages: z.array(MessageReadSchema),
  proposals: z.array(PendingProposalReadSchema),
  conversations: z.array(ConversationReadSchema).optional(),
}).strip();

/** `GET /api/v1/events` (H8, L7). */
export const EventsPageSchema = z.strictObject({
  /** The events after `since`, in seq order, at most `limit`. */
  /** Envelopes: a client skips a type it does not know (L10). */
  events: z.array(EventEnvelopeSchema),
  /** The room's latest seq; more pages follow while it is past the last event's. */
  lastEventSeq: z.number().int().min(0),
});
export type EventsPage = z.infer<typeof EventsPageSchema>;

/** `GET /api/v1/messages` (C12). */
export const HistoryPageSchema = z.strictObject({
  /** Newest first. */
  messages: z.array(MessageSchema),
  /** The cursor for the next (older) page as `before`; null on the last page. */
  nextBefore: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;
/** D40: a page as clients read it (unknown fields of messages and cards dropped). */
export const HistoryPageReadSchema = HistoryPageSchema.extend({ messages: z.array(MessageReadSchema) }).strip();

/** `POST /api/v1/socket/ticket` (A3, A4). */
export const TicketSchema = z.strictObject({
  /** Single use: `?ticket=` on the socket's URL. */
  ticket: z.string(),
  /** ISO date-time, 60 s after issue. */
  expiresAt: z.iso.datetime(),
  /** Where to open the socket: `/api/v1/socket`. */
  path: z.string(),
  /** U17: the room's epoch; the socket's `&epoch=` names it. Optional: older servers omit it. */
  epoch: z.string().max(64).optional(),
});
export type Ticket = z.infer<typeof TicketSchema>;

/** `POST /api/v1/dev/login`, development only (A5). */
export const DevSessionSchema = z.strictObject({
  /** A bearer token (HS256, 12 h). */
  token: z.string(),
  userId: z.string(),
});
export type DevSession = z.infer<typeof DevSessionSchema>;

/** `POST /api/v1/undo` (H12, D9, D18). */
export const UndoneSchema = z.strictObject({
  turnId: z.string(),
  /** How many changes of the turn were reverted. */
  steps: z.number().int().min(0),
  /** What was changed back. */
  reverted: z.array(UndoRevertSchema),
  /** What was left because someone built on it since, and why. */
  kept: z.array(UndoKeptSchema),
  /** One sentence for people: `Undone: removed “…”. Kept “…” because you edited it.` */
  message: z.string(),
});
export type Undone = z.infer<typeof UndoneSchema>;

/** `POST /api/v1/turns/:turnId/stop` (C7). */
export const TurnStoppedSchema = z.strictObject({
  turnId: z.string(),
  /** `stopping` for the streaming turn (its `llm.interrupted` follows), `interrupted` for a queued one. */
  status: z.enum(["stopping", "interrupted"]),
});
export type TurnStopped = z.infer<typeof TurnStoppedSchema>;

/** `POST /api/v1/proposals/:id/confirm` (C8). */
export const ProposalConfirmedSchema = z.strictObject({
  proposalId: z.string(),
  /** What the proposed command returns (e.g. the deleted task). */
  result: z.unknown(),
});
export type ProposalConfirmed = z.infer<typeof ProposalConfirmedSchema>;

/** `POST /api/v1/proposals/:id/reject` (C8). */
export const ProposalRejectedSchema = z.strictObject({ proposalId: z.string() });
export type ProposalRejected = z.infer<typeof ProposalRejectedSchema>;
