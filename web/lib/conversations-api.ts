/**
 * Typed calls for threads and branches (docs/PROTOCOL.md T1–T14, W90–W95):
 * every response parsed with its schema, read loosely (D40: fields a later
 * server adds are dropped).
 */
import { z } from "zod";
import { HistoryPageReadSchema, PendingProposalReadSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { type ConversationCreate, type ConversationPatch, ConversationReadSchema } from "../../shared/conversations.ts";
import { call } from "./api.ts";

/** T6: a small conversation is deleted at once; a bigger one becomes a proposal the user confirms. */
const DeletedSchema = z.union([z.object({ deleted: z.literal(true) }), z.object({ proposal: PendingProposalReadSchema })]);
export type Deleted = z.infer<typeof DeletedSchema>;

const path = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;
/** A client action id: a retried request is applied once (L3); create and patch carry it in the body too. */
const newActionId = () => `web-${crypto.randomUUID()}`;

export const conversationsApi = {
  create: (input: ConversationCreate) => {
    const body = { ...input, clientActionId: input.clientActionId ?? newActionId() };
    return call(ConversationReadSchema, "POST", "/api/v1/conversations", body, body.clientActionId);
  },
  patch: (id: string, input: ConversationPatch) => {
    const body = { ...input, clientActionId: input.clientActionId ?? newActionId() };
    return call(ConversationReadSchema, "PATCH", path(id), body, body.clientActionId);
  },
  /** W94: a DELETE has no body: its Idempotency-Key makes a retried delete (or its proposal) happen once. */
  remove: (id: string, clientActionId: string = newActionId()) => call(DeletedSchema, "DELETE", path(id), undefined, clientActionId),
  /** T4: a page of the conversation's messages, newest first, every branch. */
  messages: (id: string, before?: string, limit = 50) => call(HistoryPageReadSchema, "GET", `${path(id)}/messages?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ""}`),
  /** T12: answer a user message again (or the question of a reply): a new turn, its reply a sibling. */
  regenerate: (messageId: string, clientActionId: string) => call(AcceptedSchema.strip(), "POST", `/api/v1/messages/${encodeURIComponent(messageId)}/regenerate`, { clientActionId }, clientActionId),
};
