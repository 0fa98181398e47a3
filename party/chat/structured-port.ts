/**
 * B11: proposals whose entries are confirmed one by one (the architect's
 * plan, rescheduling moves). The chat's confirm path hands them to their
 * owner (party/goals/structured.ts); chat/ does not import goals/.
 */
import type { Result } from "../../shared/errors.ts";
import type { ConfirmSelection } from "../../shared/goals.ts";
import type { ProposalRow } from "./store.ts";

export type StructuredProposals = {
  /** Whether the proposal is one of these. */
  owns(proposalId: string): boolean;
  /**
   * Checks the selection (unknown entry ids, edits that break a block's span
   * are `invalid_request`, and nothing is written: the proposal stays
   * pending), then applies the accepted entries. Runs inside the confirm's
   * ledger transaction; `conflict` when the document moved on (a block gone).
   */
  apply(p: ProposalRow, selection: ConfirmSelection, requestId: string): Result<{ accepted: string[]; result: unknown }>;
};

/** B17: what the user asked to move: missed blocks of today (by a word of their title), or a part of today to tomorrow. */
export type RescheduleRequest =
  /** Blocks of today already begun or past, whose title has `match` (all of them without one). */
  | { kind: "missed"; match?: string | undefined }
  /** Today's morning (before 12:00), afternoon (from 12:00) or all blocks, to tomorrow. */
  | { kind: "part"; part: "morning" | "afternoon" | "all" };

/** B17: what the tool gets back: the proposal made, or why there is nothing to move. */
export type Rescheduled = { proposalId: string; summary: string; moves: number; unplaced: string[] } | { nothing: string };

/** B17: the room's rescheduling, as the chat's tool calls it inside a turn. */
export type ReschedulePort = (turnId: string, requestId: string, request: RescheduleRequest) => Rescheduled;
