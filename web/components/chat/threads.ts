/**
 * Plain helpers of the thread view (docs/PROTOCOL.md W90, W92–W94), tested in
 * Node (tests/unit/web-threads.test.ts): a thread deleted elsewhere, the one
 * empty "New chat" listed, the branch choices kept over a reload, the
 * regenerate frame.
 */
import { z } from "zod";
import { type Conversation, DEFAULT_CONVERSATION_ID, listConversations, UNTITLED_CONVERSATION } from "../../../shared/conversations.ts";
import type { ClientFrameInput } from "../../../shared/protocol.ts";

/** W90: the thread on screen no longer exists (deleted on another device): the view falls back to `main`. */
export const isGone = (conversationId: string, conversations: readonly Conversation[]): boolean =>
  conversationId !== DEFAULT_CONVERSATION_ID && !conversations.some((c) => c.id === conversationId);

/** Threads this tab deleted itself: it says "Deleted …", not "This chat was deleted" (the other devices do). */
export const deletedHere = new Set<string>();

/** W90: a thread created here is in the list (and not "gone") before its `conversation.created` event arrives. */
export function withCreated(conversations: readonly Conversation[] | undefined, made: Conversation): Conversation[] {
  const byId = Object.fromEntries((conversations ?? []).map((c) => [c.id, c]));
  return listConversations({ ...byId, [made.id]: byId[made.id] ?? made });
}

/**
 * W90: untitled threads without messages are one "New chat" (the room hands back the empty one on create): only
 * the newest of them is listed, or the one on screen. `hasMessages` says which threads this device knows to
 * hold messages (a thread whose `updatedAt` moved past its creation has had one, T1).
 */
export function oneEmptyNewChat(conversations: readonly Conversation[], current: string, hasMessages: (id: string) => boolean): Conversation[] {
  const empty = (c: Conversation) => c.id !== DEFAULT_CONVERSATION_ID && !c.archived && c.title === UNTITLED_CONVERSATION && c.updatedAt === c.createdAt && !hasMessages(c.id);
  const candidates = conversations.filter(empty);
  if (candidates.length <= 1) return [...conversations];
  const kept = candidates.find((c) => c.id === current) ?? candidates.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  return conversations.filter((c) => !empty(c) || c.id === kept.id);
}

/** W92: the sibling chosen at each fork of a thread, kept in sessionStorage so a reload shows the same branch. */
const CHOICES_PREFIX = "micro-cos:branch-choices:";
const MAX_CHOICES = 200;
const ChoicesSchema = z.array(z.tuple([z.string().max(200), z.string().max(200)])).max(MAX_CHOICES);
type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function readChoices(storage: KeyValueStore | undefined, conversationId: string): Map<string, string> {
  try {
    const raw = storage?.getItem(CHOICES_PREFIX + conversationId);
    if (!raw || raw.length > 100_000) return new Map();
    const parsed = ChoicesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? new Map(parsed.data) : new Map();
  } catch {
    // Storage refused (private mode) or a value not ours: the newest branches show.
    return new Map();
  }
}

export function writeChoices(storage: KeyValueStore | undefined, conversationId: string, choices: ReadonlyMap<string, string>): void {
  try {
    // The latest choices win when there are too many; "" (newest at that fork) is not worth keeping.
    const entries = [...choices].filter(([, id]) => id !== "").slice(-MAX_CHOICES);
    if (entries.length === 0) storage?.removeItem(CHOICES_PREFIX + conversationId);
    else storage?.setItem(CHOICES_PREFIX + conversationId, JSON.stringify(entries));
  } catch {
    // Full or refused storage: the choice lives for this view only.
  }
}

/** W93: regenerate over the socket, beside messages (T12): acked with C1's `Accepted`, its rid the client action id. */
export const regenerateFrame = (messageId: string, clientActionId: string): ClientFrameInput => ({
  type: "message.regenerate",
  rid: clientActionId,
  command: { messageId, clientActionId },
});

/** W93: a regenerate asked with no connection at all: the user is told to try again once connected (not an error). */
export class OfflineError extends Error {
  constructor() {
    super("You're offline — try again when connected");
    this.name = "OfflineError";
  }
}
