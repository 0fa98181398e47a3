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
/** Y13: a dismissed offer is not made again for this long after it was made. */
export const DISMISSED_FOR_MS = 90 * 24 * 60 * 60 * 1000;
/** Y14: the tools whose card in a turn means the model already proposed or pinned a memory. */
const MEMORY_TOOLS = new Set([REMEMBER_TOOL, "pin_memory", "set_home_airport"]);

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
const pair = (pin: Pick<MemoryPin, "type" | "key" | "value">) => `${memorySlot(pin)}=${norm(pin.value)}`;

/**
 * Y13: the slot and value of every `remember` offer the user dismissed in the
 * last 90 days, counted from when it was offered (its `expires_at` less the
 * week it had, on the room's clock). Read from the proposals' own rows, which
 * keep their command and their settlement — no scan of the ledger.
 */
export function dismissedPairs(deps: Pick<MemoryProposalDeps, "sql" | "now">): Set<string> {
  const since = deps.now() - DISMISSED_FOR_MS + MEMORY_PROPOSAL_TTL_MS;
  const rows = deps.sql
    .exec<{ command: string }>("SELECT command FROM chat_proposals WHERE status = 'rejected' AND tool = ? AND expires_at > ?", REMEMBER_TOOL, since)
    .toArray();
  const pairs = new Set<string>();
  for (const row of rows) {
    const command = CommandSchema.safeParse(JSON.parse(row.command));
    if (command.success && command.data.kind === "memory.pin") pairs.add(pair(command.data.pin));
  }
  return pairs;
}

/**
 * Y13: why the model's `remember` (or a `pin_memory` that proposes) may not
 * offer `pin` from the message `messageId`: the user dismissed that slot and
 * value lately, or a `remember` proposal from this message already offered the
 * slot (a regenerated reply asks the model again). Null when it may.
 */
export function refusedOffer(deps: Pick<MemoryProposalDeps, "sql" | "now">, pin: Pick<MemoryPin, "type" | "key" | "value">, messageId: string | null): string | null {
  if (dismissedPairs(deps).has(pair(pin))) return `The user dismissed remembering that their ${pin.key} is ${pin.value}; do not offer it again.`;
  if (!messageId) return null;
  const slot = memorySlot(pin);
  const rows = deps.sql
    .exec<{ command: string }>("SELECT command FROM chat_proposals WHERE tool = ? AND json_extract(command, '$.source.messageId') = ?", REMEMBER_TOOL, messageId)
    .toArray();
  for (const row of rows) {
    const command = CommandSchema.safeParse(JSON.parse(row.command));
    if (command.success && command.data.kind === "memory.pin" && memorySlot(command.data.pin) === slot) return `Remembering their ${pin.key} was already offered for this message.`;
  }
  return null;
}

/** Y13: some `remember` offer, answered or not, already came from this message (a regenerate reads the same message again). */
export function offeredFor(deps: Pick<MemoryProposalDeps, "sql">, messageId: string): boolean {
  return (
    deps.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_proposals WHERE tool = ? AND json_extract(command, '$.source.messageId') = ?", REMEMBER_TOOL, messageId).toArray()[0]!.n > 0
  );
}

/**
 * Y6: proposes what the user's message of turn `turnId` stated; returns the
 * cards, already shown through `show` (they join the turn's reply, C16).
 * Nothing when the turn's model already proposed or pinned a memory (`made`
 * holds the turn's cards so far, Y14), when this message was already offered
 * from (a regenerate, Y13), and never an offer the user dismissed (Y13).
 */
export function proposeNoticed(
  deps: MemoryProposalDeps,
  turn: { turnId: string; messageId: string; requestId: string },
  show: (card: ActionCard) => void,
  made: readonly { tool: string; status: string }[] = [],
): ActionCard[] {
  if (made.some((card) => MEMORY_TOOLS.has(card.tool) && card.status !== "failed")) return [];
  const message = deps.ledger.state.recentMessages.find((m) => m.id === turn.messageId);
  if (!message || message.role !== "user") return [];
  const noticed = noticeMemories(message.text);
  if (noticed.length === 0 || offeredFor(deps, message.id)) return [];
  const pending = pendingSlots(deps);
  const dismissed = dismissedPairs(deps);
  const cards: ActionCard[] = [];
  for (const { pin, ask } of noticed) {
    if (cards.length >= MAX_NOTICED_PER_TURN) break;
    const slot = memorySlot(pin);
    if (pending.has(slot) || dismissed.has(pair(pin)) || alreadyKnown(deps.ledger, pin)) continue;
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
