import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { composePlan } from "../../party/models.ts";
import { dayOf } from "../../shared/dates.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom } from "../support/fake-room.ts";

const good = '{"priorities":["Ship it"],"todos":["Email Ann"],"note":"Focus before noon."}';

describe("Brain — the daily plan under the daily budget", () => {
  it("[C13][G6][S7] a plan's model call reserves against the same budget as turns: one that does not fit is never made", async () => {
    const room = new FakeRoom({ env: { LLM_DAILY_TOKEN_BUDGET: "3000" } });
    const deps = (calls: LanguageModelV4CallOptions[]) => ({
      config: room.config,
      ledger: room.room.ledger,
      tasks: () => [],
      now: () => room.clock,
      model: () => scriptedModel([{ text: [good] }], calls),
      gate: () => room.room.chat.budgetGate({ turnId: "plan-test", requestId: "r" }),
    });
    const first: LanguageModelV4CallOptions[] = [];
    expect(await composePlan(deps(first), "2026-11-25", "chat")).toMatchObject({ ok: true });
    expect(first).toHaveLength(1);
    const charged = room.room.ledger.state.usage;
    expect(charged.day).toBe(dayOf(room.clock, room.room.ledger.state.preferences.timezone));
    expect(charged.tokens).toBeGreaterThan(0);

    room.room.ledger.append({ type: "usage.charged", actor: { kind: "system" }, correlationId: "spent", payload: { day: dayOf(room.clock, room.room.ledger.state.preferences.timezone), tokens: 2_900 } });
    const second: LanguageModelV4CallOptions[] = [];
    expect(await composePlan(deps(second), "2026-11-26", "chat")).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    expect(second).toHaveLength(0);
  });

  it("[C13][G6][S5] the room's own plan goes through the gate: its call is charged, and with the day spent it is never made", async () => {
    // An OpenAI-compatible provider on loopback that answers every call with a valid plan and counts the calls.
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        requests++;
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", ...body })}\n\n`;
        res.write(chunk({ choices: [{ index: 0, delta: { role: "assistant", content: good }, finish_reason: null }] }));
        res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
        res.write(chunk({ choices: [], usage: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 } }));
        res.end("data: [DONE]\n\n");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      const room = new FakeRoom({ env: { LLM_PROVIDER: "openai", OPENAI_BASE_URL: `http://127.0.0.1:${address.port}/v1`, OPENAI_MODEL: "m", LLM_DAILY_TOKEN_BUDGET: "5000" } });
      const planned = await room.room.schedule.proposePlan("2026-11-25", "chat");
      expect(planned).toMatchObject({ ok: true, value: { source: "chat" } });
      expect(requests).toBe(1);
      // Charged what the provider counted, on today's budget.
      expect(room.room.ledger.state.usage).toMatchObject({ day: dayOf(room.clock, room.room.ledger.state.preferences.timezone), tokens: 340 });

      room.room.ledger.append({ type: "usage.charged", actor: { kind: "system" }, correlationId: "spent", payload: { day: dayOf(room.clock, room.room.ledger.state.preferences.timezone), tokens: 4_600 } });
      const refused = await room.room.schedule.proposePlan("2026-11-26", "chat");
      expect(refused).toMatchObject({ ok: false, error: { code: "rate_limited" } });
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });
});
