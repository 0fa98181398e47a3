/**
 * Confirming and rejecting the assistant's proposals (docs/PROTOCOL.md C8, G7):
 * only the user, from their own client; once; before it expires.
 */
import type { ActionCardFrame } from "../../shared/chat.ts";
import { type Command, CommandSchema } from "../../shared/commands.ts";
import type { Actor } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { ChatStore } from "./store.ts";

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
    deps.store.settleProposal(proposalId, "expired");
    deps.action(p.turn_id, { id: proposalId, tool: p.tool, status: "expired", summary: p.summary, proposalId });
    return fail("conflict", `proposal ${proposalId} expired`);
  }
  // The effect is the assistant's tool call (actor: its turn); the confirmation is the user's own event.
  const result = deps.execute(CommandSchema.parse(JSON.parse(p.command)), { actor: { kind: "assistant", turnId: p.turn_id }, correlationId: requestId });
  deps.store.settleProposal(proposalId, result.ok ? "confirmed" : "failed");
  if (!result.ok) return result;
  deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId, turnId: p.turn_id, tool: p.tool } });
  deps.action(p.turn_id, { id: proposalId, tool: p.tool, status: "confirmed", summary: p.summary, proposalId });
  return ok({ proposalId, result: result.value.result });
}

export function rejectProposal(deps: ProposalDeps, proposalId: string): Result<{ proposalId: string }> {
  const p = deps.store.proposal(proposalId);
  if (!p) return fail("not_found", `proposal ${proposalId} does not exist`);
  if (p.status !== "pending") return fail("conflict", `proposal ${proposalId} is already ${p.status}`);
  deps.store.settleProposal(proposalId, "rejected");
  deps.action(p.turn_id, { id: proposalId, tool: p.tool, status: "rejected", summary: p.summary, proposalId });
  return ok({ proposalId });
}
