/**
 * The voice settings (docs/PROTOCOL.md V6–V9, V19), read with the rest of the
 * room's configuration (party/config.ts). Speech-to-text and speech are
 * configured apart: each is off (`""`, plain `npm start`), Workers AI through
 * the `AI` binding (production), or an OpenAI-compatible server. A provider
 * set but unusable is kept as an error value naming the setting, as C10 does
 * for the language model: a voice request says plainly what is wrong.
 */
import { z } from "zod";
import { fail, ok, type Result } from "../../shared/errors.ts";

export const WORKERS_AI_STT_MODEL = "@cf/openai/whisper-large-v3-turbo";
export const WORKERS_AI_TTS_MODEL = "@cf/deepgram/aura-1";
export const OPENAI_STT_MODEL = "whisper-1";
export const OPENAI_TTS_MODEL = "tts-1";

/** One direction's provider: which, the model, and for an OpenAI-compatible server where and how. */
export type VoiceProviderConfig =
  | { provider: "workers-ai"; model: string; voice?: string }
  | { provider: "openai"; baseURL: string; apiKey?: string; model: string; voice?: string };

export type VoiceConfig = {
  /** Speech-to-text: null when off, else the provider or why its settings are unusable. */
  transcription: Result<VoiceProviderConfig> | null;
  /** Speech: null when off, else the provider or why its settings are unusable. */
  speech: Result<VoiceProviderConfig> | null;
  /** V19: `VOICE_MINUTES_PER_DAY`. */
  minutesPerDay: number;
};

/** The settings as strings (wrangler vars), and whether the AI binding exists. */
export const VOICE_KEYS = [
  "STT_PROVIDER",
  "STT_MODEL",
  "STT_BASE_URL",
  "STT_API_KEY",
  "TTS_PROVIDER",
  "TTS_MODEL",
  "TTS_VOICE",
  "TTS_BASE_URL",
  "TTS_API_KEY",
  "VOICE_MINUTES_PER_DAY",
] as const;
export type VoiceEnv = Partial<Record<(typeof VOICE_KEYS)[number], string>> & { hasAi: boolean };

const MinutesSchema = z.coerce.number().int().min(1).max(24 * 60).default(30);

export function voiceConfig(env: VoiceEnv, problems: string[] = []): VoiceConfig {
  const minutes = MinutesSchema.safeParse(env.VOICE_MINUTES_PER_DAY || undefined);
  if (!minutes.success) problems.push(`VOICE_MINUTES_PER_DAY=${JSON.stringify(env.VOICE_MINUTES_PER_DAY)}: ${minutes.error.issues[0]?.message ?? "invalid"}; using the default`);
  return {
    transcription: direction("STT", env, WORKERS_AI_STT_MODEL, OPENAI_STT_MODEL),
    speech: direction("TTS", env, WORKERS_AI_TTS_MODEL, OPENAI_TTS_MODEL),
    minutesPerDay: minutes.success ? minutes.data : 30,
  };
}

const UrlSchema = z.url({ protocol: /^https?$/ }).max(2_048);
const ModelSchema = z.string().min(1).max(256);

function direction(prefix: "STT" | "TTS", env: VoiceEnv, workersModel: string, openaiModel: string): Result<VoiceProviderConfig> | null {
  const get = (name: "PROVIDER" | "MODEL" | "BASE_URL" | "API_KEY") => env[`${prefix}_${name}`] || undefined;
  const provider = get("PROVIDER");
  const voice = prefix === "TTS" ? env.TTS_VOICE || undefined : undefined;
  if (provider === undefined || provider === "none") return null;
  const model = ModelSchema.safeParse(get("MODEL") ?? (provider === "workers-ai" ? workersModel : openaiModel));
  if (!model.success) return fail("internal", `${prefix}_MODEL is not a model name`);
  if (provider === "workers-ai") {
    if (!env.hasAi) return fail("internal", `${prefix}_PROVIDER=workers-ai needs the AI binding`);
    return ok({ provider, model: model.data, ...(voice ? { voice } : {}) });
  }
  if (provider === "openai") {
    const baseURL = UrlSchema.safeParse(get("BASE_URL"));
    if (!baseURL.success) return fail("internal", `${prefix}_PROVIDER=openai needs ${prefix}_BASE_URL, an http(s) URL such as http://127.0.0.1:8000/v1`);
    const apiKey = get("API_KEY");
    return ok({ provider, baseURL: baseURL.data.replace(/\/+$/, ""), model: model.data, ...(apiKey ? { apiKey } : {}), ...(voice ? { voice } : {}) });
  }
  return fail("internal", `${prefix}_PROVIDER must be workers-ai, openai or empty, not ${JSON.stringify(provider.slice(0, 40))}`);
}
