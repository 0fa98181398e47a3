/**
 * A faithful fake of the Workers AI binding (`env.AI`) for the two voice models,
 * speaking their wire formats as worker-configuration.d.ts declares them and as
 * workers-ai-provider calls them:
 *
 * - `@cf/openai/whisper-large-v3-turbo`: input `{audio: base64, task?, language?,
 *   vad_filter?, initial_prompt?, prefix?}`; output `{text, word_count, words, vtt,
 *   transcription_info: {language, language_probability, duration, duration_after_vad},
 *   segments}`. The audio must be base64 of a real clip (magic bytes, a length):
 *   anything else throws as the binding does (an `Error` whose message starts with
 *   the Workers AI error code).
 * - `@cf/deepgram/aura-1`: input `{text, speaker?, encoding?, container?,
 *   sample_rate?, bit_rate?}` — an unknown key (e.g. `voice`) is refused; output a
 *   ReadableStream of MP3 (valid silent MPEG-1 Layer III frames, 48 kHz mono
 *   64 kbit/s, about text length / 15 seconds), or with `returnRawResponse` a
 *   `Response` carrying that stream as `audio/mpeg`.
 *
 * Pure: it runs in Node and inside workerd (part C's worker tests).
 */
import { z } from "zod";
import { fromBase64, sniffAudio } from "./audio-sniff.ts";

export const WHISPER_MODEL = "@cf/openai/whisper-large-v3-turbo";
export const AURA_MODEL = "@cf/deepgram/aura-1";

/** One `run` call as the fake received it. */
export type FakeAiCall = {
  model: string;
  /** The keys of the inputs object, sorted (what the caller really sent). */
  inputKeys: string[];
  /** Whisper: the decoded clip, its container and its length as the fake read them. */
  audio?: Uint8Array;
  mediaType?: string;
  seconds?: number;
  /** Aura: the text to speak and the speaker asked for. */
  text?: string;
  speaker?: string;
  returnRawResponse: boolean;
  /** Whether the caller passed an AbortSignal (timeouts, V8). */
  signal: boolean;
  /** How the call ended. */
  outcome: "ok" | "error" | "aborted";
};

export type FakeWorkersAiOptions = {
  transcript: string;
  /** Throw this Workers AI error on every call (e.g. "3040: Capacity temporarily exceeded, please try again."). */
  error?: string;
  /** Never answer until the caller's signal aborts (tests that an abort ends the call). */
  hold?: boolean;
};

const WhisperInputSchema = z.strictObject({
  audio: z.string().max(40 * 1024 * 1024),
  task: z.enum(["transcribe", "translate"]).optional(),
  language: z.string().max(16).optional(),
  vad_filter: z.boolean().optional(),
  initial_prompt: z.string().max(4_000).optional(),
  prefix: z.string().max(4_000).optional(),
});

const AuraInputSchema = z.strictObject({
  text: z.string().min(1).max(2_000),
  speaker: z.enum(["angus", "asteria", "arcas", "orion", "orpheus", "athena", "luna", "zeus", "perseus", "helios", "hera", "stella"]).optional(),
  encoding: z.enum(["mp3"]).optional(),
  container: z.enum(["none"]).optional(),
  sample_rate: z.number().optional(),
  bit_rate: z.number().optional(),
});

const RunOptionsSchema = z.object({ returnRawResponse: z.boolean().optional(), signal: z.instanceof(AbortSignal).optional() }).loose();

/** One MPEG-1 Layer III frame: 48 kHz, 64 kbit/s, mono, no CRC; side info and main data zero = silence. 1152 samples = 24 ms. */
export const MP3_FRAME_BYTES = 192;
export const MP3_FRAME_SECONDS = 1152 / 48_000;
function silentMp3(seconds: number): Uint8Array {
  const frames = Math.max(1, Math.ceil(seconds / MP3_FRAME_SECONDS));
  const out = new Uint8Array(frames * MP3_FRAME_BYTES);
  for (let i = 0; i < frames; i++) out.set([0xff, 0xfb, 0x54, 0xc0], i * MP3_FRAME_BYTES);
  return out;
}

/** Whisper's output for `transcript` spread evenly over `seconds`. */
function whisperOutput(transcript: string, seconds: number) {
  const words = transcript.split(/\s+/).filter(Boolean);
  const step = words.length > 0 ? seconds / words.length : 0;
  const timed = words.map((word, i) => ({ word, start: round(i * step), end: round((i + 1) * step) }));
  const stamp = (s: number) => `00:00:${s.toFixed(3).padStart(6, "0")}`;
  return {
    text: transcript,
    word_count: words.length,
    words: timed,
    vtt: `WEBVTT\n\n${stamp(0)} --> ${stamp(seconds)}\n${transcript}\n\n`,
    transcription_info: { language: "en", language_probability: 0.98, duration: round(seconds), duration_after_vad: round(seconds) },
    segments: [
      { start: 0, end: round(seconds), text: transcript, temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01, words: timed },
    ],
  };
}
const round = (n: number) => Math.round(n * 1000) / 1000;

/** A Workers AI binding that answers the whisper and aura models; every call is recorded in `calls`. */
export function fakeWorkersAi(opts: FakeWorkersAiOptions): { binding: Ai; calls: FakeAiCall[] } {
  const calls: FakeAiCall[] = [];

  async function run(model: unknown, inputs: unknown, options?: unknown): Promise<unknown> {
    const runOptions = RunOptionsSchema.safeParse(options ?? {});
    const signal = runOptions.success ? runOptions.data.signal : undefined;
    const call: FakeAiCall = {
      model: String(model),
      inputKeys: inputs !== null && typeof inputs === "object" ? Object.keys(inputs).sort() : [],
      returnRawResponse: runOptions.success && runOptions.data.returnRawResponse === true,
      signal: signal !== undefined,
      outcome: "error",
    };
    calls.push(call);
    if (signal?.aborted) {
      call.outcome = "aborted";
      throw signal.reason;
    }
    if (opts.hold) {
      await new Promise<never>((_, reject) => {
        if (!signal) return; // held forever, as a hung upstream is
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }).catch((reason: unknown) => {
        call.outcome = "aborted";
        throw reason;
      });
    }
    if (opts.error !== undefined) throw new Error(opts.error);

    if (call.model === WHISPER_MODEL) {
      const parsed = WhisperInputSchema.safeParse(inputs);
      if (!parsed.success) throw new Error(`5006: Error: required properties at '/' are 'audio'; invalid input: ${parsed.error.issues[0]?.message ?? ""}`);
      const audio = fromBase64(parsed.data.audio);
      if (audio === null) throw new Error("5006: Error: the audio is not base64");
      call.audio = audio;
      const sniffed = sniffAudio(audio);
      if (!sniffed.ok) throw new Error(`3010: Invalid or incomplete input for the model: ${sniffed.reason}`);
      call.mediaType = sniffed.mediaType;
      call.seconds = sniffed.seconds;
      call.outcome = "ok";
      return whisperOutput(opts.transcript, sniffed.seconds);
    }
    if (call.model === AURA_MODEL) {
      const parsed = AuraInputSchema.safeParse(inputs);
      if (!parsed.success) throw new Error(`5006: Error: invalid input for ${AURA_MODEL}: ${parsed.error.issues[0]?.message ?? ""}`);
      call.text = parsed.data.text;
      if (parsed.data.speaker !== undefined) call.speaker = parsed.data.speaker;
      const mp3 = silentMp3(Math.max(0.5, parsed.data.text.length / 15));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < mp3.length; at += MP3_FRAME_BYTES * 16) controller.enqueue(mp3.slice(at, at + MP3_FRAME_BYTES * 16));
          controller.close();
        },
      });
      call.outcome = "ok";
      return call.returnRawResponse ? new Response(stream, { headers: { "content-type": "audio/mpeg" } }) : stream;
    }
    throw new Error(`5007: No such model ${call.model} or task`);
  }

  const binding = {
    aiGatewayLogId: null,
    run,
    gateway: () => {
      throw new Error("the fake Workers AI has no gateway");
    },
  };
  // `Ai` is an ambient abstract class with a dozen overloads of `run` and methods
  // voice never calls; the fake implements what workers-ai-provider uses.
  return { binding: binding as unknown as Ai, calls };
}
