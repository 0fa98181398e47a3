/**
 * Chat schemas shared by the room and clients (docs/PROTOCOL.md C1–C14).
 * The room → client frames of a turn are zod schemas; their types are
 * inferred, so what the room builds and what clients parse cannot drift.
 */
import { z } from "zod";
import { type ActionCard, ActionCardReadSchema, ActionCardSchema } from "./action-card.ts";
import { ClientActionIdSchema } from "./commands.ts";
import { LIMITS } from "./domain.ts";
import { plainText } from "./text.ts";

export const MAX_MESSAGE_CHARS = 4_000;

export const MessageSendSchema = z.strictObject({
  text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).check(plainText),
  channel: z.enum(["chat", "voice", "command"]).default("chat"),
  clientActionId: ClientActionIdSchema.optional(),
  /** Ids of tasks or notes the user points at; given to the assistant as data. */
  contextIds: z.array(z.string().min(1).max(LIMITS.id)).max(20).optional(),
  /** T10: the conversation (default `main`); unknown → `not_found`. */
  conversationId: z.string().min(1).max(LIMITS.id).optional(),
  /** T11: the message it follows (the end of the branch on screen); default: the conversation's newest message. */
  parentId: z.string().min(1).max(LIMITS.id).optional(),
  /** T13: the user message this edits: the new message becomes its sibling (its parent is the edited one's). Not with `parentId`. */
  editOf: z.string().min(1).max(LIMITS.id).optional(),
});
export type MessageSend = z.infer<typeof MessageSendSchema>;

/** The answer to an accepted message (C1): the HTTP 202 body and the socket ack's `result`. */
export const AcceptedSchema = z.strictObject({
  status: z.literal("accepted"),
  /** Id of the user's message, stored before the model is called. */
  messageId: z.string(),
  /** The turn that answers it; names the `llm.*` frames of its reply. */
  turnId: z.string(),
  /** `/api/v1/stream/<turnId>`: the same frames as server-sent events (C11). */
  streamUrl: z.string(),
});
export type Accepted = z.infer<typeof AcceptedSchema>;

/** Action cards live in `action-card.ts` (a stored message carries them, C16); re-exported for the frames below. */
export { type ActionCard, ActionCardSchema, ActionStatusSchema } from "./action-card.ts";
/** The card's earlier name; engine and proposals still import it (drop once every branch uses `ActionCard`). */
export type ActionCardFrame = ActionCard;

/** Why a turn ended early (C3, C6, C7). */
export const InterruptReasonSchema = z.enum(["stopped", "restart", "timeout"]);

/** Room → client frames of a turn (C3). Also the SSE events of `GET /api/v1/stream/:turnId` (C11). */
export const LlmFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("llm.token"),
    turnId: z.string(),
    /** Counts from 0 within the turn; a client that resumes skips the seqs it has (C5). */
    seq: z.number().int().min(0),
    token: z.string(),
  }),
  z.strictObject({ type: z.literal("llm.action"), turnId: z.string(), action: ActionCardSchema }),
  z.strictObject({
    type: z.literal("llm.completed"),
    turnId: z.string(),
    /** The assistant's stored message (a `message.added` event). */
    messageId: z.string(),
    /** The whole reply; replaces the streamed tokens. */
    text: z.string(),
  }),
  z.strictObject({
    type: z.literal("llm.interrupted"),
    turnId: z.string(),
    /** The reply up to the interruption (may be empty). */
    text: z.string(),
    reason: InterruptReasonSchema,
  }),
  z.strictObject({
    type: z.literal("llm.failed"),
    turnId: z.string(),
    /**
     * For programs: `provider_error`, `timeout`, `rate_limited` (budget), `misconfigured`,
     * `internal`, `failed`. Open on purpose: clients show `message` and need not know every code.
     */
    code: z.string(),
    /** For people; says the user's message is saved (C7). */
    message: z.string(),
    /** Seconds until the budget allows another turn; only with `rate_limited`. */
    retryAfter: z.number().optional(),
  }),
]);
export type LlmFrame = z.infer<typeof LlmFrameSchema>;
/** D40: an `llm.action` frame as clients read it: unknown fields of the card (and its entries) dropped. */
export const LlmActionReadSchema = z.strictObject({ type: z.literal("llm.action"), turnId: z.string(), action: ActionCardReadSchema });
