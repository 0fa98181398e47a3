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
import { fail, ok, type Result } from "../shared/errors.ts";
import type { ChatLimits } from "./chat/engine.ts";
import { type VapidConfig, vapidConfig } from "./push/vapid.ts";
import { VOICE_KEYS, type VoiceConfig, voiceConfig, type VoiceEnv } from "./voice/config.ts";

const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** Numeric settings, their bounds and their defaults (README "Configure it"). */
const NumbersSchema = z.object({
  RATE_LIMIT_WRITES_PER_MINUTE: perMinute(120),
  RATE_LIMIT_FRAMES_PER_MINUTE: perMinute(600),
  RATE_LIMIT_YJS_FRAMES_PER_MINUTE: perMinute(3_000),
  RATE_LIMIT_YJS_OPS_PER_MINUTE: z.coerce.number().int().min(100).max(100_000_000).default(20_000),
  RATE_LIMIT_YJS_BYTES_PER_MINUTE: z.coerce.number().int().min(1_024).max(1_000_000_000).default(2 * 1024 * 1024),
  RATE_LIMIT_DEVICE_EDITS_PER_MINUTE: perMinute(600),
  RATE_LIMIT_YJS_SYNC_STRUCTS_PER_MINUTE: z.coerce.number().int().min(1_000).max(1_000_000_000).default(200_000),
  DOC_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(1_000_000_000).default(5 * 1024 * 1024),
  MESSAGES_PER_MINUTE: perMinute(60),
  LLM_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(1).max(1_000_000_000).default(100_000),
  TOOL_DAILY_CAP: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Uses of each MCP tool per user per day (M10); a flight search is capped at 10 whatever this says (M11). */
  MCP_TOOL_DAILY_CAP: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Each model call's answer is capped at this, and reserves it from the daily budget before it starts (C13). */
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(100_000).default(1_024),
  DEV_LOGINS_PER_MINUTE: perMinute(30),
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

/** The user's budget of Yjs work and the document's size cap (D12, D14). */
export type YjsLimits = {
  /** Yjs operations (new structs, delete ranges that remove something) per user per minute. */
  opsPerMinute: number;
  /** Bytes of binary frames per user per minute. */
  bytesPerMinute: number;
  /** Task and note entries created, deleted or changed by devices (outside note bodies) per user per minute. */
  entryEditsPerMinute: number;
  /** Structs the room sends per user per minute in answer to state requests (sync step 1). */
  syncStructsPerMinute: number;
  /** Most bytes the stored document (base chunks and update rows) may reach through device updates. */
  maxDocBytes: number;
};

export type RoomConfig = {
  rates: RateLimits;
  yjs: YjsLimits;
  chat: ChatLimits;
  logLevel: Numbers["LOG_LEVEL"];
  /** Development logins per minute, for the whole worker isolate (W4). */
  devLoginsPerMinute: number;
  /** The LLM provider, or why its settings are unusable. */
  provider: Result<ProviderConfig>;
  /** The raw provider settings and the AI binding, which the provider needs to build a model. */
  providerEnv: ProviderEnv;
  /** Web Push's VAPID keys (N1), or why push is off: `not_found` when unset, `internal` when set wrong. */
  push: Result<VapidConfig>;
  /** `ENVIRONMENT=development`: push endpoints may also be http on loopback (N4). */
  development: boolean;
  /** `MCP_TOOL_DAILY_CAP` (M10). */
  mcpToolDailyCap: number;
  /** Speech-to-text, speech and the voice minutes (V6–V9, V19). */
  voice: VoiceConfig;
  /** What was wrong with the settings, each already replaced by its default. */
  problems: string[];
};

/** Empty strings mean "not set": wrangler vars cannot be absent once declared. */
const unset = (value: unknown) => (value === "" ? undefined : value);

/** The configuration of one `env`, parsed on first use: the worker's `env` is the same object for every request of an isolate. */
const parsed = new WeakMap<object, RoomConfig>();
export function configOf(env: object): RoomConfig {
  let config = parsed.get(env);
  if (!config) parsed.set(env, (config = parseConfig(env)));
  return config;
}

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
  const push = vapidConfig(env);
  if (!push.ok && push.error.code !== "not_found") problems.push(`${push.error.message}; push is off`);
  return {
    rates: {
      writesPerMinute: n.RATE_LIMIT_WRITES_PER_MINUTE,
      framesPerMinute: n.RATE_LIMIT_FRAMES_PER_MINUTE,
      yjsFramesPerMinute: n.RATE_LIMIT_YJS_FRAMES_PER_MINUTE,
    },
    yjs: {
      opsPerMinute: n.RATE_LIMIT_YJS_OPS_PER_MINUTE,
      bytesPerMinute: n.RATE_LIMIT_YJS_BYTES_PER_MINUTE,
      entryEditsPerMinute: n.RATE_LIMIT_DEVICE_EDITS_PER_MINUTE,
      syncStructsPerMinute: n.RATE_LIMIT_YJS_SYNC_STRUCTS_PER_MINUTE,
      maxDocBytes: n.DOC_MAX_BYTES,
    },
    chat: {
      messagesPerMinute: n.MESSAGES_PER_MINUTE,
      dailyTokens: n.LLM_DAILY_TOKEN_BUDGET,
      toolDailyCap: n.TOOL_DAILY_CAP,
      maxOutputTokens: n.LLM_MAX_OUTPUT_TOKENS,
    },
    logLevel: n.LOG_LEVEL,
    devLoginsPerMinute: n.DEV_LOGINS_PER_MINUTE,
    provider: providerConfig(providerEnv),
    providerEnv,
    push,
    development: Reflect.get(env, "ENVIRONMENT") === "development",
    mcpToolDailyCap: n.MCP_TOOL_DAILY_CAP,
    voice: voiceConfig(voiceEnvOf(env), problems),
    problems,
  };
}

export const WORKERS_AI_DEFAULT_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

/** The provider's raw settings as strings, and the AI binding. */
export type ProviderEnv = {
  LLM_PROVIDER?: string;
  AI?: Ai;
  WORKERS_AI_MODEL?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_API_KEY?: string;
  OPENAI_MODEL?: string;
  OFFLINE_TOKEN_DELAY_MS?: string;
};

const PROVIDER_KEYS = ["LLM_PROVIDER", "WORKERS_AI_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "OFFLINE_TOKEN_DELAY_MS"] as const;

const ProviderConfigSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("offline"), tokenDelayMs: z.coerce.number().int().min(0).max(2_000).default(25) }),
  z.object({ provider: z.literal("workers-ai"), model: z.string().min(1).max(256).default(WORKERS_AI_DEFAULT_MODEL) }),
  z.object({
    provider: z.literal("openai"),
    baseURL: z.url().max(2_048),
    apiKey: z.string().max(4_096).optional(),
    model: z.string().min(1).max(256),
  }),
]);
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/** Reads and validates the provider settings; a bad setting is a clear error value, never a silent fallback (C10). */
export function providerConfig(env: ProviderEnv): Result<ProviderConfig> {
  const provider = env.LLM_PROVIDER || "offline";
  const raw =
    provider === "workers-ai"
      ? { provider, model: env.WORKERS_AI_MODEL || undefined }
      : provider === "openai"
        ? { provider, baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY || undefined, model: env.OPENAI_MODEL }
        : { provider, tokenDelayMs: env.OFFLINE_TOKEN_DELAY_MS || undefined };
  const parsed = ProviderConfigSchema.safeParse(raw);
  if (!parsed.success) return fail("internal", `LLM provider settings are invalid: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.provider === "workers-ai" && !env.AI) return fail("internal", "LLM_PROVIDER=workers-ai needs the AI binding");
  return ok(parsed.data);
}

/** The provider's settings from `env`: strings only (a binding or object under those names is not a setting), and the AI binding. */
function providerEnvOf(env: object): ProviderEnv {
  const out: ProviderEnv = {};
  for (const key of PROVIDER_KEYS) {
    const value = unset(Reflect.get(env, key));
    if (typeof value === "string") out[key] = value;
  }
  const ai: unknown = Reflect.get(env, "AI");
  if (isAi(ai)) out.AI = ai;
  return out;
}

/** The voice settings from `env`: strings only, and whether the AI binding is there. */
function voiceEnvOf(env: object): VoiceEnv {
  const out: VoiceEnv = { hasAi: isAi(Reflect.get(env, "AI")) };
  for (const key of VOICE_KEYS) {
    const value = unset(Reflect.get(env, key));
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

const isAi = (value: unknown): value is Ai => typeof value === "object" && value !== null && "run" in value;
