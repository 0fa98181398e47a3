/**
 * The built-in offline assistant, as an AI SDK language model (provider spec
 * v4). It needs no network: it reads the user's last message with plain rules
 * (intents.ts), calls the same tools a hosted model would, then words its reply
 * from the tools' results and streams it a word at a time at a set pace.
 */
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { z } from "zod";
import { interpret, type Understanding } from "./intents.ts";
import type { ToolEntry, ToolOutput } from "./registry.ts";
import { isRecord } from "./wording.ts";

export type OfflineOptions = {
  timeZone: string;
  now: () => Date;
  tokenDelayMs: number;
  /** The tools whose phrases it understands; the built-in ones when absent. */
  tools?: (() => readonly ToolEntry[]) | undefined;
};

type Prompt = LanguageModelV4CallOptions["prompt"];

const GREETING = "Hello! What can I take off your plate today?";

const HELP =
  "I'm the built-in offline assistant, so I understand a few things well: reminders and tasks " +
  "(“remind me to call John tomorrow at 3pm”), your agenda (“what's on my agenda today?”), " +
  "memories (“remember that my favorite airport is JFK”), completing tasks (“mark call John as done”), " +
  "notes (“add a note: …”), “plan my day”, and changes to several tasks or memories at once, which you confirm first " +
  "(“clear done tasks”, “delete all my tasks”, “forget everything about Anna”).";

function lastUserText(prompt: Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i]!;
    if (m.role === "user") return m.content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
  }
  return "";
}

const OutputSchema = z.object({ type: z.string(), value: z.unknown().optional() });

/** The results of the tools it called, when the prompt ends with them (its second step). */
function toolResults(prompt: Prompt): ToolOutput[] | null {
  const last = prompt[prompt.length - 1];
  if (!last || last.role !== "tool") return null;
  return last.content.flatMap((part) => {
    if (part.type !== "tool-result") return [];
    const output = OutputSchema.safeParse(part.output);
    const value = output.success && output.data.type === "json" && isRecord(output.data.value) ? output.data.value : { ok: false, error: String((output.success ? output.data.value : undefined) ?? "tool failed") };
    return [value];
  });
}

/** Y6: what the offline assistant says to a statement about the user; the card below the reply offers to remember it. */
export const STATEMENT = "Got it — thanks for telling me.";

function reply(understood: Understanding, outcomes: ToolOutput[] | null, timeZone: string, now: Date, userText: string): string {
  if (understood.kind === "greeting") return GREETING;
  if (understood.kind === "statement") return STATEMENT;
  if (!outcomes) return `Sorry — I didn't understand “${userText.slice(0, 120)}”. ${HELP}`;
  const out = outcomes[0] ?? {};
  if (out.ok === false) return `I couldn't do that: ${String(out.error)}.`;
  if (understood.kind === "unknown") return HELP;
  return understood.match.reply(out, { timeZone, now });
}

/** Splits text into word tokens that keep their leading whitespace, like a model's stream. */
const tokenize = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export function offlineModel(options: OfflineOptions): LanguageModelV4 {
  const usage = (input: number, output: number) => ({
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  });
  return {
    specificationVersion: "v4",
    provider: "micro-cos-offline",
    modelId: "offline-rules-1",
    supportedUrls: {},
    async doGenerate() {
      throw new Error("the offline assistant only streams");
    },
    async doStream(call) {
      const userText = lastUserText(call.prompt);
      const now = options.now();
      const understood = interpret(userText, options.timeZone, now, options.tools?.());
      const outcomes = toolResults(call.prompt);
      const inputTokens = Math.ceil(JSON.stringify(call.prompt).length / 4);
      const planned = outcomes === null && understood.kind === "tool" ? understood.match.call : null;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          try {
            if (planned) {
              controller.enqueue({ type: "tool-call", toolCallId: `offline-${crypto.randomUUID()}`, toolName: planned.toolName, input: JSON.stringify(planned.input) });
              controller.enqueue({ type: "finish", usage: usage(inputTokens, 8), finishReason: { unified: "tool-calls", raw: "tool_calls" } });
              controller.close();
              return;
            }
            const tokens = tokenize(reply(understood, outcomes, options.timeZone, now, userText));
            controller.enqueue({ type: "text-start", id: "t0" });
            for (const token of tokens) {
              if (options.tokenDelayMs > 0) await sleep(options.tokenDelayMs, call.abortSignal);
              controller.enqueue({ type: "text-delta", id: "t0", delta: token });
            }
            controller.enqueue({ type: "text-end", id: "t0" });
            controller.enqueue({ type: "finish", usage: usage(inputTokens, tokens.length), finishReason: { unified: "stop", raw: "stop" } });
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return { stream };
    },
  };
}
