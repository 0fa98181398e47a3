import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
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
});
