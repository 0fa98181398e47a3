/**
 * Builds the room's engines — chat and schedule — from the room's ports, and
 * reads their limits from configuration. Kept out of brain.ts so the Durable
 * Object stays an adapter (STYLE.md 3, 8).
 */
import type { LanguageModel } from "ai";
import type { Plan } from "../shared/domain.ts";
import { fail, ok, type Result } from "../shared/errors.ts";
import type { ChatLimits } from "./chat/engine.ts";
import { languageModel, type ProviderEnv, providerConfig } from "./chat/providers.ts";
import type { Ledger } from "./core/ledger.ts";
import { memoriesOf } from "./core/projections.ts";
import type { Task } from "../shared/domain.ts";
import { modelDraft, ruleDraft, toPlan } from "./schedule/plan.ts";

export type LimitsEnv = { MESSAGES_PER_MINUTE?: string; LLM_DAILY_TOKEN_BUDGET?: string; TOOL_DAILY_CAP?: string };

export function chatLimits(env: LimitsEnv): ChatLimits {
  const n = (raw: string | undefined, fallback: number) => (Number.isFinite(Number(raw)) && Number(raw) > 0 ? Number(raw) : fallback);
  return {
    messagesPerMinute: n(env.MESSAGES_PER_MINUTE, 60),
    dailyTokens: n(env.LLM_DAILY_TOKEN_BUDGET, 100_000),
    toolDailyCap: n(env.TOOL_DAILY_CAP, 200),
  };
}

/** The configured model for a turn; a bad configuration throws a clear error the turn reports as failed. */
export function modelFor(env: ProviderEnv, timeZone: string, now: () => number): LanguageModel {
  const config = providerConfig(env);
  if (!config.ok) throw new Error(config.error.message);
  return languageModel(config.value, env, { timeZone, now: () => new Date(now()) });
}

/**
 * S5–S7: the plan for `date`. The offline assistant plans by rule; a model
 * must answer strict JSON (one retry), or the plan fails clearly.
 */
export async function composePlan(
  deps: { env: ProviderEnv; ledger: Ledger; tasks: () => Task[]; now: () => number; model?: () => LanguageModel },
  date: string,
  source: Plan["source"],
): Promise<Result<Plan>> {
  const state = deps.ledger.state;
  const input = { tasks: deps.tasks(), memories: memoriesOf(state), preferences: state.preferences, now: deps.now() };
  const config = providerConfig(deps.env);
  if (!config.ok) return fail("internal", config.error.message);
  if (config.value.provider === "offline" && !deps.model) {
    const rule = ruleDraft(input);
    const draft = rule ?? { draft: { priorities: [], todos: [], note: "Nothing open today — a good day to get ahead." }, taskIds: [] };
    return ok(toPlan(date, draft.draft, draft.taskIds, source, input.now));
  }
  const model = deps.model ? deps.model() : modelFor(deps.env, state.preferences.timezone, deps.now);
  const drafted = await modelDraft(model, input);
  if (!drafted.ok) return drafted;
  // Link items to tasks whose titles they repeat, so accepting keeps the task.
  const byTitle = new Map(input.tasks.map((t) => [t.title.toLowerCase(), t.id]));
  const ids = [...drafted.value.priorities, ...drafted.value.todos].map((t) => byTitle.get(t.toLowerCase()) ?? null);
  return ok(toPlan(date, drafted.value, ids, source, input.now));
}
