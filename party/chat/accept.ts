/**
 * Accepting a user's message (docs/PROTOCOL.md C1, C2, C13): idempotent by
 * client action id, rate limited per minute, and stored — the message as a
 * `message.added` event and its turn as queued — before any model is called.
 */
import { type Accepted, AcceptedSchema, type MessageSend } from "../../shared/chat.ts";
import type { Actor, Message } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { ChatStore } from "./store.ts";

export type AcceptDeps = {
  sql: SqlStore;
  ledger: Ledger;
  store: ChatStore;
  now: () => number;
  newId: () => string;
  limits: { messagesPerMinute: number };
};

export function acceptMessage(deps: AcceptDeps, input: MessageSend, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
  const { clientActionId, ...rest } = input;
  const request = JSON.stringify({ kind: "message.send", ...rest });
  if (clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(clientActionId, request);
    if (prior.status === "conflict") return fail("conflict", `clientActionId ${clientActionId} was already used for a different request`);
    if (prior.status === "duplicate") return ok({ ...AcceptedSchema.parse(prior.recorded.result), duplicate: true });
  }
  const now = deps.now();
  const recent = deps.store.recentUserMessages(now);
  if (recent.count >= deps.limits.messagesPerMinute) {
    return fail("rate_limited", `at most ${deps.limits.messagesPerMinute} messages a minute`, recent.retryAfter);
  }
  const turnId = deps.newId();
  const messageId = deps.newId();
  const message: Message = { id: messageId, role: "user", text: input.text, channel: input.channel, turnId, status: "complete", createdAt: new Date(now).toISOString() };
  const accepted: Accepted = { status: "accepted", messageId, turnId, streamUrl: `/api/v1/stream/${turnId}` };
  deps.ledger.transaction(() => {
    deps.store.createTurn(turnId, messageId, now, input.contextIds ?? []);
    deps.ledger.append({
      type: "message.added",
      actor,
      correlationId: requestId,
      payload: { message, contextIds: input.contextIds ?? [] },
      clientActionId,
      request: clientActionId === undefined ? undefined : request,
      result: accepted,
    });
  });
  return ok({ ...accepted, duplicate: false });
}
