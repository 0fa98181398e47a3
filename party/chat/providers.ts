/**
 * One provider interface, three implementations (docs/PROTOCOL.md C10):
 * Workers AI through the `AI` binding (production), any OpenAI-compatible
 * endpoint (Ollama, llama.cpp, vLLM, hosted APIs), and the built-in offline
 * assistant (local development and tests). All are AI SDK language models, so
 * the AI SDK parses each wire format and runs the tool loop the same way.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import { z } from "zod";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { offlineModel } from "./offline-model.ts";
import { ProviderConfigError } from "./provider-errors.ts";
import type { ToolEntry } from "./registry.ts";

export const WORKERS_AI_DEFAULT_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

export type ProviderEnv = {
  LLM_PROVIDER?: string;
  AI?: Ai;
  WORKERS_AI_MODEL?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_API_KEY?: string;
  OPENAI_MODEL?: string;
  OFFLINE_TOKEN_DELAY_MS?: string;
};

const ConfigSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("offline"), tokenDelayMs: z.coerce.number().int().min(0).max(2_000).default(25) }),
  z.object({ provider: z.literal("workers-ai"), model: z.string().min(1).default(WORKERS_AI_DEFAULT_MODEL) }),
  z.object({ provider: z.literal("openai"), baseURL: z.url(), apiKey: z.string().optional(), model: z.string().min(1) }),
]);
export type ProviderConfig = z.infer<typeof ConfigSchema>;

/** Reads and validates the provider settings; a bad setting is a clear error, not a crash mid-turn. */
export function providerConfig(env: ProviderEnv): Result<ProviderConfig> {
  const provider = env.LLM_PROVIDER || "offline";
  const raw =
    provider === "workers-ai"
      ? { provider, model: env.WORKERS_AI_MODEL || undefined }
      : provider === "openai"
        ? { provider, baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY || undefined, model: env.OPENAI_MODEL }
        : { provider, tokenDelayMs: env.OFFLINE_TOKEN_DELAY_MS || undefined };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) return fail("internal", `LLM provider settings are invalid: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.provider === "workers-ai" && !env.AI) return fail("internal", "LLM_PROVIDER=workers-ai needs the AI binding");
  return ok(parsed.data);
}

/** What a turn tells its model: the user's zone, and — for the offline assistant, which reads phrases per tool — the turn's tools. */
export type ModelOptions = { timeZone: string; now: () => Date; tools?: () => readonly ToolEntry[] };

export function languageModel(config: ProviderConfig, env: ProviderEnv, options: ModelOptions): LanguageModel {
  switch (config.provider) {
    case "workers-ai":
      return createWorkersAI({ binding: env.AI! })(config.model);
    case "openai":
      return createOpenAICompatible({ name: "openai-compatible", baseURL: config.baseURL, apiKey: config.apiKey })(config.model);
    case "offline":
      return offlineModel({ timeZone: options.timeZone, now: options.now, tokenDelayMs: config.tokenDelayMs, tools: options.tools });
  }
}

/** The configured model; invalid settings throw a ProviderConfigError, which fails the turn with a clear message (C7). */
export function configuredModel(env: ProviderEnv, options: ModelOptions): LanguageModel {
  const config = providerConfig(env);
  if (!config.ok) throw new ProviderConfigError(config.error.message);
  return languageModel(config.value, env, options);
}
