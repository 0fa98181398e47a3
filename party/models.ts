/**
 * The configured language model, for a chat turn and for the daily plan
 * (C10, S5–S7). The provider settings were parsed once, with the rest of the
 * room's configuration (config.ts).
 */
import type { AgendaItem } from "../shared/agenda.ts";
import { dayRange } from "./schedule/agenda.ts";
import { busyOf, placeInDay } from "./schedule/plan-slots.ts";
import type { LanguageModel } from "ai";
import type { Plan, Task } from "../shared/domain.ts";
import { fail, ok, type Result } from "../shared/errors.ts";
import { ProviderConfigError } from "./chat/provider-errors.ts";
import { languageModel, type ModelOptions } from "./chat/providers.ts";
import type { RoomConfig } from "./config.ts";
import type { Ledger } from "./core/ledger.ts";
import { memoriesOf } from "./core/projections.ts";
import { modelDraft, type PlanDraft, ruleDraft, toPlan } from "./schedule/plan.ts";

/** The configured model for a turn; a bad configuration throws a clear error the turn reports as failed. */
export function modelFor(config: Pick<RoomConfig, "provider" | "providerEnv">, options: ModelOptions): LanguageModel {
  if (!config.provider.ok) throw new ProviderConfigError(config.provider.error.message);
  return languageModel(config.provider.value, config.providerEnv, options);
}

/**
 * S5–S7: the plan for `date`. The offline assistant plans by rule; a model
 * must answer strict JSON (one retry), or the plan fails clearly.
 */
export async function composePlan(
  deps: {
    config: Pick<RoomConfig, "provider" | "providerEnv" | "chat">;
    ledger: Ledger;
    tasks: () => Task[];
    now: () => number;
    model?: () => LanguageModel;
    /** Gates the model's calls by the daily budget (C13); the plan fails clearly when a call does not fit. */
    gate?: () => { wrap(model: LanguageModel): LanguageModel; settleAll(): void; readonly refusal: { message: string } | null };
    /** K26: the day's agenda, so the plan's items go into its free time; without it they have no times. */
    agenda?: (from: number, to: number) => AgendaItem[];
  },
  date: string,
  source: Plan["source"],
): Promise<Result<Plan>> {
  const state = deps.ledger.state;
  const placed = (plan: Plan): Plan => {
    if (!deps.agenda) return plan;
    const { from, to } = dayRange(date, state.preferences.timezone);
    return placeInDay(plan, busyOf(deps.agenda(from, to)), state.preferences, deps.now());
  };
  const input = { tasks: deps.tasks(), memories: memoriesOf(state), preferences: state.preferences, now: deps.now() };
  const config = deps.config.provider;
  if (!config.ok) return fail("internal", config.error.message);
  if (config.value.provider === "offline" && !deps.model) {
    const rule = ruleDraft(input);
    const draft = rule ?? { draft: { priorities: [], todos: [], note: "Nothing open today — a good day to get ahead." }, taskIds: [] };
    return ok(placed(toPlan(date, draft.draft, draft.taskIds, source, input.now)));
  }
  const bare = deps.model ? deps.model() : modelFor(deps.config, { timeZone: state.preferences.timezone, now: () => new Date(deps.now()) });
  const gate = deps.gate?.();
  let drafted: Result<PlanDraft>;
  try {
    drafted = await modelDraft(gate ? gate.wrap(bare) : bare, input, deps.config.chat.maxOutputTokens);
  } finally {
    gate?.settleAll();
  }
  if (gate?.refusal) return fail("rate_limited", gate.refusal.message);
  if (!drafted.ok) return drafted;
  // Link items to tasks whose titles they repeat, so accepting keeps the task.
  const byTitle = new Map(input.tasks.map((t) => [t.title.toLowerCase(), t.id]));
  const ids = [...drafted.value.priorities, ...drafted.value.todos].map((t) => byTitle.get(t.toLowerCase()) ?? null);
  return ok(placed(toPlan(date, drafted.value, ids, source, input.now)));
}
