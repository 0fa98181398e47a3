/**
 * Memories the assistant noticed, offered and never stored silently
 * (docs/PROTOCOL.md Y1, Y3, Y6, Y10–Y12). After a turn completes, the rules of
 * memory-rules.ts read the user's message; each memory they find that is not
 * pinned with that value already, nor waiting in another proposal for its
 * slot, becomes a proposal of the tool `remember` (7 days to answer) whose
 * command pins it with its source: the message, its conversation and turn,
 * and the proposal. Accepting runs the pin; dismissing or letting it expire
 * stores nothing.
 */
import { v7 as uuidv7 } from "uuid";
import { type Command, CommandSchema, type MemoryPin } from "../../shared/commands.ts";
import { conversationOf } from "../../shared/conversations.ts";
import type { Message, MemorySource } from "../../shared/domain.ts";
import type { Ledger } from "../core/ledger.ts";
import { memorySlot } from "../core/projections.ts";
import type { SqlStore } from "../core/sql.ts";
import { noticeMemories } from "./memory-rules.ts";
import type { ActionCard } from "./registry.ts";
import type { ChatStore } from "./store.ts";

/** Y3: the tool every memory proposal is made under. */
export const REMEMBER_TOOL = "remember";
/** Y3: a memory proposal can be accepted for a week. */
export const MEMORY_PROPOSAL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Most memories offered after one turn. */
export const MAX_NOTICED_PER_TURN = 3;

export type MemoryProposalDeps = { sql: SqlStore; ledger: Ledger; store: ChatStore; now: () => number };

/** Y2: the source of a memory the user's `message` stated in turn `turnId`. */
export function messageSource(message: Pick<Message, "id" | "conversationId">, turnId: string, proposalId?: string): MemorySource {
  return { kind: "message", messageId: message.id, conversationId: conversationOf(message), turnId, ...(proposalId ? { proposalId } : {}) };
}

/** Y10: the slots some pending `remember` proposal already offers. */
export function pendingSlots(deps: Pick<MemoryProposalDeps, "sql" | "now">): Set<string> {
  const rows = deps.sql
    .exec<{ command: string }>("SELECT command FROM chat_proposals WHERE status = 'pending' AND tool = ? AND expires_at > ?", REMEMBER_TOOL, deps.now())
    .toArray();
  const slots = new Set<string>();
  for (const row of rows) {
    const command = CommandSchema.safeParse(JSON.parse(row.command));
    if (command.success && command.data.kind === "memory.pin") slots.add(memorySlot(command.data.pin));
  }
  return slots;
}

/** Y10: already pinned with this value (case and spacing aside): nothing to offer. */
export function alreadyKnown(ledger: Ledger, pin: Pick<MemoryPin, "type" | "key" | "value">): boolean {
  const pinned = ledger.state.memories[memorySlot(pin)];
  return pinned !== undefined && norm(pinned.value) === norm(pin.value);
}

const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Y6: proposes what the user's message of turn `turnId` stated; returns the
 * cards, already shown through `show` (they join the turn's reply, C16).
 */
export function proposeNoticed(deps: MemoryProposalDeps, turn: { turnId: string; messageId: string; requestId: string }, show: (card: ActionCard) => void): ActionCard[] {
  const message = deps.ledger.state.recentMessages.find((m) => m.id === turn.messageId);
  if (!message || message.role !== "user") return [];
  const noticed = noticeMemories(message.text);
  if (noticed.length === 0) return [];
  const pending = pendingSlots(deps);
  const cards: ActionCard[] = [];
  for (const { pin, ask } of noticed) {
    if (cards.length >= MAX_NOTICED_PER_TURN) break;
    const slot = memorySlot(pin);
    if (pending.has(slot) || alreadyKnown(deps.ledger, pin)) continue;
    pending.add(slot);
    const proposalId = uuidv7();
    const command: Command = { kind: "memory.pin", pin, source: messageSource(message, turn.turnId, proposalId) };
    const expiresAt = deps.ledger.transaction(() => {
      const at = new Date(deps.store.propose(proposalId, turn.turnId, REMEMBER_TOOL, command, ask, deps.now(), [], MEMORY_PROPOSAL_TTL_MS)).toISOString();
      deps.ledger.append({
        type: "proposal.created",
        actor: { kind: "assistant", turnId: turn.turnId },
        correlationId: turn.requestId,
        payload: { proposalId, tool: REMEMBER_TOOL, summary: ask, expiresAt: at },
      });
      return at;
    });
    const card: ActionCard = { id: proposalId, tool: REMEMBER_TOOL, status: "proposed", summary: ask, proposalId, expiresAt };
    show(card);
    cards.push(card);
  }
  return cards;
}

/**
 * Y11: a confirmed memory proposal names itself in the memory's source, also
 * when the model's `remember` call proposed it (its id was made after the command).
 */
export function withProposalSource<C extends { kind: string }>(command: C, proposalId: string): C {
  if (command.kind !== "memory.pin") return command;
  const parsed = CommandSchema.safeParse(command);
  if (!parsed.success || parsed.data.kind !== "memory.pin") return command;
  const source = parsed.data.source;
  if (source?.kind !== "message" || source.proposalId) return command;
  return { ...command, source: { ...source, proposalId } };
}
