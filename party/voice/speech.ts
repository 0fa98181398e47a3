/**
 * Speech and what the server can do (docs/PROTOCOL.md V17, V18): one sentence
 * or a few synthesized for the device that asked, checked against today's
 * voice minutes and token budget before the provider is called, then charged
 * (`voice.used`, kind speech); and the capabilities a device reads to decide
 * whether to use its browser's speech instead.
 */
import { dayOf } from "../../shared/dates.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS, VOICE_MEDIA_TYPES, type VoiceCapabilities } from "../../shared/voice.ts";
import type { CommandContext } from "../core/commands.ts";
import { voiceProviderFailure } from "./providers.ts";
import type { VoiceJobsDeps } from "./jobs.ts";
import { speechCost, type VoiceCost, voiceRefusal, voiceSecondsToday } from "./limits.ts";
import { type After, timed } from "./timeout.ts";

/** A speech call that has not answered by then is abandoned (the provider's own timeout is shorter, V8). */
export const SPEECH_TIMEOUT_MS = 30_000;

export type SpeechDeps = Pick<VoiceJobsDeps, "ledger" | "now" | "providers" | "config" | "dailyTokens" | "log">;
/** V25, V26: what speech needs besides: the calls under way, its own reservation, the timer it races. */
export type SpeakDeps = SpeechDeps & { inFlight: () => VoiceCost; reserve: (cost: VoiceCost) => () => void; after: After };

export type Spoken = { audio: Uint8Array; mediaType: "audio/mpeg" | "audio/wav" };

/** V17: `501` naming TTS_PROVIDER when off; `429` over today's limits (provider not called); else the audio, charged. */
export async function speak(deps: SpeakDeps, text: string, ctx: CommandContext, signal?: AbortSignal): Promise<Result<Spoken>> {
  const configured = deps.providers().speaker;
  if (configured === null) return fail("not_configured", "server speech is not configured: set TTS_PROVIDER (workers-ai or openai); the web app reads replies with the browser's voice meanwhile");
  if (!configured.ok) return fail("not_configured", configured.error.message);
  const { ledger, now, config, dailyTokens } = deps;
  const cost = speechCost(text);
  const timeZone = ledger.state.preferences.timezone;
  const refused = voiceRefusal({ usage: ledger.state.usage, now: now(), timeZone, minutesPerDay: config.minutesPerDay, dailyTokens, inFlight: deps.inFlight() }, cost);
  if (refused) return { ok: false, error: refused };
  let spoken: Spoken;
  const release = deps.reserve(cost);
  try {
    spoken = await timed((joined) => configured.value.speak(text, joined), SPEECH_TIMEOUT_MS, deps.after, signal);
  } catch (error) {
    const failure =
      error instanceof DOMException && error.name === "TimeoutError"
        ? { code: "internal" as const, message: "the speech provider did not answer in time (TTS_PROVIDER)" }
        : voiceProviderFailure(error, "speech");
    deps.log("warn", { event: "voice.provider_failed", requestId: ctx.correlationId, code: failure.code, detail: `${configured.value.provider} ${failure.message}` });
    return { ok: false, error: failure };
  } finally {
    release();
  }
  ledger.append({ type: "voice.used", actor: ctx.actor, correlationId: ctx.correlationId, payload: { day: dayOf(now(), timeZone), kind: "speech", ...cost } });
  return ok(spoken);
}

/** V18: `GET /api/v1/voice`. */
export function capabilities(deps: SpeechDeps): VoiceCapabilities {
  const { transcriber, speaker } = deps.providers();
  const problems = [transcriber, speaker].flatMap((p) => (p !== null && !p.ok ? [p.error.message] : []));
  const state = deps.ledger.state;
  return {
    transcription: transcriber?.ok ? { provider: transcriber.value.provider, model: transcriber.value.model } : null,
    speech: speaker?.ok ? { provider: speaker.value.provider, model: speaker.value.model } : null,
    problems,
    formats: [...VOICE_MEDIA_TYPES],
    maxBytes: VOICE_MAX_BYTES,
    maxSeconds: VOICE_MAX_SECONDS,
    minutesPerDay: deps.config.minutesPerDay,
    usedSeconds: voiceSecondsToday(state.usage, deps.now(), state.preferences.timezone),
  };
}
