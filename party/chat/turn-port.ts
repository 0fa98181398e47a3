/**
 * What undo asks of the chat (docs/PROTOCOL.md D18): whether a turn is still
 * running, its proposals still pending, and cancelling one — its card in an
 * archived reply too (C17); the projection folds the undo's event for recent ones.
 */
import type { TurnPort } from "../core/undo.ts";
import type { ChatStore } from "./store.ts";

export function chatTurnPort(store: () => ChatStore, now: () => number): TurnPort {
  return {
    running: (turnId) => ["queued", "streaming"].includes(store().turn(turnId)?.status ?? ""),
    pendingProposals: (turnId) => store().pendingProposals(now()).filter((p) => p.turnId === turnId),
    cancelProposal: (proposalId) => {
      const turnId = store().proposal(proposalId)?.turn_id;
      if (store().settleProposal(proposalId, "rejected") && turnId) store().settleArchivedCard(turnId, proposalId, "rejected");
    },
  };
}
