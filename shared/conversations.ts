/**
 * Conversations (threads) and their branches (docs/PROTOCOL.md T1–T29).
 *
 * A conversation is a ledger-backed list entry (`conversation.*` events,
 * projected into `conversations`); its messages are `message.added` events
 * whose message names it (`conversationId`; absent means the default
 * conversation `main`, where every message before threads lives).
 *
 * Branches: a message names the message it follows (`parentId`; `null` for
 * the first of its conversation; absent on messages stored before branches,
 * which follow the previous message of their conversation). Editing a sent
 * message adds a sibling (same parent, `editOf` naming the edited one);
 * regenerating a reply runs a new turn for the same user message, whose reply
 * is a sibling of the earlier reply. Nothing is replaced: every branch stays.
 */
import { z } from "zod";
import { ClientActionIdSchema } from "./commands.ts";
import { LIMITS } from "./domain.ts";
import { plainText } from "./text.ts";

/** The conversation of every message that names none (all messages stored before threads). */
export const DEFAULT_CONVERSATION_ID = "main";
/** The default conversation's title until the user renames it. */
export const DEFAULT_CONVERSATION_TITLE = "Chat";
/** A new conversation's title when none is given. */
export const UNTITLED_CONVERSATION = "New chat";
/** T6: deleting a conversation with more messages than this is a proposal the user confirms. */
export const DELETE_WITHOUT_CONFIRM_MAX_MESSAGES = 3;
export const CONVERSATION_TITLE_MAX = 120;
/** T7: what a deleted conversation's messages (and notifications quoting them) say where their text was. */
export const CONVERSATION_DELETED_TEXT = "[removed: conversation deleted]";

const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "a conversation id is 1–64 of A-Z a-z 0-9 and -");
const TitleSchema = z.string().trim().min(1).max(CONVERSATION_TITLE_MAX).check(plainText);

export const ConversationSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  /** ISO date-time: its creation, or the first message of `main`. */
  createdAt: z.iso.datetime(),
  /** ISO date-time: the latest rename, archive or message. */
  updatedAt: z.iso.datetime(),
  archived: z.boolean(),
});
export type Conversation = z.infer<typeof ConversationSchema>;
/** D40: as clients read it (fields they do not know dropped). */
export const ConversationReadSchema = ConversationSchema.strip();

/** `POST /api/v1/conversations` (T2). */
export const ConversationCreateSchema = z.strictObject({
  title: TitleSchema.optional(),
  /** Optional: the client may name the conversation (so an offline device can send into it at once). */
  id: ConversationIdSchema.optional(),
  clientActionId: ClientActionIdSchema.optional(),
});
export type ConversationCreate = z.infer<typeof ConversationCreateSchema>;

/** `PATCH /api/v1/conversations/:id` (T3): at least one of title and archived. */
export const ConversationPatchSchema = z
  .strictObject({
    title: TitleSchema.optional(),
    archived: z.boolean().optional(),
    clientActionId: ClientActionIdSchema.optional(),
  })
  .refine((p) => p.title !== undefined || p.archived !== undefined, "send title or archived");
export type ConversationPatch = z.infer<typeof ConversationPatchSchema>;

/** `GET /api/v1/conversations` (T1): most recently updated first. */
export const ConversationsPageSchema = z.strictObject({ conversations: z.array(ConversationSchema) });
export const ConversationsPageReadSchema = z.object({ conversations: z.array(ConversationReadSchema) });

/** `POST /api/v1/messages/:messageId/regenerate` and the socket's `message.regenerate` (T12). */
export const MessageRegenerateSchema = z.strictObject({
  /** The user's message to answer again, or the reply to replace with a sibling (its question is answered again). */
  messageId: z.string().min(1).max(LIMITS.id),
  clientActionId: ClientActionIdSchema.optional(),
});
export type MessageRegenerate = z.infer<typeof MessageRegenerateSchema>;

export const conversationOf = (message: { conversationId?: string | undefined }): string => message.conversationId ?? DEFAULT_CONVERSATION_ID;

/** T1: the list order of the API and the state: most recently updated first, then by id. */
export const listConversations = (byId: Record<string, Conversation> | undefined): Conversation[] =>
  Object.values(byId ?? {}).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
