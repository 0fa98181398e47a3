/**
 * How a device folds the action cards of a reply (docs/PROTOCOL.md C3, C15).
 * Plain code, so the rule is tested in Node (tests/unit/web-cards.test.ts).
 */
import type { ActionCard } from "../../shared/chat.ts";

/**
 * A card's later state replaces it where it stands: the same card id, or the
 * same proposal (older servers sent a proposal's settlement under another id),
 * so a settled proposal never leaves its proposed card — and a stale Confirm
 * button — beside it. An update without the entries keeps the ones shown.
 */
export function placeCard(cards: readonly ActionCard[], card: ActionCard): ActionCard[] {
  const same = (a: ActionCard) => a.id === card.id || (card.proposalId !== undefined && a.proposalId === card.proposalId);
  const first = cards.findIndex(same);
  if (first < 0) return [...cards, card];
  return cards.flatMap((a, i) => {
    if (!same(a)) return [a];
    if (i !== first) return [];
    return [card.items || !a.items ? card : { ...card, items: a.items }];
  });
}
