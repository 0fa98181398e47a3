/**
 * Writing down how a turn ended (docs/PROTOCOL.md C3, C4, C6, C7): its status,
 * text and tokens, the assistant's message (`message.added`) and, for a
 * failure, `turn.failed` — in one transaction — and the end frame a later SSE
 * reader is replayed (C11).
 */
import type { ActionCard, LlmFrame } from "../../shared/chat.ts";
import type { LedgerEvent, Message } from "../../shared/domain.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { ChatStore, TurnRow } from "./store.ts";
import type { EndedTurn } from "./turn.ts";
import { whyOf } from "../core/provenance.ts";
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import type { ConversationIndex } from "./conversations.ts";

export type RecordDeps = { sql: SqlStore; ledger: Ledger; store: ChatStore; now: () => number; newId: () => string; index?: ConversationIndex };

/** What the turn streamed, when it streamed at all: stored whole at the end (C4). */
export type Streamed = { tokens: string[]; checkpointed: number };

/**
 * `cards` are the turn's action cards as they stand: stored with the message,
 * they are part of it in the state, backfill and history (C16).
 */
export function recordEnd(deps: RecordDeps, row: TurnRow, ended: EndedTurn, said: string, requestId: string, streamed: Streamed | null, cards: ActionCard[] = []): { events: LedgerEvent[]; end: LlmFrame } {
  const now = deps.now();
  const { status } = ended;
  // T11, T12: the reply follows the message it answers, in its conversation: a regenerated reply is a sibling of the earlier ones.
  const question = deps.index?.entry(row.message_id);
  // T7: the conversation was deleted while the turn ran: its reply is stored nowhere (not in "main"), nor its text.
  const orphan = deps.index !== undefined && question === null;
  const text = orphan ? "" : said;
  const placed = question
    ? { ...(question.conversationId === DEFAULT_CONVERSATION_ID ? {} : { conversationId: question.conversationId }), parentId: question.id }
    : {};
  const message: Message = {
    id: deps.newId(),
    role: "assistant",
    text,
    channel: "chat",
    turnId: row.id,
    status: status === "completed" ? "complete" : status,
    createdAt: new Date(now).toISOString(),
    ...(cards.length > 0 ? { actions: cards } : {}),
    ...placed,
  };
  const events = deps.ledger.transaction(() => {
    if (streamed && !orphan) deps.store.finish(row.id, status, streamed.tokens, streamed.checkpointed, text, now);
    else deps.store.setStatus(row.id, status, now);
    // Tokens checkpointed after the delete purged the turn's.
    if (orphan) {
      deps.sql.exec("DELETE FROM chat_tokens WHERE turn_id = ?", row.id);
      deps.sql.exec("UPDATE chat_turns SET text = '' WHERE id = ?", row.id);
    }
    const out: LedgerEvent[] = [];
    // A failure with nothing said or done leaves no assistant message, only the failure.
    if (!orphan && (status !== "failed" || text || cards.length > 0)) {
      // B20: a reply whose turn did something says why, as data, next to the changes its turn made.
      const prompt = deps.ledger.state.recentMessages.find((m) => m.id === row.message_id)?.text ?? "";
      const why = cards.length > 0 ? { why: whyOf({ turnId: row.id, step: "reply" }, text, prompt, text) } : {};
      out.push(deps.ledger.append({ type: "message.added", actor: { kind: "assistant", turnId: row.id }, correlationId: requestId, payload: { message, ...why } }).event);
      deps.index?.sync();
    }
    if (ended.status === "failed") {
      out.push(deps.ledger.append({ type: "turn.failed", actor: { kind: "system" }, correlationId: requestId, payload: { turnId: row.id, ...ended.failure } }).event);
    }
    return out;
  });
  const end = endFrameOf(ended, message.id, text);
  deps.store.setEnd(row.id, end);
  return { events, end };
}

/** The frame that tells every device how the turn ended. */
function endFrameOf(ended: EndedTurn, messageId: string, text: string): LlmFrame {
  const turnId = ended.turnId;
  switch (ended.status) {
    case "completed":
      return { type: "llm.completed", turnId, messageId, text };
    case "interrupted":
      return { type: "llm.interrupted", turnId, text, reason: ended.reason };
    case "failed": {
      const { code, message, retryAfter } = ended.failure;
      return { type: "llm.failed", turnId, code, message, ...(retryAfter ? { retryAfter } : {}) };
    }
  }
}
