/**
 * The assistant's daily limits (docs/PROTOCOL.md C13, G6): a token budget
 * that every model call reserves its upper bound from before it starts and is
 * charged after it however it ended, and a cap on each tool's uses. Both count
 * per local day of the user — in the preference zone at the time of the call —
 * from the ledger's projection, so an eviction resets nothing.
 */
import type { Ledger } from "../core/ledger.ts";
import { dayOf, secondsToNextDay } from "../../shared/dates.ts";
import { estimateTokens } from "./context.ts";
import type { TurnFailure } from "./turn.ts";

type Usage = { day: string; tokens: number; tools: Record<string, number> };

const utf8 = new TextEncoder();

/**
 * At most how many tokens `text` can be: its UTF-8 size. Byte-level BPE and
 * byte-fallback SentencePiece tokenizers never make more tokens than bytes, and
 * the JSON punctuation counted with a serialized prompt (quotes, braces,
 * `"role"`) outweighs the few special tokens a chat template adds per message.
 * About four times the usual count: the price of a bound that holds for emoji,
 * CJK and ids as well as for English.
 */
const tokensAtMost = (text: string): number => utf8.encode(text).length;

/** One model call as the provider gets it: the prompt (system included), the tool schemas, the cap on its answer. */
export type CallShape = { prompt: unknown; tools: unknown; maxOutputTokens: number };

/**
 * G6: what one call may cost at most — reserved before it starts — and what it
 * likely costs, which is charged when the provider does not count.
 */
export function callCost(call: CallShape): { bound: number; estimate: number } {
  const sent = JSON.stringify(call.prompt) + JSON.stringify(call.tools ?? []);
  return { bound: tokensAtMost(sent) + call.maxOutputTokens, estimate: estimateTokens(sent) };
}

/**
 * G6: null when `tokens` more fit today's budget (the local day in `timeZone`);
 * else the failure the turn ends with, without calling the model. A tally of a
 * later day than today's local date (the zone moved west) is still today's (C13).
 */
export function overBudget(usage: Usage, now: number, timeZone: string, dailyTokens: number, tokens: number): TurnFailure | null {
  const today = dayOf(now, timeZone);
  const spent = usage.day >= today ? usage.tokens : 0;
  if (spent + tokens <= dailyTokens) return null;
  const retryAfter = secondsToNextDay(now, timeZone, usage.day > today ? usage.day : today);
  return { code: "rate_limited", message: `today's assistant budget (${dailyTokens} tokens) is used up`, retryAfter };
}

/** What a call costs: the provider's count when it completed with one, else the estimate plus the text it produced. */
export function tokensToCharge(call: { completed: boolean; reported: number; estimate: number; text: string }): number {
  return call.completed && call.reported > 0 ? call.reported : call.estimate + estimateTokens(call.text);
}

/** Uses of `tool` counted on `day` (the local day a turn started: a turn crossing midnight counts on one day); a later tally counts too (C13). */
export const toolUses = (usage: Usage, day: string, tool: string): number => (usage.day >= day ? (usage.tools[tool] ?? 0) : 0);

export type ChargeDeps = { ledger: Ledger; now: () => number };

/** Records one use of a tool by a turn (`tool.used`), on today's local day; tokens are charged through reservations (reservations.ts). */
export function chargeTool(deps: ChargeDeps, turnId: string, requestId: string, tool: string): void {
  const day = dayOf(deps.now(), deps.ledger.state.preferences.timezone);
  deps.ledger.append({ type: "tool.used", actor: { kind: "assistant", turnId }, correlationId: requestId, payload: { day, tool } });
}
