import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import type { LlmFrame } from "../../shared/chat.ts";
import type { LedgerEvent } from "../../shared/domain.ts";
import { secondsToNextDay } from "../../shared/dates.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { gatedModel, scriptedModel, type Step } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";
import { seededRng } from "../support/random.ts";

/**
 * The bound C13 states, restated here rather than imported so this file also
 * runs against a room that does not reserve (the proof that it used to fail):
 * the UTF-8 size of the prompt and tool schemas as sent, plus the output cap.
 */
const boundOf = (call: LanguageModelV4CallOptions) =>
  new TextEncoder().encode(JSON.stringify(call.prompt) + JSON.stringify(call.tools ?? [])).length + (call.maxOutputTokens ?? 0);

const charges = (events: LedgerEvent[]) => events.flatMap((e) => (e.type === "usage.charged" ? [e.payload] : []));

/** Tokens charged per UTC day. */
function chargedByDay(events: LedgerEvent[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const { day, tokens } of charges(events)) days.set(day, (days.get(day) ?? 0) + tokens);
  return days;
}

async function runTurn(room: ReturnType<typeof nodeRoom>, text: string): Promise<LlmFrame[]> {
  const accepted = room.chat.submit({ text, channel: "chat" }, { kind: "user" }, `req-${text.slice(0, 12)}`);
  if (!accepted.ok) throw new Error(accepted.error.message);
  await room.chat.idle();
  return room.frames.filter((f) => f.turnId === accepted.value.turnId);
}

describe("Assistant — the token budget, reserved per model call (C13, G6)", () => {
  it("[C13][G6] a seeded burst of turns with tool steps and realistic usage never charges past the daily budget", async () => {
    const rng = seededRng("budget burst");
    const dailyTokens = 100_000;
    const maxOutputTokens = 600;
    let calls = 0;
    // A provider's count: the call as sent, tokenized at 2.5–4.5 bytes a token; an answer of up to the output cap.
    const realistic: Step["usage"] = (call) => {
      calls++;
      const bytes = new TextEncoder().encode(JSON.stringify(call.prompt) + JSON.stringify(call.tools ?? [])).length;
      return { input: Math.ceil(bytes / (2.5 + rng.next() * 2)), output: 1 + rng.int(call.maxOutputTokens ?? maxOutputTokens) };
    };
    const turnModel = () => {
      const toolSteps = rng.int(5);
      const steps: Step[] = [];
      for (let i = 0; i < toolSteps; i++) {
        const call = rng.next() < 0.5 ? { name: "get_agenda", input: {} } : { name: "create_task", input: { title: `Task ${rng.int(1_000)}` } };
        steps.push({ text: rng.next() < 0.3 ? ["Let", " me", " check."] : [], toolCalls: [call], usage: realistic });
      }
      // Now and then the provider fails mid-turn: that call is charged its estimate.
      steps.push(rng.next() < 0.1 ? { fail: "upstream went away" } : { text: ["All", " done", " for", " now."], usage: realistic });
      return scriptedModel(steps);
    };
    const room = nodeRoom(turnModel, { dailyTokens, maxOutputTokens });
    // The burst: forty messages queued at once, their turns run one after another.
    const turnIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const words = Array.from({ length: 3 + rng.int(60) }, () => rng.pick(["plan", "call", "John", "tomorrow", "budget", "review", "ship", "report", "😀", "日本"]));
      const accepted = room.chat.submit({ text: words.join(" "), channel: "chat" }, { kind: "user" }, `burst-${i}`);
      if (!accepted.ok) throw new Error(accepted.error.message);
      turnIds.push(accepted.value.turnId);
    }
    await room.chat.idle();
    const ends = turnIds.map((id) => room.frames.filter((f) => f.turnId === id).at(-1)!);
    const events = room.ledger.since(0, 1_000_000);
    const days = chargedByDay(events);
    const maxOverrun = Math.max(0, ...[...days.values()].map((tokens) => tokens - dailyTokens));
    const refused = ends.filter((f) => f.type === "llm.failed" && f.code === "rate_limited").length;
    console.log(`[budget burst] seed ${rng.seed}: ${calls} calls counted by the provider, charged ${JSON.stringify(Object.fromEntries(days))} of ${dailyTokens}; max overrun ${maxOverrun}; ${refused} of 40 turns refused`);
    expect(maxOverrun, `seed ${rng.seed}`).toBe(0);
    // The burst reached the limit: some turns were refused, and little of the budget was left unused.
    expect(refused, `seed ${rng.seed}`).toBeGreaterThan(0);
    expect(Math.max(...days.values()), `seed ${rng.seed}`).toBeGreaterThan(dailyTokens / 2);
    // Every refusal says when to try again: at the end of the budget's UTC day.
    for (const f of ends) if (f.type === "llm.failed" && f.code === "rate_limited") expect(f.retryAfter).toBeGreaterThan(0);
  });

  it("[C13][G6] a turn whose second step would not fit is stopped before that call; what it said is kept", async () => {
    const script = (calls: LanguageModelV4CallOptions[]) =>
      scriptedModel(
        [
          // The first step says something, calls a tool, and is charged what a provider would count for it.
          { text: ["Checking", " your", " agenda."], toolCalls: [{ name: "get_agenda", input: {} }], usage: (call) => ({ input: Math.ceil(boundOf(call) / 4), output: 12 }) },
          { text: ["Nothing", " is", " due."] },
        ],
        calls,
      );
    // A probe room measures the first call as sent, so the budget can fit exactly that one call.
    const probe: LanguageModelV4CallOptions[] = [];
    await runTurn(nodeRoom(() => script(probe)), "what's on my agenda");
    const firstBound = boundOf(probe[0]!);
    // Room for the first call (and a clock that ticks to a longer date string), not for a second, larger one after its charge.
    const dailyTokens = firstBound + 50;

    const calls: LanguageModelV4CallOptions[] = [];
    const room = nodeRoom(() => script(calls), { dailyTokens, maxOutputTokens: 1_024 });
    const before = Date.now();
    const frames = await runTurn(room, "what's on my agenda");
    console.log(`[budget step] first call bound ${firstBound}, budget ${dailyTokens}, model calls ${calls.length}, charged ${room.ledger.state.usage.tokens}`);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.maxOutputTokens).toBe(1_024);
    const end = frames.at(-1)!;
    expect(end).toMatchObject({ type: "llm.failed", code: "rate_limited" });
    if (end.type !== "llm.failed") return;
    expect(end.retryAfter).toBeLessThanOrEqual(secondsToNextDay(before, "UTC"));
    expect(end.retryAfter).toBeGreaterThanOrEqual(secondsToNextDay(Date.now(), "UTC") - 1);
    // The tool of the first step ran, and the words of the first step stay, as a failed message.
    expect(frames.some((f) => f.type === "llm.action" || f.type === "llm.token")).toBe(true);
    expect(room.ledger.state.recentMessages.at(-1)).toMatchObject({ role: "assistant", status: "failed", text: "Checking your agenda." });
    expect(room.ledger.state.usage.tokens).toBeLessThanOrEqual(dailyTokens);
  });

  it("[C13][C7] a call stopped mid-stream is charged its estimate and what it wrote, and holds nothing after", async () => {
    const gate = gatedModel();
    const room = nodeRoom(() => gate.model);
    const accepted = room.chat.submit({ text: "tell me a story", channel: "chat" }, { kind: "user" }, "req-stop");
    if (!accepted.ok) throw new Error(accepted.error.message);
    await gate.ready;
    const heard = new Promise<void>((resolve) => room.listeners.add((f) => f.type === "llm.token" && f.seq === 3 && resolve()));
    gate.push("Once", " upon", " a", " time");
    await heard;
    expect(room.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_reservations").toArray()[0]!.n).toBe(1);
    room.chat.stop(accepted.value.turnId);
    await room.chat.idle();
    expect(room.frames.at(-1)).toMatchObject({ type: "llm.interrupted", text: "Once upon a time" });
    const charged = charges(room.ledger.since(0, 1_000));
    console.log(`[budget stop] charged ${JSON.stringify(charged.map((c) => c.tokens))}`);
    // One charge, for the one call: more than the text alone (the prompt was sent), no reservation left.
    expect(charged).toHaveLength(1);
    expect(charged[0]!.tokens).toBeGreaterThan(Math.ceil("Once upon a time".length / 4));
    expect(room.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_reservations").toArray()[0]!.n).toBe(0);
  });

  it("[C13][C6] a call cut off by a restart is charged all it reserved, once", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => {};
    const calling = new Promise<void>((resolve) => (started = resolve));
    const calls: LanguageModelV4CallOptions[] = [];
    // A provider that has the call and never answers until the test lets it.
    const hanging = () => ({
      specificationVersion: "v4" as const,
      provider: "test",
      modelId: "hanging",
      supportedUrls: {},
      async doGenerate(): Promise<never> {
        throw new Error("stream only");
      },
      async doStream(call: LanguageModelV4CallOptions) {
        calls.push(call);
        started();
        await held;
        return scriptedModel([{ text: ["late"] }]).doStream(call);
      },
    });
    const room = nodeRoom(hanging, { maxOutputTokens: 700 });
    const accepted = room.chat.submit({ text: "hello there", channel: "chat" }, { kind: "user" }, "req-restart");
    if (!accepted.ok) throw new Error(accepted.error.message);
    await calling;
    const reserved = boundOf(calls[0]!);
    const again = room.restart();
    const charged = () => charges(again.ledger.since(0, 1_000)).reduce((n, c) => n + c.tokens, 0);
    console.log(`[budget restart] reserved ${reserved}, charged after restart ${charged()}`);
    expect(charged()).toBe(reserved);
    expect(again.ledger.state.usage.tokens).toBe(reserved);
    // The old process lets go of its call afterwards: what the restart charged is not charged again.
    release();
    await room.chat.idle();
    expect(charges(new Ledger(room.sql).since(0, 1_000)).reduce((n, c) => n + c.tokens, 0)).toBe(reserved);
  });
});
