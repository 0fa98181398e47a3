/**
 * Builds the room's engines — chat and schedule — from the room's ports, and
 * reads their limits from configuration. Kept out of brain.ts so the Durable
 * Object stays an adapter (STYLE.md 3, 8).
 */
import type { LanguageModel } from "ai";
import type * as Y from "yjs";
import type { Command } from "../shared/commands.ts";
import type { Plan, Task } from "../shared/domain.ts";
import { fail, ok, type Result } from "../shared/errors.ts";
import { ChatEngine, type ChatLimits } from "./chat/engine.ts";
import { localDate } from "./chat/intents.ts";
import { languageModel, type ProviderEnv, providerConfig } from "./chat/providers.ts";
import { maintain } from "./chat/retention.ts";
import type { Applied, CommandContext } from "./core/commands.ts";
import { readNotes, readTasks } from "../shared/doc-schema.ts";
import type { Ledger } from "./core/ledger.ts";
import { memoriesOf } from "./core/projections.ts";
import { broadcast, type Client, currentDevices } from "./core/sockets.ts";
import type { SqlStore } from "./core/sql.ts";
import { log } from "./log.ts";
import { modelDraft, ruleDraft, toPlan } from "./schedule/plan.ts";
import { Schedule } from "./schedule/runner.ts";

/** What the Brain lends its engines: storage, the document, the clock, its sockets, the command path. */
export type EnginePorts = {
  env: ProviderEnv & LimitsEnv;
  userId: string;
  sql: SqlStore;
  ledger: Ledger;
  doc: Y.Doc;
  now: () => number;
  clients: () => Client[];
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  setAlarm: (at: number) => void;
  afterMaintenance: () => void;
};

export function buildEngines(p: EnginePorts): { chat: ChatEngine; schedule: Schedule } {
  const sockets = { clients: p.clients };
  const tasks = () => readTasks(p.doc);
  let chat: ChatEngine | null = null;
  const schedule = new Schedule({
    sql: p.sql,
    ledger: p.ledger,
    now: p.now,
    devices: () => currentDevices(sockets),
    sendToDevice: (deviceId, frame) => {
      for (const client of p.clients()) if (client.presence?.deviceId === deviceId) client.send(frame);
    },
    broadcast: (frame) => broadcast(sockets, frame),
    composePlan: (date, source) => composePlan({ env: p.env, ledger: p.ledger, tasks, now: p.now }, date, source),
    maintain: () => {
      const done = maintain({ sql: p.sql, ledger: p.ledger, store: chat!.store, now: p.now() });
      p.afterMaintenance();
      log("info", { event: "maintenance", userId: p.userId, detail: JSON.stringify(done) });
    },
    setAlarm: p.setAlarm,
    log: (event, detail) => log("warn", { event, userId: p.userId, detail }),
  });
  chat = new ChatEngine({
    userId: p.userId,
    sql: p.sql,
    ledger: p.ledger,
    now: p.now,
    limits: chatLimits(p.env),
    model: ({ timeZone }) => modelFor(p.env, timeZone, p.now),
    execute: p.execute,
    tasks,
    notes: () => readNotes(p.doc),
    proposePlan: () => schedule.proposePlan(localDate(p.ledger.state.preferences.timezone, new Date(p.now())), "chat"),
    onTurnEnd: ({ turnId, status, text }) => {
      // S8: the assistant finished while the user was elsewhere — tell the device in use.
      if (status === "completed" && !currentDevices(sockets).some((d) => d.focused)) schedule.notify("assistant", "Your assistant replied", text.slice(0, 200), turnId);
    },
    broadcast: (frame) => broadcast(sockets, frame),
    log: (event, fields) => log(event === "turn.failed" ? "warn" : "info", { event, userId: p.userId, ...fields }),
  });
  return { chat, schedule };
}

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
