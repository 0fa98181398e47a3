/**
 * Provider failures by type, not by message text (docs/PROTOCOL.md C7, C10;
 * STYLE.md 15). A misconfiguration is the operator's to see and fix, so its
 * message reaches the client; anything else a provider says stays in the logs,
 * and the user is told their message is saved. Stops and timeouts are not
 * classified here: the turn's own state knows them (turn.ts).
 */
import { APICallError, RetryError, StreamProviderError } from "ai";

/** The provider settings are invalid or incomplete (`LLM_PROVIDER`, `OPENAI_*`, the AI binding). */
export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError";
  readonly retryable = false;
}

export type ProviderFailure = {
  code: "misconfigured" | "provider_error";
  /** What the user is shown. */
  message: string;
  /** Whether sending the message again may work. */
  retryable: boolean;
  /** What the logs are told: never sent to a client. */
  detail: string;
};

export const UNAVAILABLE = "the assistant is unavailable right now; your message is saved — try again";

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);

export function classifyProviderError(error: unknown): ProviderFailure {
  if (error instanceof ProviderConfigError) return { code: "misconfigured", message: error.message, retryable: false, detail: describe(error) };
  // The SDK's retries gave up: the last attempt's error says what went wrong.
  if (RetryError.isInstance(error)) return { ...classifyProviderError(error.lastError), detail: describe(error) };
  if (APICallError.isInstance(error) || StreamProviderError.isInstance(error)) {
    return { code: "provider_error", message: UNAVAILABLE, retryable: error.isRetryable, detail: describe(error) };
  }
  // Unknown failures (a network error, a provider's own error class): worth one more try by the user.
  return { code: "provider_error", message: UNAVAILABLE, retryable: true, detail: describe(error) };
}
