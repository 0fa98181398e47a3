/**
 * Action cards (docs/PROTOCOL.md C3, C8, C16): what the assistant did or
 * proposes to do in one reply. Declared apart from `chat.ts` because a card
 * is part of a stored message (`MessageSchema.actions` in `domain.ts`), and
 * `chat.ts` already imports `domain.ts`.
 */
import { z } from "zod";
import type { NewEventBody } from "./events.ts";
import { FlightOptionsSchema } from "./flights.ts";
import { ProposalEntryReadSchema, ProposalEntrySchema } from "./proposal-entry.ts";

/**
 * Where an action card stands (C3, C8): `done` and `failed` for a tool that ran;
 * `proposed` waits for the user, then `confirmed`, `rejected` or `expired`.
 */
export const ActionStatusSchema = z.enum(["done", "proposed", "failed", "confirmed", "rejected", "expired"]);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

/** An action card: what the assistant did or proposes to do (C3). */
export const ActionCardSchema = z.strictObject({
  /** The tool call's id; a later card with the same id (or, for a proposal, the same `proposalId`) replaces the earlier one. */
  id: z.string(),
  /** The tool's name, e.g. `create_task`. */
  tool: z.string(),
  status: ActionStatusSchema,
  /** One line for people, e.g. `Created task “Call John”`. */
  summary: z.string(),
  /** With `proposed`: what `proposal.confirm` / `proposal.reject` name (C8). */
  proposalId: z.string().optional(),
  /** With `proposed`: ISO date-time after which the proposal can no longer be confirmed. */
  expiresAt: z.iso.datetime().optional(),
  /**
   * A bulk proposal's entries, one line each (a task's title, a memory), in the
   * order they change: exactly what confirming changes (C14). Optional; cards
   * of one entry, and older servers, omit it.
   */
  items: z.array(z.string()).optional(),
  /**
   * The flight-options card (M23): ranked offers of a flight search, kept with
   * the message so a reload or a later device shows them. Optional; other
   * cards, and older servers, omit it.
   */
  flights: FlightOptionsSchema.optional(),
  /** B10: a structured proposal's entries, each accepted, edited or left out by the confirm. Optional. */
  entries: z.array(ProposalEntrySchema).optional(),
});
export type ActionCard = z.infer<typeof ActionCardSchema>;
/** D40: a card as clients read it: fields they do not know (of it and of its entries) are dropped, not a reason to drop the card. */
export const ActionCardReadSchema = ActionCardSchema.extend({ entries: z.array(ProposalEntryReadSchema).optional() }).strip();

/** What identifies a card across its updates: a proposal's settled card may carry another `id` than its proposed one. */
export const cardKey = (card: Pick<ActionCard, "id" | "proposalId">): string => card.proposalId ?? card.id;

/**
 * The card as it stands at `now` (C16): a proposal nobody settled before it
 * expired is `expired` — a fact of the clock, so no event records it.
 */
export function cardAt(card: ActionCard, now: number): ActionCard {
  return card.status === "proposed" && card.expiresAt !== undefined && Date.parse(card.expiresAt) < now ? { ...card, status: "expired" } : card;
}

/** What a proposal's card can become after its message was stored (C17). */
export const SettledStatusSchema = z.enum(["confirmed", "rejected", "expired", "failed"]);
export type SettledStatus = z.infer<typeof SettledStatusSchema>;

/** One proposal card's new status, named by the turn whose reply shows it (C17). */
export type CardUpdate = { turnId: string; proposalId: string; status: SettledStatus };

/**
 * C17: how a ledger event changes the proposal cards stored with a reply —
 * `proposal.confirmed` makes its card `confirmed`, `proposal.settled` gives it
 * its status, and an undo's cancelled proposals are `rejected` (D18). The
 * projection and the archive fold the same events through here, so a reload
 * or a later device sees each card as it stands; no event of its own.
 */
export function cardUpdatesOf(event: NewEventBody): CardUpdate[] {
  switch (event.type) {
    case "proposal.confirmed":
      return [{ turnId: event.payload.turnId, proposalId: event.payload.proposalId, status: "confirmed" }];
    case "proposal.settled":
      return [{ turnId: event.payload.turnId, proposalId: event.payload.proposalId, status: event.payload.status }];
    case "turn.undone":
      return (event.payload.reverted ?? []).flatMap((r) => (r.kind === "proposal.cancelled" ? [{ turnId: event.payload.turnId, proposalId: r.proposalId, status: "rejected" as const }] : []));
    default:
      return [];
  }
}

/**
 * The message with its proposal card `proposalId` set to `status` (C17); the
 * same message when it has no such card. The projection, the archive and the
 * history page all fold `cardUpdatesOf` through here.
 */
export function withCardStatus<M extends { actions?: ActionCard[] | undefined }>(message: M, proposalId: string, status: SettledStatus): M {
  if (!message.actions?.some((a) => a.proposalId === proposalId)) return message;
  return { ...message, actions: message.actions.map((a) => (a.proposalId === proposalId ? { ...a, status } : a)) };
}

/** The message with each of its cards as it stands at `now` (`cardAt`); what the state and the history page serve. */
export function cardsAt<M extends { actions?: ActionCard[] | undefined }>(message: M, now: number): M {
  if (!message.actions?.some((a) => a.status === "proposed")) return message;
  return { ...message, actions: message.actions.map((a) => cardAt(a, now)) };
}
