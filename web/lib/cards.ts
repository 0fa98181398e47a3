/**
 * The action cards of one reply as the chat shows them (docs/PROTOCOL.md C14,
 * C15): the cards stored with the reply — as they stood when the state was
 * read — updated by the `llm.action` frames seen live since, each as it stands
 * now. A settled card (confirmed, rejected, expired, failed) is never turned
 * back into a proposal by an older copy, whichever arrives last.
 */
import { type ActionCard, cardAt, cardKey } from "../../shared/action-card.ts";
import type { PendingProposal } from "../../shared/api.ts";

/** Cards by their key, in the order first seen; a later copy replaces an earlier one unless that would unsettle it. */
export function mergeCards(...lists: readonly (readonly ActionCard[])[]): ActionCard[] {
  const byKey = new Map<string, ActionCard>();
  for (const card of lists.flat()) {
    const seen = byKey.get(cardKey(card));
    if (seen && seen.status !== "proposed" && card.status === "proposed") continue;
    byKey.set(cardKey(card), card);
  }
  return [...byKey.values()];
}

/** A proposal still waiting, as its card: for replies stored before cards were kept with them. */
const proposalCard = (p: PendingProposal): ActionCard => ({ id: p.id, tool: p.tool, status: "proposed", summary: p.summary, proposalId: p.id, expiresAt: p.expiresAt });

export function replyCards(stored: readonly ActionCard[] | undefined, live: readonly ActionCard[] | undefined, pending: readonly PendingProposal[], now: number): ActionCard[] {
  return mergeCards(pending.map(proposalCard), stored ?? [], live ?? []).map((card) => cardAt(card, now));
}
