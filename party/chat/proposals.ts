/**
 * Confirming and rejecting the assistant's proposals (docs/PROTOCOL.md C8, G7):
 * only the user, from their own client; once; before it expires. Every outcome
 * is also an `action.updated` event (C15), so the card stored with the reply
 * shows it after a reload and on a device that joins later.
 */
import type { SettledStatus } from "../../shared/action-card.ts";
import type { ActionCardFrame } from "../../shared/chat.ts";
import { type Command, CommandSchema } from "../../shared/commands.ts";
import type { Actor } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { ChatStore, ProposalRow } from "./store.ts";

export type ProposalDeps = {
  store: ChatStore;
  ledger: Ledger;
  now: () => number;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  action: (turnId: string, card: ActionCardFrame) => void;
};

export function confirmProposal(deps: ProposalDeps, proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string; result: unknown }> {
  const p = deps.store.proposal(proposalId);
  if (!p) return fail("not_found", `proposal ${proposalId} does not exist`);
  if (p.status !== "pending") return fail("conflict", `proposal ${proposalId} is already ${p.status}`);
  if (p.expires_at < deps.now()) {
    settle(deps, p, "expired", actor, requestId);
    return fail("conflict", `proposal ${proposalId} expired`);
  }
  // The effect is the assistant's tool call (actor: its turn); the confirmation is the user's own event.
  const result = deps.execute(CommandSchema.parse(JSON.parse(p.command)), { actor: { kind: "assistant", turnId: p.turn_id }, correlationId: requestId });
  if (!result.ok) {
    settle(deps, p, "failed", { kind: "system" }, requestId);
    return result;
  }
  settle(deps, p, "confirmed", actor, requestId, () =>
    deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId, turnId: p.turn_id, tool: p.tool } }),
  );
  return ok({ proposalId, result: result.value.result });
}

export function rejectProposal(deps: ProposalDeps, proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string }> {
  const p = deps.store.proposal(proposalId);
  if (!p) return fail("not_found", `proposal ${proposalId} does not exist`);
  if (p.status !== "pending") return fail("conflict", `proposal ${proposalId} is already ${p.status}`);
  settle(deps, p, "rejected", actor, requestId);
  return ok({ proposalId });
}

/**
 * Settles the proposal's row, records how its card changed (C15) — with `also`,
 * the events that belong with it — in one transaction, updates an archived copy
 * of its reply, then tells every device (C3).
 */
function settle(deps: ProposalDeps, p: ProposalRow, status: SettledStatus, actor: Actor, requestId: string, also?: () => void): void {
  const payload = { turnId: p.turn_id, proposalId: p.id, status };
  deps.ledger.transaction(() => {
    deps.store.settleProposal(p.id, status);
    also?.();
    deps.ledger.append({ type: "action.updated", actor, correlationId: requestId, payload });
    deps.store.settleArchivedCard(p.turn_id, p.id, status);
  });
  deps.action(p.turn_id, { id: p.id, tool: p.tool, status, summary: p.summary, proposalId: p.id });
}
