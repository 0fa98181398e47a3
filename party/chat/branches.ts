/**
 * Branches of a conversation (docs/PROTOCOL.md T11–T15): the path a message
 * sits on, which is a turn's context, and regenerating a reply — a new turn
 * for the same user message, whose reply becomes a sibling of the earlier
 * ones. Nothing is replaced: the ledger keeps every branch.
 */
import { type Accepted, AcceptedSchema } from "../../shared/chat.ts";
import { conversationOf, DEFAULT_CONVERSATION_ID, type MessageRegenerate } from "../../shared/conversations.ts";
import type { Actor, Message } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { AcceptDeps } from "./accept.ts";
import type { ConversationIndex } from "./conversations.ts";

/**
 * T14: the messages from the start of the branch down to `messageId`, oldest
 * first: each one's parent, up to the first message of its conversation.
 * A message stored before branches (no `parentId`) follows the previous
 * message of its conversation in `messages` (oldest first). Bounded by
 * `messages` (the hot ones): a path that leaves them ends there.
 */
export function branchPath(messages: readonly Message[], messageId: string): Message[] {
  const byId = new Map<string, Message>();
  const previous = new Map<string, string | null>();
  const lastOf = new Map<string, string>();
  for (const m of messages) {
    byId.set(m.id, m);
    const conversation = conversationOf(m);
    previous.set(m.id, lastOf.get(conversation) ?? null);
    lastOf.set(conversation, m.id);
  }
  const path: Message[] = [];
  const seen = new Set<string>();
  let at = byId.get(messageId);
  const conversation = at ? conversationOf(at) : DEFAULT_CONVERSATION_ID;
  while (at && !seen.has(at.id) && conversationOf(at) === conversation) {
    seen.add(at.id);
    path.push(at);
    const parent = at.parentId !== undefined ? at.parentId : (previous.get(at.id) ?? null);
    at = parent === null ? undefined : byId.get(parent);
  }
  return path.reverse();
}

export type RegenerateDeps = AcceptDeps & { index: ConversationIndex; turnQuestion: (turnId: string) => string | null };

/**
 * T12: accepts a regenerate like a message (C1, C2, C13): idempotent by client
 * action id, counted by the per-minute limit, stored (`turn.regenerated` and
 * a queued turn) before any model call. `messageId` names the user's message,
 * or a reply (its question is answered again).
 */
export function acceptRegenerate(deps: RegenerateDeps, input: MessageRegenerate, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
  const { clientActionId, messageId } = input;
  const request = JSON.stringify({ kind: "message.regenerate", messageId });
  if (clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(clientActionId, request);
    if (prior.status === "conflict") return fail("conflict", `clientActionId ${clientActionId} was already used for a different request`);
    if (prior.status === "duplicate") return ok({ ...AcceptedSchema.parse(prior.recorded.result), duplicate: true });
  }
  const now = deps.now();
  const named = deps.index.message(messageId, now);
  if (!named) return fail("not_found", `message ${messageId} does not exist`);
  const questionId = named.role === "user" ? named.id : named.turnId ? deps.turnQuestion(named.turnId) : null;
  const question = questionId === null ? null : deps.index.entry(questionId);
  if (!question) return fail("invalid_request", `message ${messageId} answers no message of yours`);
  const recent = deps.store.recentUserMessages(now);
  if (recent.count >= deps.limits.messagesPerMinute) {
    return fail("rate_limited", `at most ${deps.limits.messagesPerMinute} messages a minute`, recent.retryAfter);
  }
  const turnId = deps.newId();
  const accepted: Accepted = { status: "accepted", messageId: question.id, turnId, streamUrl: `/api/v1/stream/${turnId}` };
  const conversation = question.conversationId === DEFAULT_CONVERSATION_ID ? {} : { conversationId: question.conversationId };
  deps.ledger.transaction(() => {
    deps.store.createTurn(turnId, question.id, now, deps.store.contextIds(named.turnId ?? ""));
    deps.ledger.append({
      type: "turn.regenerated",
      actor,
      correlationId: requestId,
      payload: { turnId, messageId: question.id, ...conversation },
      clientActionId,
      request: clientActionId === undefined ? undefined : request,
      result: accepted,
    });
  });
  return ok({ ...accepted, duplicate: false });
}
