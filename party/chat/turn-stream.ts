/**
 * One call of the model for a turn (docs/PROTOCOL.md C3, C7): the AI SDK's
 * tool loop, read part by part. Text goes out as it comes; an error or an
 * abort ends the stream by throwing, and the turn's state decides what that
 * means (turn.ts). Each step's answer is capped at `maxOutputTokens`, so the
 * budget can reserve a bound for it (C13, budget-gate.ts).
 */
import { asSchema, type LanguageModel, type ModelMessage, stepCountIs, streamText, type ToolSet } from "ai";

/** Most model steps (tool rounds) in one turn. */
export const MAX_STEPS = 5;

export type StreamInput = {
  model: () => LanguageModel;
  prompt: { system: string; messages: ModelMessage[] };
  tools: ToolSet;
  /** The most tokens one step may write (LLM_MAX_OUTPUT_TOKENS). */
  maxOutputTokens: number;
  signal: AbortSignal;
  onToken: (token: string) => void;
};

/** Resolves when the loop ended; tokens are counted per call by the model's budget gate, not here. */
export async function streamTurn(input: StreamInput): Promise<void> {
  const result = streamText({
    // Inside the call, so a misconfigured provider fails this turn instead of the room.
    model: input.model(),
    system: input.prompt.system,
    messages: input.prompt.messages,
    tools: input.tools,
    stopWhen: stepCountIs(MAX_STEPS),
    maxOutputTokens: input.maxOutputTokens,
    abortSignal: input.signal,
    maxRetries: 1,
    // Errors arrive as `error` parts below; the SDK's default console logging would print stacks.
    onError: () => {},
  });
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") input.onToken(part.text);
    else if (part.type === "error") throw part.error;
    else if (part.type === "abort") throw input.signal.reason ?? new Error("aborted");
  }
}

/**
 * The first call of a turn about as the provider will get it — system and
 * messages, the tools as JSON schemas, the output cap — so the budget can be
 * checked before a model is even built (C13). The gate measures each call
 * exactly; this only spares a call that cannot fit.
 */
export async function firstCall(input: Pick<StreamInput, "prompt" | "tools" | "maxOutputTokens">): Promise<{ prompt: unknown; tools: unknown; maxOutputTokens: number }> {
  const tools = await Promise.all(
    Object.entries(input.tools).map(async ([name, t]) => ({ type: "function", name, description: t.description, inputSchema: await asSchema(t.inputSchema).jsonSchema })),
  );
  return { prompt: [{ role: "system", content: input.prompt.system }, ...input.prompt.messages], tools, maxOutputTokens: input.maxOutputTokens };
}
