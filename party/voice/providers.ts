/**
 * V6–V9: the voice providers from the configuration, behind the one interface of
 * party/voice/types.ts. Both directions go through the AI SDK
 * (`experimental_transcribe`, `experimental_generateSpeech`) with Workers AI's
 * binding (production) or an OpenAI-compatible server (whisper.cpp, speaches,
 * Kokoro-FastAPI, hosted APIs). A failure is thrown as a VoiceProviderError whose
 * message is a sentence naming the provider and the setting to check — never the
 * provider's body or a stack (V8); `voiceProviderFailure` turns any error into the
 * AppError the caller reports.
 */
import { OpenAISpeechModel, OpenAITranscriptionModel } from "@ai-sdk/openai/internal";
import {
  APICallError,
  experimental_generateSpeech as generateSpeech,
  experimental_transcribe as transcribe,
  NoSpeechGeneratedError,
  NoTranscriptGeneratedError,
  RetryError,
  type SpeechModel,
  type TranscriptionModel,
} from "ai";
import { createWorkersAI } from "workers-ai-provider";
import { fail, ok, type AppError, type Result } from "../../shared/errors.ts";
import type { VoiceProviderName } from "../../shared/voice.ts";
import type { VoiceConfig, VoiceProviderConfig } from "./config.ts";
import type { Speaker, Transcriber, VoiceProviders } from "./types.ts";

export type VoiceDirection = "transcription" | "speech";

/** V8: how long a provider may take before the call is abandoned (a clip of up to 120 s; one sentence or a few). */
export const VOICE_TIMEOUT_MS: Readonly<Record<VoiceDirection, number>> = { transcription: 60_000, speech: 20_000 };

/** V8: retries of a retryable failure (429, 5xx, unreachable) inside one call, with the SDK's backoff. */
export const VOICE_MAX_RETRIES = 2;

/** A provider call that failed; `message` is safe to show (V8), `detail` is for the logs (status and error class, no body). */
export class VoiceProviderError extends Error {
  override readonly name = "VoiceProviderError";
  readonly direction: VoiceDirection;
  readonly detail: string;
  constructor(message: string, direction: VoiceDirection, detail: string) {
    super(message);
    this.direction = direction;
    this.detail = detail;
  }
}

const SETTING = { transcription: "STT", speech: "TTS" } as const;
const WHAT = { transcription: "speech-to-text", speech: "speech" } as const;

/** The provider as a person configuring it knows it: by its setting. */
function serverName(direction: VoiceDirection, provider: VoiceProviderName): string {
  const prefix = SETTING[direction];
  return provider === "openai" ? `the ${WHAT[direction]} server at ${prefix}_BASE_URL` : `Workers AI ${WHAT[direction]} (${prefix}_MODEL)`;
}

/** V8: a provider's error, whatever it is, → one sentence naming the provider and the setting. */
export function describeVoiceFailure(
  error: unknown,
  direction: VoiceDirection,
  provider: VoiceProviderName,
  how: { timedOut?: boolean; cancelled?: boolean } = {},
): VoiceProviderError {
  const prefix = SETTING[direction];
  const server = serverName(direction, provider);
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const kind = last instanceof Error ? last.name : typeof last;
  const make = (message: string, detail: string) => new VoiceProviderError(message, direction, `${detail} (${kind})`);
  if (how.timedOut) return make(`${server} did not answer within ${VOICE_TIMEOUT_MS[direction] / 1000} seconds`, "timeout");
  if (how.cancelled) return make(`the request to ${server} was cancelled`, "aborted");
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    if (status === 401 || status === 403) {
      return provider === "openai"
        ? make(`${prefix}_API_KEY was refused by ${server} (${status})`, `status ${status}`)
        : make(`${server} refused the request (${status}): check the AI binding's account`, `status ${status}`);
    }
    if (status !== undefined) return make(`${server} answered ${status}`, `status ${status}`);
    return provider === "openai" ? make(`${server} could not be reached`, "unreachable") : make(`${server} failed`, "binding error");
  }
  if (NoTranscriptGeneratedError.isInstance(last)) return make(`${server} answered no transcript`, "no transcript");
  if (NoSpeechGeneratedError.isInstance(last)) return make(`${server} answered no audio`, "no audio");
  return make(`${server} failed`, "failed");
}

/** V8: the AppError a caller reports for a failed provider call (part C's jobs and the speech route). */
export function voiceProviderFailure(error: unknown, direction: VoiceDirection): AppError {
  if (error instanceof VoiceProviderError) return { code: "internal", message: error.message };
  return { code: "internal", message: `the ${WHAT[direction]} provider failed (${SETTING[direction]}_PROVIDER)` };
}

/** The bytes' own type: WAV (RIFF/WAVE) or MP3 (an ID3 tag or an MPEG audio frame sync); anything else is null. */
export function speechMediaType(audio: Uint8Array): "audio/wav" | "audio/mpeg" | null {
  const text = (at: number, length: number) => String.fromCharCode(...audio.subarray(at, at + length));
  if (audio.length >= 12 && text(0, 4) === "RIFF" && text(8, 4) === "WAVE") return "audio/wav";
  if (audio.length >= 3 && text(0, 3) === "ID3") return "audio/mpeg";
  if (audio.length >= 4 && audio[0] === 0xff && ((audio[1] ?? 0) & 0xe0) === 0xe0) return "audio/mpeg";
  return null;
}

/**
 * Runs one provider call with the direction's timeout joined to the caller's signal,
 * and turns whatever it throws into a VoiceProviderError.
 */
async function guarded<T>(direction: VoiceDirection, provider: VoiceProviderName, signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = AbortSignal.timeout(VOICE_TIMEOUT_MS[direction]);
  const joined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    // Already cancelled: send nothing (undici also leaves an unhandled rejection behind a multipart body fetched with an aborted signal).
    if (joined.aborted) throw joined.reason;
    return await call(joined);
  } catch (error) {
    if (error instanceof VoiceProviderError) throw error;
    throw describeVoiceFailure(error, direction, provider, { timedOut: timeout.aborted, cancelled: signal?.aborted === true && !timeout.aborted });
  }
}

/**
 * An OpenAI-compatible server's models, built from the package's model classes:
 * its entry point also creates a default provider at import time, which throws
 * when `OPENAI_BASE_URL` is set but empty — as wrangler.jsonc's vars (and so
 * `process.env` under nodejs_compat) have it. With no key no Authorization header
 * is sent: local servers need none.
 */
function openAiConfig(config: Extract<VoiceProviderConfig, { provider: "openai" }>, name: string) {
  const apiKey = config.apiKey;
  return {
    provider: `${name}.openai`,
    url: ({ path }: { path: string }) => `${config.baseURL}${path}`,
    headers: (): Record<string, string> => (apiKey === undefined ? {} : { Authorization: `Bearer ${apiKey}` }),
  };
}

/**
 * Workers AI's aura models take the voice as `speaker`; the provider sends the AI
 * SDK's `voice`. The binding is wrapped so `run` renames it (a Proxy keeps the
 * binding's type and every other member as is).
 */
function withSpeaker(binding: Ai): Ai {
  const run = (model: unknown, inputs: unknown, options: unknown): unknown => {
    if (inputs !== null && typeof inputs === "object" && "voice" in inputs) {
      const { voice, ...rest } = inputs;
      return Reflect.apply(binding.run, binding, [model, { ...rest, speaker: voice }, options]);
    }
    return Reflect.apply(binding.run, binding, [model, inputs, options]);
  };
  return new Proxy(binding, {
    get: (target, key) => {
      if (key === "run") return run;
      const value: unknown = Reflect.get(target, key);
      // A platform binding's methods need the binding itself as `this`, not the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * V6: ask OpenAI-compatible servers for plain `{text}`. The SDK would ask `whisper-1` for
 * verbose_json, whose segment shape local servers (whisper.cpp, speaches) do not all
 * match field for field; the clip's length is known from its own header anyway (V3).
 */
const PLAIN_JSON = { openai: { responseFormat: "json" } } as const;

function transcriber(config: VoiceProviderConfig, ai: Ai | undefined, maxRetries: number): Result<Transcriber> {
  let model: TranscriptionModel;
  if (config.provider === "workers-ai") {
    if (ai === undefined) return fail("internal", "STT_PROVIDER=workers-ai needs the AI binding");
    model = createWorkersAI({ binding: ai }).transcription(config.model);
  } else {
    model = new OpenAITranscriptionModel(config.model, openAiConfig(config, "stt"));
  }
  return ok({
    provider: config.provider,
    model: config.model,
    transcribe: (audio, _mediaType, signal) =>
      // The SDK names the file's type from the bytes (the same magic bytes V3 checked).
      guarded("transcription", config.provider, signal, async (abortSignal) => {
        const result = await transcribe({ model, audio, abortSignal, maxRetries, providerOptions: PLAIN_JSON });
        return { text: result.text.trim(), ...(result.durationInSeconds !== undefined ? { seconds: result.durationInSeconds } : {}) };
      }),
  });
}

function speaker(config: VoiceProviderConfig, ai: Ai | undefined, maxRetries: number): Result<Speaker> {
  let model: SpeechModel;
  if (config.provider === "workers-ai") {
    if (ai === undefined) return fail("internal", "TTS_PROVIDER=workers-ai needs the AI binding");
    model = createWorkersAI({ binding: withSpeaker(ai) }).speech(config.model);
  } else {
    model = new OpenAISpeechModel(config.model, openAiConfig(config, "tts"));
  }
  return ok({
    provider: config.provider,
    model: config.model,
    speak: (text, signal) =>
      guarded("speech", config.provider, signal, async (abortSignal) => {
        const result = await generateSpeech({
          model,
          text,
          abortSignal,
          maxRetries,
          ...(config.voice !== undefined ? { voice: config.voice } : {}),
          // OpenAI-compatible servers make WAV on request (every browser plays it); Workers AI's aura answers MP3 only.
          ...(config.provider === "openai" ? { outputFormat: "wav" } : {}),
        });
        const audio = result.audio.uint8Array;
        const mediaType = speechMediaType(audio);
        if (mediaType === null) throw new VoiceProviderError(`${serverName("speech", config.provider)} answered audio that is neither WAV nor MP3`, "speech", "bad audio");
        return { audio, mediaType };
      }),
  });
}

/** The transcriber and speaker the configuration names (null: off; an error value: set wrong). */
export function voiceProviders(config: VoiceConfig, env: { AI?: Ai }, options: { maxRetries?: number } = {}): VoiceProviders {
  const maxRetries = options.maxRetries ?? VOICE_MAX_RETRIES;
  const pick = <T>(setting: Result<VoiceProviderConfig> | null, make: (c: VoiceProviderConfig, ai: Ai | undefined, retries: number) => Result<T>): Result<T> | null =>
    setting === null ? null : setting.ok ? make(setting.value, env.AI, maxRetries) : setting;
  return { transcriber: pick(config.transcription, transcriber), speaker: pick(config.speech, speaker) };
}
