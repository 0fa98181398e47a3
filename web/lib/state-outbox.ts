/**
 * The chat outbox of this browser (docs/PROTOCOL.md W12, W13): messages kept
 * in localStorage per user until the room acknowledges them, each with its
 * client action id, so a reload or a reconnect sends it again and the room
 * applies it once (C2, G2).
 */
import { z } from "zod";
import type { ClientFrameInput } from "../../shared/protocol.ts";
import { outboxKeyOf, signedIn } from "./local-user.ts";

/** A chat message waiting in the outbox (kept in localStorage, so read back through this schema). */
const OutgoingSchema = z.object({
  text: z.string(),
  clientActionId: z.string(),
  createdAt: z.string(),
  /** Refused for good (too long, invalid): the room's sentence; kept so the user can retry or drop it (W12). */
  failed: z.string().optional(),
  /** Rate-limited: not sent again before this time (ms since the epoch, P12). */
  retryAt: z.number().optional(),
  /** W90, W93: the thread it goes to, the message it follows, the message it edits. */
  conversationId: z.string().optional(),
  parentId: z.string().optional(),
  editOf: z.string().optional(),
  /** W118: a message the browser's speech recognition heard; absent: typed (`chat`). */
  channel: z.literal("voice").optional(),
});
export type Outgoing = z.infer<typeof OutgoingSchema>;
/** A message the room accepted (its ack), with the client action id it was sent under. */
export type Sent = { clientActionId: string; messageId: string; turnId: string; text: string; createdAt: string; conversationId?: string; parentId?: string; editOf?: string };
/** One outbox per user: a message queued by Alice is never sent as Bob. */
export const outboxKey = () => outboxKeyOf(signedIn()?.userId ?? "anonymous");

export const readOutbox = (): Outgoing[] => {
  try {
    const parsed = z.array(OutgoingSchema).safeParse(JSON.parse(localStorage.getItem(outboxKey()) ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
};

export const writeOutbox = (items: Outgoing[]) => localStorage.setItem(outboxKey(), JSON.stringify(items));


/** The outbox entry as the frame that sends it; its client action id is also its rid, so the ack or error names it. */
export const messageFrame = (m: Outgoing): ClientFrameInput => ({
  type: "message.send",
  rid: m.clientActionId,
  command: {
    text: m.text,
    channel: m.channel ?? "chat",
    clientActionId: m.clientActionId,
    ...(m.conversationId ? { conversationId: m.conversationId } : {}),
    // T13: an edit names the edited message; its parent is the room's to find (not both).
    ...(m.editOf ? { editOf: m.editOf } : m.parentId ? { parentId: m.parentId } : {}),
  },
});
