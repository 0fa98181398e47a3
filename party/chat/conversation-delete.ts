/**
 * Deleting a conversation (docs/PROTOCOL.md T6, T7): one of at most
 * DELETE_WITHOUT_CONFIRM_MAX_MESSAGES messages goes at once; a bigger one is a
 * proposal of the user's own request (actor user, tool `delete_conversation`,
 * the usual 10-minute TTL, C8) whose confirmation runs the
 * `conversation.delete` command. Idempotent by client action id either way.
 */
import type { PendingProposal } from "../../shared/api.ts";
import type { Command } from "../../shared/commands.ts";
import { DELETE_WITHOUT_CONFIRM_MAX_MESSAGES } from "../../shared/conversations.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import { findConversation } from "../core/conversation-commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { ConversationIndex } from "./conversations.ts";
import { PROPOSAL_TTL_MS, type ChatStore } from "./store.ts";

export const DELETE_CONVERSATION_TOOL = "delete_conversation";

export type DeleteDeps = {
  ledger: Ledger;
  store: ChatStore;
  index: ConversationIndex;
  now: () => number;
  newId: () => string;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
};

export function deleteConversation(deps: DeleteDeps, conversationId: string, ctx: CommandContext): Result<{ value: unknown; duplicate: boolean; status: 200 | 202 }> {
  const command: Command = { kind: "conversation.delete", conversationId };
  const request = JSON.stringify(command);
  if (ctx.clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(ctx.clientActionId, request);
    if (prior.status === "conflict") return fail("conflict", `clientActionId ${ctx.clientActionId} was already used for a different request`);
    if (prior.status === "duplicate") {
      const value = prior.recorded.result;
      return ok({ value, duplicate: true, status: isProposal(value) ? 202 : 200 });
    }
  }
  const conversation = findConversation(deps.ledger.state, conversationId);
  if (!conversation) return fail("not_found", `conversation ${conversationId} does not exist`);
  const messages = deps.index.count(conversationId);
  if (messages <= DELETE_WITHOUT_CONFIRM_MAX_MESSAGES) {
    const applied = deps.execute(command, ctx);
    return applied.ok ? ok({ value: applied.value.result, duplicate: applied.value.duplicate, status: 200 }) : applied;
  }
  const proposalId = deps.newId();
  // No turn proposed it: the proposal stands for itself where a turn id goes.
  const turnId = proposalId;
  const summary = `Delete the conversation “${conversation.title}” and its ${messages} messages`;
  const proposal = deps.ledger.transaction(() => {
    const expiresAt = new Date(deps.store.propose(proposalId, turnId, DELETE_CONVERSATION_TOOL, command, summary, deps.now(), [], PROPOSAL_TTL_MS)).toISOString();
    const pending: PendingProposal = { id: proposalId, turnId, tool: DELETE_CONVERSATION_TOOL, summary, expiresAt };
    const result = { proposal: pending };
    deps.ledger.append({
      type: "proposal.created",
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      payload: { proposalId, tool: DELETE_CONVERSATION_TOOL, summary, expiresAt },
      clientActionId: ctx.clientActionId,
      request: ctx.clientActionId === undefined ? undefined : request,
      result,
    });
    return result;
  });
  return ok({ value: proposal, duplicate: false, status: 202 });
}

const isProposal = (value: unknown): boolean => typeof value === "object" && value !== null && "proposal" in value;
