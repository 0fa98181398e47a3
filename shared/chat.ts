/**
 * Chat schemas shared by the room and clients (docs/PROTOCOL.md C1–C14).
 */
import { z } from "zod";
import { ClientActionIdSchema } from "./commands.ts";
import { LIMITS } from "./domain.ts";

export const MAX_MESSAGE_CHARS = 4_000;

export const MessageSendSchema = z.strictObject({
  text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  channel: z.enum(["chat", "voice", "command"]).default("chat"),
  clientActionId: ClientActionIdSchema.optional(),
  /** Ids of tasks or notes the user points at; given to the assistant as data. */
  contextIds: z.array(z.string().min(1).max(LIMITS.id)).max(20).optional(),
  conversationId: z.string().min(1).max(LIMITS.id).optional(),
});
export type MessageSend = z.infer<typeof MessageSendSchema>;

/** The answer to an accepted message (HTTP 202 body, socket ack result). */
export type Accepted = { status: "accepted"; messageId: string; turnId: string; streamUrl: string };

/** An action card: what the assistant did or proposes to do. */
export type ActionCardFrame = {
  id: string;
  tool: string;
  status: "done" | "proposed" | "failed" | "confirmed" | "rejected" | "expired";
  summary: string;
  proposalId?: string;
  expiresAt?: string;
};

/** Room → client frames of a turn. Also the SSE events of GET /api/v1/stream/:turnId. */
export type LlmFrame =
  | { type: "llm.token"; turnId: string; seq: number; token: string }
  | { type: "llm.action"; turnId: string; action: ActionCardFrame }
  | { type: "llm.completed"; turnId: string; messageId: string; text: string }
  | { type: "llm.interrupted"; turnId: string; text: string; reason: "stopped" | "restart" | "timeout" }
  | { type: "llm.failed"; turnId: string; code: string; message: string; retryAfter?: number };
