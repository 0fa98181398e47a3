/**
 * The room's configuration, read once from the worker's `env` with zod. Every
 * default lives here and nowhere else (wrangler.jsonc sets only what production
 * changes; `npm start` and the tests override through the environment).
 *
 * A bad value never crashes a room: the field falls back to its default and the
 * problem is reported once, at start, as a clear log line (`config.invalid`).
 * The provider settings are the exception: a bad provider is kept as an error
 * value, so each turn can say plainly what is wrong (C10).
 */
import { z } from "zod";
import type { Result } from "../shared/errors.ts";
import type { ChatLimits } from "./chat/engine.ts";
import { type ProviderConfig, type ProviderEnv, providerConfig } from "./chat/providers.ts";

const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** Numeric settings, their bounds and their defaults (README "Configure it"). */
const NumbersSchema = z.object({
  RATE_LIMIT_WRITES_PER_MINUTE: perMinute(120),
  RATE_LIMIT_FRAMES_PER_MINUTE: perMinute(600),
  RATE_LIMIT_YJS_FRAMES_PER_MINUTE: perMinute(3_000),
  MESSAGES_PER_MINUTE: perMinute(60),
  LLM_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(1).max(1_000_000_000).default(100_000),
  TOOL_DAILY_CAP: z.coerce.number().int().min(1).max(1_000_000).default(200),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

type Numbers = z.infer<typeof NumbersSchema>;

export type RateLimits = {
  /** HTTP writes per user per minute (H10). */
  writesPerMinute: number;
  /** JSON frames per socket per minute (P10). */
  framesPerMinute: number;
  /** Yjs (binary) frames per socket per minute (P4). */
  yjsFramesPerMinute: number;
};

export type RoomConfig = {
  rates: RateLimits;
  chat: ChatLimits;
  logLevel: Numbers["LOG_LEVEL"];
  /** The LLM provider, or why its settings are unusable. */
  provider: Result<ProviderConfig>;
  /** The raw provider settings and the AI binding, which the provider needs to build a model. */
  providerEnv: ProviderEnv;
  /** What was wrong with the settings, each already replaced by its default. */
  problems: string[];
};

/** Empty strings mean "not set": wrangler vars cannot be absent once declared. */
const unset = (value: unknown) => (value === "" ? undefined : value);

export function parseConfig(env: object): RoomConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(NumbersSchema.shape)) raw[key] = unset(Reflect.get(env, key));
  const problems: string[] = [];
  const numbers: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(NumbersSchema.shape)) {
    const parsed = schema.safeParse(raw[key]);
    if (parsed.success) numbers[key] = parsed.data;
    else problems.push(`${key}=${JSON.stringify(raw[key])}: ${parsed.error.issues[0]?.message ?? "invalid"}; using the default`);
  }
  const n = NumbersSchema.parse(Object.fromEntries(Object.entries(numbers)));
  const providerEnv = providerEnvOf(env);
  return {
    rates: {
      writesPerMinute: n.RATE_LIMIT_WRITES_PER_MINUTE,
      framesPerMinute: n.RATE_LIMIT_FRAMES_PER_MINUTE,
      yjsFramesPerMinute: n.RATE_LIMIT_YJS_FRAMES_PER_MINUTE,
    },
    chat: {
      messagesPerMinute: n.MESSAGES_PER_MINUTE,
      dailyTokens: n.LLM_DAILY_TOKEN_BUDGET,
      toolDailyCap: n.TOOL_DAILY_CAP,
    },
    logLevel: n.LOG_LEVEL,
    provider: providerConfig(providerEnv),
    providerEnv,
    problems,
  };
}

const ProviderEnvSchema = z.object({
  LLM_PROVIDER: z.string().max(64).optional(),
  WORKERS_AI_MODEL: z.string().max(256).optional(),
  OPENAI_BASE_URL: z.string().max(2_048).optional(),
  OPENAI_API_KEY: z.string().max(4_096).optional(),
  OPENAI_MODEL: z.string().max(256).optional(),
  OFFLINE_TOKEN_DELAY_MS: z.string().max(16).optional(),
});

function providerEnvOf(env: object): ProviderEnv {
  const strings: Record<string, unknown> = {};
  for (const key of Object.keys(ProviderEnvSchema.shape)) {
    const value = unset(Reflect.get(env, key));
    if (typeof value === "string") strings[key] = value;
  }
  const parsed = ProviderEnvSchema.safeParse(strings);
  const ai: unknown = Reflect.get(env, "AI");
  return { ...(parsed.success ? parsed.data : {}), ...(isAi(ai) ? { AI: ai } : {}) };
}

const isAi = (value: unknown): value is Ai => typeof value === "object" && value !== null && "run" in value;
