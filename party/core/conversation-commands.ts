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
import type { Projection } from "./projections.ts";

/** What the conversation commands ask of the chat's storage (party/chat/conversations.ts). */
export type ConversationStorePort = {
  /** Messages the conversation holds, hot and archived, every branch. */
  count(conversationId: string): number;
  /** T7: removes the conversation's messages from the index and the archive, and their text from the ledger. */
  purge(conversationId: string): void;
};

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

type ConversationCommand = Extract<Command, { kind: "conversation.create" | "conversation.update" | "conversation.delete" }>;

export function planConversation(
  deps: { state: Projection; now: string; store?: ConversationStorePort | undefined },
  command: ConversationCommand,
): Result<ConversationPlan> {
  const { state, now } = deps;
  switch (command.kind) {
    case "conversation.create": {
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
