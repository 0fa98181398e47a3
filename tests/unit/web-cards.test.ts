import { describe, expect, it } from "vitest";
import type { ActionCard } from "../../shared/chat.ts";
import { placeCard } from "../../web/lib/cards.ts";

const proposed: ActionCard = { id: "p1", tool: "bulk_tasks", status: "proposed", summary: "Delete 2 tasks?", proposalId: "p1", items: ["A", "B"] };
const done: ActionCard = { id: "call-2", tool: "create_task", status: "done", summary: "Added “C”" };

describe("Web app — action cards of a reply", () => {
  it("[C15] a proposal's settlement replaces its card in place: one card, no Confirm left beside it", () => {
    const cards = [proposed, done];
    expect(placeCard(cards, { ...proposed, status: "confirmed" })).toEqual([{ ...proposed, status: "confirmed" }, done]);
    // A settlement sent under another id (older servers) still replaces the proposal's card.
    expect(placeCard(cards, { id: "other", tool: "bulk_tasks", status: "rejected", summary: "Delete 2 tasks?", proposalId: "p1" })).toEqual([
      { id: "other", tool: "bulk_tasks", status: "rejected", summary: "Delete 2 tasks?", proposalId: "p1", items: ["A", "B"] },
      done,
    ]);
    // Duplicates folded: one card per proposal, whatever arrived before.
    expect(placeCard([proposed, done, { ...proposed, id: "dup" }], { ...proposed, status: "expired" }).filter((c) => c.proposalId === "p1")).toHaveLength(1);
  });

  it("[C3] a new card is added at the end; a card without a proposal is replaced only by its id", () => {
    expect(placeCard([done], proposed)).toEqual([done, proposed]);
    expect(placeCard([done, proposed], { ...done, status: "failed" })).toEqual([{ ...done, status: "failed" }, proposed]);
  });
});
