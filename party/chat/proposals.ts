/**
 * Confirming and rejecting the assistant's proposals (docs/PROTOCOL.md C8,
 * C14, C15, G7): only the user, from their own client; once; before it
 * expires. A proposal has one state for every device: each settlement is one
 * ledger event (so every device's state drops it from `proposals`) and one
 * card update to every device, under the card's own id (so it replaces the
 * proposed card, never sits beside it). A click on a settled proposal is told
 * in a sentence what became of it, and its card is sent again, so a device
 * that missed the update ends in the same state as the others.
 */
import type { ActionCardFrame } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import { type CalendarCreate, isOutward, ProposalCommandSchema } from "../../shared/calendar-write.ts";
import { formatDue } from "../../shared/format.ts";
import type { Actor } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { CalendarPort } from "../schedule/calendar-port.ts";
import { type ExternalCall, externalCallOf, type OutwardPort } from "./external-call.ts";
import type { ChatStore, ProposalRow } from "./store.ts";
import type { StructuredProposals } from "./structured-port.ts";
import type { ConfirmSelection } from "../../shared/goals.ts";
import { confirmAccountDelete, DELETE_ACCOUNT_TOOL, isAccountDelete } from "../data/account-delete.ts";
import { withProposalSource } from "./memory-proposals.ts";

export type ProposalDeps = {
  store: ChatStore;
  ledger: Ledger;
  now: () => number;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  action: (turnId: string, card: ActionCardFrame) => void;
  /** K28: where a confirmed calendar write goes (async: it leaves the room); absent, such a proposal fails with how to add a calendar. */
  calendarWriter?: CalendarPort["writer"];
  /** K28: proposals whose outward effect is running: confirmed again or rejected meanwhile, they are told to wait. */
  inFlight: Map<string, Promise<void>>;
  /** Keeps the write alive past the confirming frame or request (`ctx.waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
  /** The preference zone, for the card's words. */
  timeZone: () => string;
  /** Where a confirmed external call (an MCP tool, M6) goes; absent, such a proposal fails when confirmed. */
  outward?: OutwardPort;
  /** B11: proposals confirmed entry by entry (the architect's plan, rescheduling moves). */
  structured?: StructuredProposals;
  /** U14: empties the room's storage and restarts it (the host's port); absent, account deletion is refused. */
  deleteAccount?: () => void;
};

/** K28: a second click while the calendar is still answering. */
export const BEING_DONE = "This is being done right now — wait a moment";

type Settled = Exclude<ProposalRow["status"], "pending">;

/** C15: what a click on a proposal that is no longer pending is told — for people, never an id. */
export const LATE_CLICK: Record<Settled, string> = {
  confirmed: "Already done on another device",
  rejected: "You cancelled this",
  expired: "This expired — ask again",
  failed: "This could not be done, and nothing was changed — ask again",
};

const NO_SUCH_PROPOSAL = "There is no such proposal";

/** The proposal's card in `status`: same id as the card that proposed it (the proposal id), same entries. */
export function proposalCard(deps: Pick<ProposalDeps, "store">, p: ProposalRow, status: ActionCardFrame["status"]): ActionCardFrame {
  const items = deps.store.proposalItems(p.id);
  const entries = deps.store.proposalEntries(p.id);
  return { id: p.id, tool: p.tool, status, summary: p.summary, proposalId: p.id, ...(items.length > 0 ? { items } : {}), ...(entries.length > 0 ? { entries } : {}) };
}

export function confirmProposal(
  deps: ProposalDeps,
  proposalId: string,
  actor: Actor,
  requestId: string,
  selection: ConfirmSelection = {},
): Result<{ proposalId: string; result: unknown }> {
  const p = deps.store.proposal(proposalId);
  if (!p) return fail("not_found", NO_SUCH_PROPOSAL);
  if (deps.inFlight.has(p.id)) return fail("conflict", BEING_DONE);
  if (p.status !== "pending") return late(deps, p, p.status);
  if (p.expires_at < deps.now()) {
    settle(deps, p, "expired", { kind: "system" }, requestId);
    return fail("conflict", LATE_CLICK.expired);
  }
  if (deps.structured?.owns(p.id)) return confirmStructured(deps, deps.structured, p, selection, actor, requestId);
  // B11: only proposals with entries are confirmed in part; the others change all of what they name, or nothing (C14).
  if (selection.items !== undefined || selection.edits !== undefined) return fail("invalid_request", "this proposal is confirmed whole: send no items or edits");
  // U14: the account's deletion, confirmed by the user (party/data/account-delete.ts).
  if (p.tool === DELETE_ACCOUNT_TOOL && isAccountDelete(p.command)) return confirmAccountDelete(deps, p, actor, requestId);
  const external = externalCallOf(p.command);
  if (external) return confirmExternal(deps, p, external, actor, requestId);
  // Y11: a memory proposal's pin names the proposal in its source.
  const command = withProposalSource(ProposalCommandSchema.parse(JSON.parse(p.command)), p.id);
  if (isOutward(command)) return confirmOutward(deps, p, command, actor, requestId);
  // The effect is the assistant's tool call (actor: its turn); the confirmation is the user's own event.
  // Effect, settlement and event commit together: no device can see the effect with the proposal still pending.
  const result = deps.ledger.transaction(() => {
    // T6: a conversation delete was the user's own request, not a tool call: its effect is theirs.
    const by: Actor = command.kind === "conversation.delete" ? actor : { kind: "assistant", turnId: p.turn_id };
    const applied = deps.execute(command, { actor: by, correlationId: requestId });
    if (!applied.ok) return applied;
    deps.store.settleProposal(proposalId, "confirmed");
    deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId, turnId: p.turn_id, tool: p.tool } });
    deps.store.settleArchivedCard(p.turn_id, p.id, "confirmed");
    return applied;
  });
  if (!result.ok) {
    // A bulk change is all-or-nothing (C14): one entry gone since it was proposed, and none is changed.
    settle(deps, p, "failed", actor, requestId);
    return fail("conflict", LATE_CLICK.failed);
  }
  deps.action(p.turn_id, proposalCard(deps, p, "confirmed"));
  return ok({ proposalId, result: result.value.result });
}

/**
 * B11: the accepted entries, the settlement and `proposal.confirmed` (naming
 * what was accepted) commit together. A selection the proposal cannot take
 * (an unknown entry, an edit that breaks a block) is refused and the proposal
 * stays pending; a document that moved on fails it, with nothing changed.
 */
function confirmStructured(
  deps: ProposalDeps,
  structured: StructuredProposals,
  p: ProposalRow,
  selection: ConfirmSelection,
  actor: Actor,
  requestId: string,
): Result<{ proposalId: string; result: unknown }> {
  const result = deps.ledger.transaction(() => {
    const applied = structured.apply(p, selection, requestId);
    if (!applied.ok) return applied;
    deps.store.settleProposal(p.id, "confirmed");
    const all = selection.items === undefined;
    deps.ledger.append({
      type: "proposal.confirmed",
      actor,
      correlationId: requestId,
      payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool, ...(all ? {} : { accepted: applied.value.accepted }) },
    });
    deps.store.settleArchivedCard(p.turn_id, p.id, "confirmed");
    return applied;
  });
  if (!result.ok) {
    if (result.error.code === "invalid_request") return result;
    settle(deps, p, "failed", actor, requestId);
    return fail("conflict", result.error.message);
  }
  deps.action(p.turn_id, proposalCard(deps, p, "confirmed"));
  return ok({ proposalId: p.id, result: { accepted: result.value.accepted, ...asObject(result.value.result) } });
}

const asObject = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? { ...value } : {});

/**
 * K28: a confirmed calendar write. The proposal stays pending while the
 * calendar answers — the confirmation returns at once and other frames run
 * meanwhile; a second click is told to wait. Created: the store records
 * `calendar.event.created` with the assistant's turn as actor, then the
 * proposal is confirmed. Refused or unreachable: the proposal fails, its card
 * says why ("Couldn't add it: …"), and nothing was created.
 */
function confirmOutward(deps: ProposalDeps, p: ProposalRow, command: CalendarCreate, actor: Actor, requestId: string): Result<{ proposalId: string; result: unknown }> {
  const writer = deps.calendarWriter;
  const run = async () => {
    const { kind: _kind, sourceId, ...event } = command;
    const created = writer
      ? await writer.create(sourceId, event, { actor: { kind: "assistant", turnId: p.turn_id }, correlationId: requestId }).catch(() => fail("internal", "the calendar did not answer"))
      : fail("not_found", "no calendar to write to — add a CalDAV account in Settings → Calendars");
    if (!created.ok) {
      deps.ledger.transaction(() => {
        if (!deps.store.settleProposal(p.id, "failed")) return;
        deps.ledger.append({ type: "proposal.settled", actor, correlationId: requestId, payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool, status: "failed" } });
        deps.store.settleArchivedCard(p.turn_id, p.id, "failed");
      });
      deps.action(p.turn_id, { ...proposalCard(deps, p, "failed"), summary: `Couldn't add it: ${created.error.message}` });
      return;
    }
    deps.ledger.transaction(() => {
      // Settled meanwhile (undone, expired by another path): the event exists and its own event says so; the proposal keeps its state.
      if (!deps.store.settleProposal(p.id, "confirmed")) return;
      deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool } });
      deps.store.settleArchivedCard(p.turn_id, p.id, "confirmed");
    });
    deps.action(p.turn_id, { ...proposalCard(deps, p, "confirmed"), summary: `Added “${created.value.title}” — ${formatDue(created.value.start, deps.timeZone())}` });
  };
  const running = run()
    .catch(() => undefined)
    .finally(() => deps.inFlight.delete(p.id));
  deps.inFlight.set(p.id, running);
  deps.waitUntil?.(running);
  return ok({ proposalId: p.id, result: { status: "pending", message: "Adding it to your calendar" } });
}

/**
 * M6: an external call leaves the room, so it cannot commit with the
 * confirmation. The confirmation is recorded (the user said yes, once), then the
 * outward port starts the call; its outcome arrives as a card of its own.
 */
function confirmExternal(deps: ProposalDeps, p: ProposalRow, call: ExternalCall, actor: Actor, requestId: string): Result<{ proposalId: string; result: unknown }> {
  if (!deps.outward) {
    settle(deps, p, "failed", actor, requestId);
    return fail("conflict", LATE_CLICK.failed);
  }
  const confirmed = deps.ledger.transaction(() => {
    if (!deps.store.settleProposal(p.id, "confirmed")) return false;
    deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool } });
    deps.store.settleArchivedCard(p.turn_id, p.id, "confirmed");
    return true;
  });
  if (!confirmed) return late(deps, p, "confirmed");
  deps.action(p.turn_id, proposalCard(deps, p, "confirmed"));
  deps.outward(call, { actor, turnId: p.turn_id, requestId, cardId: `${p.id}-result`, report: (card) => deps.action(p.turn_id, card) });
  return ok({ proposalId: p.id, result: { status: "started" } });
}

export function rejectProposal(deps: ProposalDeps, proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string }> {
  const p = deps.store.proposal(proposalId);
  if (!p) return fail("not_found", NO_SUCH_PROPOSAL);
  if (deps.inFlight.has(p.id)) return fail("conflict", BEING_DONE);
  if (p.status !== "pending") return late(deps, p, p.status);
  settle(deps, p, "rejected", actor, requestId);
  return ok({ proposalId });
}

/** Ends a pending proposal without its effect: its row, one event, one card update to every device. */
function settle(deps: ProposalDeps, p: ProposalRow, status: Exclude<Settled, "confirmed">, actor: Actor, requestId: string): void {
  deps.ledger.transaction(() => {
    if (!deps.store.settleProposal(p.id, status)) return;
    deps.ledger.append({ type: "proposal.settled", actor, correlationId: requestId, payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool, status } });
    deps.store.settleArchivedCard(p.turn_id, p.id, status);
  });
  deps.action(p.turn_id, proposalCard(deps, p, status));
}

/** A click on a settled proposal: every device is shown its state again, and the clicker is told it in words. */
function late(deps: ProposalDeps, p: ProposalRow, status: Settled): Result<never> {
  deps.action(p.turn_id, proposalCard(deps, p, status));
  return fail("conflict", LATE_CLICK[status]);
}
