/**
 * One call of the model for a turn (docs/PROTOCOL.md C3, C7): the AI SDK's
 * tool loop, read part by part. Text goes out as it comes; an error or an
 * abort ends the stream by throwing, and the turn's state decides what that
 * means (turn.ts).
 */
import { type LanguageModel, type ModelMessage, stepCountIs, streamText, type ToolSet } from "ai";

/** Most model steps (tool rounds) in one turn. */
export const MAX_STEPS = 5;

export type StreamInput = {
  model: () => LanguageModel;
  prompt: { system: string; messages: ModelMessage[] };
  tools: ToolSet;
  signal: AbortSignal;
  onToken: (token: string) => void;
};

/** Resolves with the provider's token count (0 when it gave none). */
export async function streamTurn(input: StreamInput): Promise<number> {
  const result = streamText({
    // Inside the call, so a misconfigured provider fails this turn instead of the room.
    model: input.model(),
    system: input.prompt.system,
    messages: input.prompt.messages,
    tools: input.tools,
    stopWhen: stepCountIs(MAX_STEPS),
    abortSignal: input.signal,
    maxRetries: 1,
    // Errors arrive as `error` parts below; the SDK's default console logging would print stacks.
    onError: () => {},
  });
  let reported = 0;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") input.onToken(part.text);
    else if (part.type === "finish") reported = (part.totalUsage.inputTokens ?? 0) + (part.totalUsage.outputTokens ?? 0);
    else if (part.type === "error") throw part.error;
    else if (part.type === "abort") throw input.signal.reason ?? new Error("aborted");
  }
  return reported;
}
