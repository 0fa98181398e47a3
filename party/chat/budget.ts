/**
 * The assistant's daily limits (docs/PROTOCOL.md C13, G6): a token budget
 * checked before each turn and charged after it however it ended, and a cap on
 * each tool's uses. Both count per UTC day from the ledger's projection, so an
 * eviction resets nothing.
 */
import type { Ledger } from "../core/ledger.ts";
import { dayOf, secondsToMidnightUtc } from "../../shared/dates.ts";
import { estimateTokens } from "./context.ts";
import type { TurnFailure } from "./turn.ts";

/** Headroom for the reply, added to the prompt's estimated size when checking the budget. */
export const REPLY_TOKENS_ESTIMATE = 500;

type Usage = { day: string; tokens: number; tools: Record<string, number> };

/** A turn's prompt as the budget sees it: its size is an estimate until the provider counts. */
export function estimatePrompt(prompt: { system: string; messages: readonly { content: unknown }[] }): number {
  return estimateTokens(prompt.system) + prompt.messages.reduce((n, m) => n + estimateTokens(String(m.content)), 0) + REPLY_TOKENS_ESTIMATE;
}

/** G6: null when the turn fits today's budget; else the failure it ends with, without calling the model. */
export function overBudget(usage: Usage, now: number, dailyTokens: number, estimate: number): TurnFailure | null {
  const spent = usage.day === dayOf(now) ? usage.tokens : 0;
  if (spent + estimate <= dailyTokens) return null;
  return { code: "rate_limited", message: `today's assistant budget (${dailyTokens} tokens) is used up`, retryAfter: secondsToMidnightUtc(now) };
}

/** What a turn costs: the provider's count when it completed with one, else the estimate plus the text it produced. */
export function tokensToCharge(turn: { completed: boolean; reported: number; estimate: number; text: string }): number {
  return turn.completed && turn.reported > 0 ? turn.reported : turn.estimate + estimateTokens(turn.text);
}

/** Uses of `tool` counted on `day` (the day a turn started: a turn crossing midnight counts on one day). */
export const toolUses = (usage: Usage, day: string, tool: string): number => (usage.day === day ? (usage.tools[tool] ?? 0) : 0);

export type ChargeDeps = { ledger: Ledger; now: () => number };

/** Records tokens spent (`usage.charged`) or one tool use (`tool.used`) by a turn, on today's UTC day. */
export function charge(deps: ChargeDeps, turnId: string, requestId: string, what: { tokens: number } | { tool: string }): void {
  const actor = { kind: "assistant" as const, turnId };
  const day = dayOf(deps.now());
  if ("tokens" in what) deps.ledger.append({ type: "usage.charged", actor, correlationId: requestId, payload: { day, tokens: what.tokens } });
  else deps.ledger.append({ type: "tool.used", actor, correlationId: requestId, payload: { day, tool: what.tool } });
}
