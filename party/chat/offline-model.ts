/**
 * The built-in offline assistant, as an AI SDK language model (provider spec
 * v4). It needs no network: it reads the user's last message with plain rules
 * (intents.ts), calls the same tools a hosted model would, then words its reply
 * from the tools' results and streams it a word at a time at a set pace.
 */
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { type Intent, understand } from "./intents.ts";

export type OfflineOptions = { timeZone: string; now: () => Date; tokenDelayMs: number };

type Prompt = LanguageModelV4CallOptions["prompt"];

const HELP =
  "I'm the built-in offline assistant, so I understand a few things well: reminders and tasks " +
  "(“remind me to call John tomorrow at 3pm”), your agenda (“what's on my agenda today?”), " +
  "memories (“remember that my favorite airport is JFK”), completing tasks (“mark call John as done”), " +
  "notes (“add a note: …”) and “plan my day”.";

function lastUserText(prompt: Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i]!;
    if (m.role === "user") return m.content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
  }
  return "";
}

type ToolOutcome = { toolName: string; value: Record<string, unknown> };

function toolResults(prompt: Prompt): ToolOutcome[] | null {
  const last = prompt[prompt.length - 1];
  if (!last || last.role !== "tool") return null;
  return last.content.flatMap((part) => {
    if (part.type !== "tool-result") return [];
    const output = part.output as { type: string; value?: unknown };
    const value = output.type === "json" && output.value && typeof output.value === "object" ? (output.value as Record<string, unknown>) : { ok: false, error: String(output.value ?? "tool failed") };
    return [{ toolName: part.toolName, value }];
  });
}

function toolCallFor(intent: Intent): { toolName: string; input: unknown } | null {
  switch (intent.kind) {
    case "create_task":
      // "remind me …" at a time: the task, and a reminder at that time (S1).
      return { toolName: "create_task", input: { title: intent.title, due: intent.due, ...(intent.remind && intent.due && intent.due.length > 10 ? { remindAt: intent.due } : {}) } };
    case "agenda":
      return { toolName: "get_agenda", input: {} };
    case "pin_memory":
      return { toolName: "pin_memory", input: { type: "fact", key: intent.key, value: intent.value } };
    case "complete_task":
      return { toolName: "complete_task", input: { title: intent.query } };
    case "delete_task":
      return { toolName: "delete_task", input: { title: intent.query } };
    case "add_note":
      return { toolName: "add_note", input: { body: intent.body } };
    case "plan_day":
      return { toolName: "plan_day", input: {} };
    case "greeting":
    case "unknown":
      return null;
  }
}

function formatDue(due: string, timeZone: string): string {
  if (due.length === 10) {
    const [y, m, d] = due.split("-").map(Number);
    return new Date(Date.UTC(y!, m! - 1, d!, 12)).toLocaleDateString("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });
  }
  return new Date(due).toLocaleString("en-US", { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone });
}

function reply(intent: Intent, outcomes: ToolOutcome[] | null, timeZone: string, userText: string): string {
  if (intent.kind === "greeting") return "Hello! What can I take off your plate today?";
  if (!outcomes) return `Sorry — I didn't understand “${userText.slice(0, 120)}”. ${HELP}`;
  const out = outcomes[0]?.value ?? {};
  if (out.ok === false) return `I couldn't do that: ${String(out.error)}.`;
  const result = (out.result ?? {}) as Record<string, unknown>;
  switch (intent.kind) {
    case "create_task":
      return `Done — I added “${String(result.title ?? intent.title)}”${intent.due ? `, due ${formatDue(intent.due, timeZone)}` : ""}${out.reminder ? ", and I'll remind you then" : ""}.`;
    case "pin_memory":
      return `Got it — I'll remember that your ${intent.key} is ${intent.value}.`;
    case "complete_task":
      return `Marked “${String(result.title ?? intent.query)}” as done.`;
    case "delete_task":
      return `I can delete that task, but I need your go-ahead: confirm it on your device.`;
    case "add_note":
      return `Noted: “${intent.body.slice(0, 200)}”.`;
    case "agenda": {
      const tasks = (out.tasks ?? []) as { title: string; due: string; overdue: boolean }[];
      if (tasks.length === 0) return "Nothing is due today and nothing is overdue. Enjoy the breathing room.";
      const lines = tasks.map((t) => `• ${t.title}${t.overdue ? " (overdue)" : ` (${formatDue(t.due, timeZone)})`}`);
      return `Here's what's on your agenda today:\n${lines.join("\n")}`;
    }
    case "plan_day": {
      const priorities = (out.priorities ?? []) as string[];
      const todos = (out.todos ?? []) as string[];
      if (priorities.length === 0) return `Here's your plan for today: nothing is open. ${String(out.note ?? "")}`.trim();
      const top = priorities.map((p, i) => `${i + 1}. ${p}`).join("\n");
      return `Here's your plan for today.\nTop priorities:\n${top}${todos.length ? `\nAlso on the list: ${todos.join(", ")}.` : ""}\n${String(out.note ?? "")}`.trim();
    }
    case "unknown":
      return HELP;
  }
}

/** Splits text into word tokens that keep their leading whitespace, like a model's stream. */
export const tokenize = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

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
      const intent = understand(userText, options.timeZone, options.now());
      const outcomes = toolResults(call.prompt);
      const inputTokens = Math.ceil(JSON.stringify(call.prompt).length / 4);
      const planned = outcomes === null ? toolCallFor(intent) : null;
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
            const tokens = tokenize(reply(intent, outcomes, options.timeZone, userText));
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
