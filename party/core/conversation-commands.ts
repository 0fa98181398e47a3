/**
 * Planning the conversation commands (docs/PROTOCOL.md T1–T6): create, rename
 * or archive, delete. Each is one ledger event the projection folds
 * (`conversations` in the state); a delete also removes the conversation's
 * text from storage, in the same transaction as its event (T7).
 */
import { v7 as uuidv7 } from "uuid";
import type { Command } from "../../shared/commands.ts";
import { type Conversation, DEFAULT_CONVERSATION_ID, DEFAULT_CONVERSATION_TITLE, UNTITLED_CONVERSATION } from "../../shared/conversations.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { NewEventBody } from "../../shared/events.ts";
import { CONTROL_CHARS, clipText, textProblem } from "../../shared/text.ts";
import type { Projection } from "./projections.ts";

/** What the conversation commands ask of the chat's storage (party/chat/conversations.ts). */
export type ConversationStorePort = {
  /** Messages the conversation holds, hot and archived, every branch. */
  count(conversationId: string): number;
  /** T7: removes the conversation's messages from the index and the archive, and their text from the ledger. */
  purge(conversationId: string): void;
};

/** T17: the most conversations a room holds, archived ones included (`main` before its first message is not one). */
export const MAX_CONVERSATIONS = 1_000;

export type ConversationPlan = NewEventBody & { result: unknown; also?: () => void };

/** T10: `main` exists before its first message; every other conversation once created and until deleted. */
export function findConversation(state: Projection, conversationId: string): Conversation | null {
  // Own keys only: "constructor" or "toString" is no conversation (a prototype's member is not one).
  const known = state.conversations && Object.hasOwn(state.conversations, conversationId) ? state.conversations[conversationId] : undefined;
  if (known) return known;
  if (conversationId !== DEFAULT_CONVERSATION_ID) return null;
  const at = state.recentMessages[0]?.createdAt ?? new Date(0).toISOString();
  return { id: DEFAULT_CONVERSATION_ID, title: DEFAULT_CONVERSATION_TITLE, createdAt: at, updatedAt: at, archived: false };
}

/** T18: an unarchived conversation still titled "New chat" that holds no message, if any. */
function emptyUntitled(state: Projection, store: ConversationStorePort | undefined): Conversation | null {
  if (!store) return null;
  for (const conversation of Object.values(state.conversations ?? {})) {
    if (conversation.title === UNTITLED_CONVERSATION && !conversation.archived && store.count(conversation.id) === 0) return conversation;
  }
  return null;
}

/** T19: how long an automatic title is at most, and of how many of the first message's words. */
export const AUTO_TITLE_MAX = 60;
const AUTO_TITLE_WORDS = 6;

/**
 * T19: a conversation still titled "New chat" is named after the user message it gets — its first words,
 * like ChatGPT — by a `conversation.updated` of the system; a title the user set is never replaced.
 */
export function autoTitle(state: Projection, conversationId: string, text: string, now: string): Extract<NewEventBody, { type: "conversation.updated" }> | null {
  const current = findConversation(state, conversationId);
  if (!current || current.title !== UNTITLED_CONVERSATION) return null;
  const words = text.replace(CONTROL_CHARS, " ").trim().split(/\s+/).slice(0, AUTO_TITLE_WORDS).join(" ");
  const title = words.length > AUTO_TITLE_MAX ? `${clipText(words, AUTO_TITLE_MAX - 1).trimEnd()}…` : words;
  if (title === "" || textProblem(title) !== null) return null;
  return { type: "conversation.updated", payload: { conversationId, title, updatedAt: now } };
}

type ConversationCommand = Extract<Command, { kind: "conversation.create" | "conversation.update" | "conversation.delete" }>;

export function planConversation(
  deps: { state: Projection; now: string; store?: ConversationStorePort | undefined },
  command: ConversationCommand,
): Result<ConversationPlan> {
  const { state, now } = deps;
  switch (command.kind) {
    case "conversation.create": {
      // T18: "New chat" clicked again while an untitled one is still empty opens that one (touched: it lists first).
      const blank = command.id === undefined && (command.title ?? UNTITLED_CONVERSATION) === UNTITLED_CONVERSATION ? emptyUntitled(state, deps.store) : null;
      if (blank) {
        return ok({ type: "conversation.updated", payload: { conversationId: blank.id, updatedAt: now }, result: { ...blank, updatedAt: now } });
      }
      const held = Object.keys(state.conversations ?? {}).length;
      if (held >= MAX_CONVERSATIONS) return fail("conflict", `at most ${MAX_CONVERSATIONS} conversations; delete some to start a new one`);
      const id = command.id ?? uuidv7();
      if (findConversation(state, id)) return fail("conflict", `conversation ${id} already exists`);
      const conversation: Conversation = { id, title: command.title ?? UNTITLED_CONVERSATION, createdAt: now, updatedAt: now, archived: false };
      return ok({ type: "conversation.created", payload: { conversation }, result: conversation });
    }
    case "conversation.update": {
      const current = findConversation(state, command.conversationId);
      if (!current) return fail("not_found", `conversation ${command.conversationId} does not exist`);
      if (command.title === undefined && command.archived === undefined) return fail("invalid_request", "send title or archived");
      const { conversationId, title, archived } = command;
      const result: Conversation = { ...current, ...(title !== undefined ? { title } : {}), ...(archived !== undefined ? { archived } : {}), updatedAt: now };
      return ok({
        type: "conversation.updated",
        payload: { conversationId, ...(title !== undefined ? { title } : {}), ...(archived !== undefined ? { archived } : {}), updatedAt: now },
        result,
      });
    }
    case "conversation.delete": {
      const current = findConversation(state, command.conversationId);
      if (!current) return fail("not_found", `conversation ${command.conversationId} does not exist`);
      const messages = deps.store?.count(current.id) ?? 0;
      const store = deps.store;
      return ok({
        type: "conversation.deleted",
        payload: { conversationId: current.id, messages },
        result: { deleted: true, conversationId: current.id, messages },
        ...(store ? { also: () => store.purge(current.id) } : {}),
      });
    }
    default: {
      const unknown: never = command;
      throw new Error(`unhandled conversation command ${JSON.stringify(unknown)}`);
    }
  }
}
