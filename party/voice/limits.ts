/**
 * V19, V20: what voice may use today, checked before a provider is called.
 * Voice seconds (speech-to-text and speech together) count against
 * VOICE_MINUTES_PER_DAY; their tokens (seconds × VOICE_TOKENS_PER_SECOND for a
 * clip, the text's estimate for speech) against the assistant's daily token
 * budget, with the chat's own check (budget.ts). Both per local day of the
 * user, from the ledger's projection, so an eviction resets nothing.
 */
import { dayOf, secondsToNextDay } from "../../shared/dates.ts";
import type { AppError } from "../../shared/errors.ts";
import { SPEECH_CHARS_PER_SECOND, VOICE_TOKENS_PER_SECOND } from "../../shared/voice.ts";
import { overBudget } from "../chat/budget.ts";
import { estimateTokens } from "../chat/context.ts";
import type { Usage } from "../core/projections.ts";

export type VoiceCost = { seconds: number; tokens: number };

/** V20: a clip of `seconds` costs Whisper's 50 positions a second (rounded up). */
export const transcriptionCost = (seconds: number): VoiceCost => ({ seconds, tokens: Math.ceil(seconds * VOICE_TOKENS_PER_SECOND) });

/** V20: speech counts 15 characters a second in the minutes and the text's tokens in the budget. */
export const speechCost = (text: string): VoiceCost => ({ seconds: text.length / SPEECH_CHARS_PER_SECOND, tokens: estimateTokens(text) });

/** Voice seconds used on today's local day (a later tally, the zone moved west, is still today's: C13). */
export function voiceSecondsToday(usage: Usage, now: number, timeZone: string): number {
  return usage.day >= dayOf(now, timeZone) ? (usage.voiceSeconds ?? 0) : 0;
}

export type LimitDeps = {
  usage: Usage;
  now: number;
  timeZone: string;
  minutesPerDay: number;
  dailyTokens: number;
  /** V25: provider calls under way, not charged yet: counted as if they were. */
  inFlight?: VoiceCost;
};

/** Null when `cost` fits today's voice minutes and token budget; else the `rate_limited` error with when to retry. */
export function voiceRefusal(deps: LimitDeps, own: VoiceCost): AppError | null {
  const { usage, now, timeZone, minutesPerDay, dailyTokens } = deps;
  const cost = { seconds: own.seconds + (deps.inFlight?.seconds ?? 0), tokens: own.tokens + (deps.inFlight?.tokens ?? 0) };
  const used = voiceSecondsToday(usage, now, timeZone);
  if (used + cost.seconds > minutesPerDay * 60) {
    const today = dayOf(now, timeZone);
    const retryAfter = secondsToNextDay(now, timeZone, usage.day > today ? usage.day : today);
    return { code: "rate_limited", message: `today's voice minutes (${minutesPerDay}, VOICE_MINUTES_PER_DAY) are used up`, retryAfter };
  }
  const budget = overBudget(usage, now, timeZone, dailyTokens, cost.tokens);
  return budget ? { code: "rate_limited", message: budget.message, ...(budget.retryAfter !== undefined ? { retryAfter: budget.retryAfter } : {}) } : null;
}
