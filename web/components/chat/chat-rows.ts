/**
 * The conversation as the chat view shows it (docs/PROTOCOL.md W12): the
 * stored messages (the state's recent ones and pages loaded from history), the
 * replies streaming live, and the messages still in the outbox — one list of
 * rows, user then reply, that the assistant-ui runtime renders. Plain code,
 * tested in Node (tests/unit/web-chat-rows.test.ts).
 */
import type { ActionCard } from "../../../shared/action-card.ts";
import type { PendingProposal } from "../../../shared/api.ts";
import type { Message } from "../../../shared/domain.ts";
import { replyCards } from "../../lib/cards.ts";
import { branchPath, type Fork, type Regeneration } from "./branches.ts";

/** Where a message of this device stands before the room has it (W12). */
export type Delivery = "sent" | "sending" | "waiting" | "rate-limited" | "failed";

export type UserRow = {
  kind: "user";
  /** The message id; `out-<clientActionId>` while it waits in the outbox. */
  id: string;
  text: string;
  createdAt: string;
  turnId?: string;
  delivery: Delivery;
  /** Outbox entries only. */
  clientActionId?: string;
  /** Why it failed (the room's sentence). */
  error?: string;
  /** The stored message's id (what an edit names, W92); absent while it waits in the outbox. */
  messageId?: string;
  /** W92: this message is one of several versions (edits). */
  fork?: Fork;
  /** W119: a voice message (spoken, transcribed) shows a microphone mark. */
  voice?: true;
};

export type ReplyStatus = "streaming" | "completed" | "interrupted" | "failed";

export type AssistantRow = {
  kind: "assistant";
  /** `reply-<turnId>`: one id from the first token to the stored message, so the view never remounts it. */
  id: string;
  turnId: string;
  text: string;
  status: ReplyStatus;
  cards: ActionCard[];
  error?: string;
  /** D9: the turn was undone; its reply offers no Undo. */
  undone: boolean;
  /** The user's message it answers, asked again by retry. */
  question: string;
  /** W93: the user message it answers (what regenerate names); absent while that waits in the outbox. */
  questionId?: string;
  /** W93: this reply is one of several (regenerated). */
  fork?: Fork;
  /** The stored reply's id (what a link names, W95); absent while it streams. */
  messageId?: string;
};

export type ChatRow = UserRow | AssistantRow;

export type LiveReply = { turnId: string; text: string; status: ReplyStatus; actions: ActionCard[]; error?: string };
export type Queued = { text: string; clientActionId: string; createdAt: string; failed?: string; retryAt?: number; conversationId?: string; parentId?: string; editOf?: string };
export type SentMessage = { clientActionId: string; messageId: string; turnId: string; text: string; createdAt: string; conversationId?: string; parentId?: string; editOf?: string };

export type RowsInput = {
  /** Older pages (oldest first), then the state's recent messages; overlaps are dropped by id. */
  older: readonly Message[];
  recent: readonly Message[];
  replies: readonly LiveReply[];
  outbox: readonly Queued[];
  /** Accepted by the room (its ack), perhaps not yet in `recent`. */
  sent: readonly SentMessage[];
  proposals: readonly PendingProposal[];
  undoneTurns: readonly string[];
  live: boolean;
  now: number;
  /** W92: the sibling chosen at each fork (fork key → id); the newest elsewhere. */
  choices?: ReadonlyMap<string, string>;
  /** W93: regenerations this device asked for and the room accepted. */
  regenerations?: readonly Regeneration[];
  /** W90: turns of other conversations: their live replies are not shown here. */
  foreignTurns?: ReadonlySet<string>;
};

/** Where an outbox entry stands (W12, W13). */
export function deliveryOf(q: Queued, live: boolean, now: number): Delivery {
  if (q.failed !== undefined) return "failed";
  if (q.retryAt !== undefined && q.retryAt > now) return "rate-limited";
  return live ? "sending" : "waiting";
}

export function chatRows(input: RowsInput): ChatRow[] {
  const recentIds = new Set(input.recent.map((m) => m.id));
  const acked: Message[] = input.sent
    .filter((s) => !recentIds.has(s.messageId))
    .map((s) => ({
      id: s.messageId,
      role: "user",
      text: s.text,
      channel: "chat",
      turnId: s.turnId,
      status: "complete",
      createdAt: s.createdAt,
      ...(s.conversationId ? { conversationId: s.conversationId } : {}),
      ...(s.parentId ? { parentId: s.parentId } : {}),
      ...(s.editOf ? { editOf: s.editOf } : {}),
    }));
  const messages = [...input.older.filter((m) => !recentIds.has(m.id)), ...input.recent, ...acked];
  // W14: a message this tab sent keeps the ids it had in the outbox, and its reply the id of the placeholder
  // shown from the send on: the view never remounts them, so the first token lands in a reply already on screen.
  const byMessage = new Map(input.sent.map((s) => [s.messageId, s.clientActionId]));
  const byTurn = new Map(input.sent.map((s) => [s.turnId, s.clientActionId]));
  const undone = new Set(input.undoneTurns);
  const rows: ChatRow[] = [];
  // W92: one path through the branches: at each fork the chosen sibling, else the newest.
  const path = branchPath(messages, input.choices, input.regenerations);
  for (const step of path.steps) {
    const m = step.message;
    const mine = byMessage.get(m.id);
    rows.push({ kind: "user", id: mine ? `out-${mine}` : m.id, text: m.text, createdAt: m.createdAt, turnId: m.turnId, delivery: "sent", messageId: m.id, ...(step.fork ? { fork: step.fork } : {}), ...(m.channel === "voice" ? { voice: true as const } : {}) });
    if (!step.reply) continue;
    const { turnId, message: answer } = step.reply;
    const live = input.replies.find((r) => r.turnId === turnId);
    // A stored reply wins over the live one (it is final after a reconnect); until then the live one streams.
    const status: ReplyStatus = answer ? (answer.status === "complete" ? "completed" : answer.status) : (live?.status ?? "streaming");
    rows.push({
      kind: "assistant",
      id: replyId(turnId, byTurn),
      turnId,
      text: answer?.text || live?.text || "",
      status,
      // C16: the cards stored with the reply, updated by live frames, judged against the clock (C15).
      cards: replyCards(answer?.actions, live?.actions, input.proposals.filter((p) => p.turnId === turnId), input.now),
      ...(status === "failed" ? { error: live?.error ?? "The assistant could not answer." } : {}),
      undone: undone.has(turnId),
      question: m.text,
      questionId: m.id,
      ...(answer ? { messageId: answer.id } : {}),
      ...(step.replyFork ? { fork: step.replyFork } : {}),
    });
  }
  // W14: a reply streaming before its question reached this device's state (another device asked; the event
  // frame is still on its way through the query cache) shows at once, at the end.
  const answered = new Set(rows.flatMap((r) => (r.kind === "assistant" ? [r.turnId] : [])));
  for (const live of input.replies) {
    if (answered.has(live.turnId) || path.turns.has(live.turnId) || input.foreignTurns?.has(live.turnId) || live.status !== "streaming") continue;
    rows.push({ kind: "assistant", id: replyId(live.turnId, byTurn), turnId: live.turnId, text: live.text, status: "streaming", cards: replyCards(undefined, live.actions, [], input.now), undone: false, question: "" });
  }
  // W12: an outbox entry is the same message as a stored one only by its client action id (the ack map);
  // never by text — "yes" twice is two messages, and another device's clock may date a stored one later.
  const ackedIds = new Set(input.sent.map((s) => s.clientActionId));
  for (const q of input.outbox) {
    if (ackedIds.has(q.clientActionId)) continue;
    const delivery = deliveryOf(q, input.live, input.now);
    rows.push({ kind: "user", id: `out-${q.clientActionId}`, text: q.text, createdAt: q.createdAt, delivery, clientActionId: q.clientActionId, ...(q.failed ? { error: q.failed } : {}) });
    // On its way to a live room: its reply is coming, shown as thinking from now (W14).
    if (delivery === "sending") rows.push({ kind: "assistant", id: `reply-out-${q.clientActionId}`, turnId: "", text: "", status: "streaming", cards: [], undone: false, question: q.text });
  }
  return rows;
}

const replyId = (turnId: string, byTurn: ReadonlyMap<string, string>) => {
  const mine = byTurn.get(turnId);
  return mine ? `reply-out-${mine}` : `reply-${turnId}`;
};

/**
 * Rows equal to the previous render's keep their object (W14): the runtime
 * converts and re-renders only what changed, so a token re-renders one reply,
 * not the whole conversation.
 */
export function keepUnchanged(previous: ReadonlyMap<string, { row: ChatRow; key: string }>, rows: readonly ChatRow[]): { rows: ChatRow[]; index: Map<string, { row: ChatRow; key: string }> } {
  const index = new Map<string, { row: ChatRow; key: string }>();
  const kept = rows.map((row) => {
    const key = JSON.stringify(row);
    const before = previous.get(row.id);
    const same = before && before.key === key ? before.row : row;
    index.set(row.id, { row: same, key });
    return same;
  });
  return { rows: kept, index };
}
