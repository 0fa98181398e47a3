/**
 * One provider interface, three implementations (docs/PROTOCOL.md C10):
 * Workers AI through the `AI` binding (production), any OpenAI-compatible
 * endpoint (Ollama, llama.cpp, vLLM, hosted APIs), and the built-in offline
 * assistant (local development and tests). All are AI SDK language models, so
 * the AI SDK parses each wire format and runs the tool loop the same way.
 * Their settings are read and checked with the rest of the configuration
 * (party/config.ts).
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { ProviderConfig, ProviderEnv } from "../config.ts";
import { offlineModel } from "./offline-model.ts";
import type { ToolEntry } from "./registry.ts";

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
