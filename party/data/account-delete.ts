/**
 * Deleting the account's room (docs/PROTOCOL.md U13–U17): `DELETE
 * /api/v1/account` only proposes it (tool `delete_account`, 10 minutes, like
 * any proposal the user confirms from their own client, C8); confirmed, the
 * host empties the room's storage — every table, the alarm — closes every
 * socket with `CLOSE_CODES.accountDeleted` and restarts the object empty.
 */
import { z } from "zod";
import type { PendingProposal } from "../../shared/api.ts";
import type { Actor } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { ProposalDeps } from "../chat/proposals.ts";
import type { ChatStore, ProposalRow } from "../chat/store.ts";
import type { Ledger } from "../core/ledger.ts";

export const DELETE_ACCOUNT_TOOL = "delete_account";
/** U13: the proposal stays open this long. */
export const ACCOUNT_DELETE_TTL_MS = 10 * 60 * 1000;
export const ACCOUNT_DELETE_SUMMARY =
  "Delete your account: every task, note, goal, message, memory, plan, reminder, calendar and device of it is erased from the server, and every device is signed out. This cannot be undone — download an export first if you want a copy.";

/** What the proposal stores in place of a command. */
export const AccountDeleteSchema = z.strictObject({ kind: z.literal("account.delete") });
export type AccountDelete = z.infer<typeof AccountDeleteSchema>;

export function isAccountDelete(stored: string): boolean {
  try {
    return AccountDeleteSchema.safeParse(JSON.parse(stored)).success;
  } catch {
    return false;
  }
}

/** U13: the proposal (one pending at a time: asking again while one is open answers it again). */
export function proposeAccountDelete(deps: { store: ChatStore; ledger: Ledger; now: () => number; newId: () => string }, actor: Actor, requestId: string): PendingProposal {
  const open = deps.store.pendingProposals(deps.now()).find((p) => p.tool === DELETE_ACCOUNT_TOOL);
  if (open) return open;
  const id = deps.newId();
  const turnId = `account-${id}`;
  const command: AccountDelete = { kind: "account.delete" };
  const expiresAt = deps.ledger.transaction(() => {
    const at = new Date(deps.store.propose(id, turnId, DELETE_ACCOUNT_TOOL, command, ACCOUNT_DELETE_SUMMARY, deps.now(), [], ACCOUNT_DELETE_TTL_MS)).toISOString();
    deps.ledger.append({
      type: "proposal.created",
      actor,
      correlationId: requestId,
      payload: { proposalId: id, tool: DELETE_ACCOUNT_TOOL, summary: ACCOUNT_DELETE_SUMMARY, expiresAt: at },
    });
    return at;
  });
  return { id, turnId, tool: DELETE_ACCOUNT_TOOL, summary: ACCOUNT_DELETE_SUMMARY, expiresAt };
}

/**
 * U14: the confirmation is recorded like any other (every device's card
 * settles), then the host erases everything. A host without the port (a
 * test's Node room) refuses, changing nothing.
 */
export function confirmAccountDelete(deps: ProposalDeps, p: ProposalRow, actor: Actor, requestId: string): Result<{ proposalId: string; result: unknown }> {
  const erase = deps.deleteAccount;
  if (!erase) return fail("internal", "this server cannot delete accounts");
  deps.ledger.transaction(() => {
    deps.store.settleProposal(p.id, "confirmed");
    deps.ledger.append({ type: "proposal.confirmed", actor, correlationId: requestId, payload: { proposalId: p.id, turnId: p.turn_id, tool: p.tool } });
  });
  erase();
  return ok({ proposalId: p.id, result: { deleted: true } });
}
