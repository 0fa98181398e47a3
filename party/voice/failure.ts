/**
 * V8, V12: a provider's failure as the caller words it — a typed error with a
 * sentence naming the provider's setting, never its body or stack (E3). The
 * providers (providers.ts) throw VoiceProviderError with a sentence already
 * safe to show (a 401, a status, a timeout); anything else gets a generic one.
 */
import type { AppError } from "../../shared/errors.ts";

export type VoiceDirection = "transcription" | "speech";

const isAppError = (error: unknown): error is AppError =>
  typeof error === "object" && error !== null && "code" in error && "message" in error && typeof error.code === "string" && typeof error.message === "string";

export function providerFailure(error: unknown, direction: VoiceDirection): AppError {
  const setting = direction === "transcription" ? "STT_PROVIDER" : "TTS_PROVIDER";
  const what = direction === "transcription" ? "speech-to-text" : "speech";
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return { code: "internal", message: `the ${what} provider (${setting}) did not answer in time; try again` };
  }
  // A failure the providers already worded (providers.ts VoiceProviderError, V8: safe to show), or an AppError value.
  if (error instanceof Error && error.name === "VoiceProviderError") return { code: "internal", message: error.message };
  if (isAppError(error) && error.code === "internal") return { code: "internal", message: error.message };
  return { code: "internal", message: `the ${what} provider (${setting}) failed; try again` };
}
