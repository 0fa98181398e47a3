/**
 * How a device folds the action cards of a reply (docs/PROTOCOL.md C3, C15,
 * C16, C17): the cards stored with the reply — as they stood when the state
 * was read — updated by the `llm.action` frames seen live since, each as it
 * stands now. Plain code, so the rule is tested in Node
 * (tests/unit/web-cards.test.ts, tests/unit/history.test.ts).
 */
import { type ActionCard, cardAt } from "../../shared/action-card.ts";
import type { PendingProposal } from "../../shared/api.ts";

/**
 * A card's later state replaces it where it stands: the same card id, or the
 * same proposal (older servers sent a proposal's settlement under another id),
 * so a settled proposal never leaves its proposed card — and a stale Confirm
 * button — beside it. An update without the entries keeps the ones shown. A
 * settled card (confirmed, rejected, expired, failed) is never turned back
 * into a proposal by an older copy, whichever arrives last (C17).
 */
export function placeCard(cards: readonly ActionCard[], card: ActionCard): ActionCard[] {
  const same = (a: ActionCard) => a.id === card.id || (card.proposalId !== undefined && a.proposalId === card.proposalId);
  const first = cards.findIndex(same);
  if (first < 0) return [...cards, card];
  return cards.flatMap((a, i) => {
    if (!same(a)) return [a];
    if (i !== first) return [];
    if (card.status === "proposed" && a.status !== "proposed") return [a];
    // A settled card keeps the entries (and lines) shown, when its frame omits them.
    const kept = { ...card, ...(!card.items && a.items ? { items: a.items } : {}), ...(!card.entries && a.entries ? { entries: a.entries } : {}) };
    return [kept];
  });
}

/** Lists of cards folded in order with `placeCard`: one card per proposal, in the order first seen. */
export const mergeCards = (...lists: readonly (readonly ActionCard[])[]): ActionCard[] => lists.flat().reduce<ActionCard[]>(placeCard, []);

/** A proposal still waiting, as its card: for replies stored before cards were kept with them. */
const pendingCard = (p: PendingProposal): ActionCard => ({
  id: p.id,
  tool: p.tool,
  status: "proposed",
  summary: p.summary,
  proposalId: p.id,
  expiresAt: p.expiresAt,
  ...(p.items ? { items: p.items } : {}),
  ...(p.entries ? { entries: p.entries } : {}),
});

/** C16: the reply's cards as the chat shows them — pending proposals, then the stored cards, then live frames. */
export function replyCards(stored: readonly ActionCard[] | undefined, live: readonly ActionCard[] | undefined, pending: readonly PendingProposal[], now: number): ActionCard[] {
  return mergeCards(pending.map(pendingCard), stored ?? [], live ?? []).map((card) => cardAt(card, now));
}
