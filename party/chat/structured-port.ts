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
