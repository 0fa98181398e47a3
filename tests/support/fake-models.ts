/**
 * Fake language models (AI SDK provider spec v4) for deterministic chat tests:
 * a scripted model that answers each step from a list, and a gated model whose
 * tokens the test releases one by one.
 */
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";

const usage = (input: number, output = input) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

export type Step = {
  text?: string[];
  toolCalls?: { name: string; input: unknown }[];
  fail?: string;
  /** What the provider reports for the call (10 in, 10 out when absent): e.g. counted from the call as sent. */
  usage?: (call: LanguageModelV4CallOptions) => { input: number; output: number };
};

function model(stream: (stepIndex: number, signal?: AbortSignal, call?: LanguageModelV4CallOptions) => ReadableStream<LanguageModelV4StreamPart>): LanguageModelV4 {
  let step = 0;
  return {
    specificationVersion: "v4",
    provider: "test",
    modelId: "fake",
    supportedUrls: {},
    async doGenerate() {
      throw new Error("stream only");
    },
    async doStream(call) {
      return { stream: stream(step++, call.abortSignal, call) };
    },
  };
}

/** Answers step i with steps[i]: text tokens and/or tool calls, or an error. Each call's options are pushed to `calls`. */
export function scriptedModel(steps: Step[], calls: LanguageModelV4CallOptions[] = []): LanguageModelV4 {
  return model((i, _signal, call) => {
    if (call) calls.push(call);
    const s = steps[Math.min(i, steps.length - 1)]!;
    return new ReadableStream({
      start(c) {
        c.enqueue({ type: "stream-start", warnings: [] });
        if (s.fail) {
          c.error(new Error(s.fail));
          return;
        }
        for (const [k, call] of (s.toolCalls ?? []).entries()) {
          c.enqueue({ type: "tool-call", toolCallId: `call-${i}-${k}`, toolName: call.name, input: JSON.stringify(call.input) });
        }
        if (s.text?.length) {
          c.enqueue({ type: "text-start", id: "t" });
          for (const t of s.text) c.enqueue({ type: "text-delta", id: "t", delta: t });
          c.enqueue({ type: "text-end", id: "t" });
        }
        const used = s.usage && call ? s.usage(call) : { input: 10, output: 10 };
        c.enqueue({ type: "finish", usage: usage(used.input, used.output), finishReason: { unified: s.toolCalls?.length ? "tool-calls" : "stop", raw: undefined } });
        c.close();
      },
    });
  });
}

/** A model whose tokens arrive only when the test calls `push`; `end` finishes the reply. */
export function gatedModel() {
  let controller: ReadableStreamDefaultController<LanguageModelV4StreamPart> | null = null;
  let started!: () => void;
  const ready = new Promise<void>((r) => (started = r));
  const m = model((_i, signal) => {
    return new ReadableStream({
      start(c) {
        controller = c;
        c.enqueue({ type: "stream-start", warnings: [] });
        c.enqueue({ type: "text-start", id: "t" });
        signal?.addEventListener("abort", () => c.error(signal.reason));
        started();
      },
    });
  });
  return {
    model: m,
    ready,
    push: (...tokens: string[]) => tokens.forEach((t) => controller!.enqueue({ type: "text-delta", id: "t", delta: t })),
    end: () => {
      controller!.enqueue({ type: "text-end", id: "t" });
      controller!.enqueue({ type: "finish", usage: usage(5), finishReason: { unified: "stop", raw: undefined } });
      controller!.close();
    },
  };
}
