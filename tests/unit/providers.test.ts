import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { languageModel } from "../../party/chat/providers.ts";
import { providerConfig } from "../../party/config.ts";
import { nodeRoom } from "../support/node-room.ts";

const sse = (events: unknown[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      const enc = new TextEncoder();
      for (const e of events) c.enqueue(enc.encode(`data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`));
      c.close();
    },
  });

async function runTurn(room: ReturnType<typeof nodeRoom>, text: string) {
  const accepted = room.chat.submit({ text, channel: "chat" }, { kind: "user" }, "req");
  if (!accepted.ok) throw new Error(accepted.error.message);
  await room.chat.idle();
  return room.frames.filter((f) => f.turnId === accepted.value.turnId);
}

describe("Assistant — providers against fakes of their wire formats", () => {
  it("[C10] Workers AI: SSE `response` frames and native tool_calls drive a whole turn", async () => {
    const calls: { model: string; inputs: Record<string, unknown> }[] = [];
    const binding = {
      async run(model: string, inputs: Record<string, unknown>) {
        calls.push({ model, inputs });
        if (calls.length === 1) {
          return sse([{ response: "", tool_calls: [{ name: "create_task", arguments: { title: "Call John", due: "2026-11-22T15:00:00Z" } }] }, { response: "", usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 } }, "[DONE]"]);
        }
        return sse([{ response: "Done" }, { response: " —" }, { response: " added it." }, { response: "", usage: { prompt_tokens: 150, completion_tokens: 4, total_tokens: 154 } }, "[DONE]"]);
      },
    } as unknown as Ai;
    const config = providerConfig({ LLM_PROVIDER: "workers-ai", AI: binding });
    expect(config.ok).toBe(true);
    if (!config.ok) return;
    const room = nodeRoom(() => languageModel(config.value, { AI: binding }, { timeZone: "UTC", now: () => new Date() }));
    const frames = await runTurn(room, "remind me to call John tomorrow at 3pm");
    expect(calls[0]!.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(calls[0]!.inputs).toMatchObject({ stream: true });
    expect(JSON.stringify(calls[0]!.inputs.tools)).toContain("create_task");
    expect(room.tasks()).toMatchObject([{ title: "Call John", due: "2026-11-22T15:00:00Z" }]);
    expect(frames.filter((f) => f.type === "llm.token").map((f) => (f.type === "llm.token" ? f.token : "")).join("")).toBe("Done — added it.");
    expect(frames.at(-1)).toMatchObject({ type: "llm.completed", text: "Done — added it." });
    expect(room.ledger.state.usage.tokens).toBe(129 + 154);
  });

  it("[C10] OpenAI-compatible: chat-completions chunks with streamed tool-call arguments", async () => {
    const requests: { url: string; auth: string | undefined; body: { model: string; stream: boolean; tools?: unknown[] } }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        requests.push({ url: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "llama3", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        if (requests.length === 1) {
          res.write(chunk({ role: "assistant", tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "pin_memory", arguments: "" } }] }));
          res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"type":"place","key":"favorite ' } }] }));
          res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: 'airport","value":"JFK"}' } }] }));
          res.write(chunk({}, "tool_calls"));
        } else {
          for (const t of ["Got", " it", "."]) res.write(chunk({ content: t }));
          res.write(chunk({}, "stop"));
          res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "llama3", choices: [], usage: { prompt_tokens: 50, completion_tokens: 3, total_tokens: 53 } })}\n\n`);
        }
        res.end("data: [DONE]\n\n");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const env = { LLM_PROVIDER: "openai", OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "llama3" };
      const config = providerConfig(env);
      if (!config.ok) throw new Error(config.error.message);
      const room = nodeRoom(() => languageModel(config.value, env, { timeZone: "UTC", now: () => new Date() }));
      const frames = await runTurn(room, "remember that my favorite airport is JFK");
      expect(requests[0]).toMatchObject({ url: "/v1/chat/completions", auth: "Bearer sk-test", body: { model: "llama3", stream: true } });
      expect(JSON.stringify(requests[0]!.body.tools)).toContain("pin_memory");
      expect(Object.values(room.ledger.state.memories)).toMatchObject([{ type: "place", key: "favorite airport", value: "JFK" }]);
      expect(frames.at(-1)).toMatchObject({ type: "llm.completed", text: "Got it." });
    } finally {
      server.close();
    }
  });

  it("[C10] a provider error ends the turn failed; the user's message stays", async () => {
    const binding = { run: async () => { throw new Error("AiError: 3040: Capacity temporarily exceeded"); } } as unknown as Ai;
    const config = providerConfig({ LLM_PROVIDER: "workers-ai", AI: binding });
    if (!config.ok) throw new Error(config.error.message);
    const room = nodeRoom(() => languageModel(config.value, { AI: binding }, { timeZone: "UTC", now: () => new Date() }));
    const frames = await runTurn(room, "hello");
    expect(frames.at(-1)).toMatchObject({ type: "llm.failed", code: "provider_error" });
    expect(room.ledger.state.recentMessages.map((m) => m.text)).toEqual(["hello"]);
  });

  const badConfigs: [string, Record<string, string>][] = [
    ["an unknown provider", { LLM_PROVIDER: "gpt-from-the-future" }],
    ["workers-ai without the AI binding", { LLM_PROVIDER: "workers-ai" }],
    ["openai without a base URL", { LLM_PROVIDER: "openai", OPENAI_MODEL: "x" }],
    ["openai without a model", { LLM_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }],
    ["a negative offline pace", { LLM_PROVIDER: "offline", OFFLINE_TOKEN_DELAY_MS: "-5" }],
  ];
  for (const [name, env] of badConfigs) {
    it(`[C10] refuses ${name} with a clear configuration error`, () => {
      expect(providerConfig(env)).toMatchObject({ ok: false, error: { code: "internal", message: expect.stringContaining("") } });
    });
  }

  it("[C10] the offline assistant is the default", () => {
    expect(providerConfig({})).toEqual({ ok: true, value: { provider: "offline", tokenDelayMs: 25 } });
  });
});
