import { env } from "cloudflare:test";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { ruleBreakdown } from "../../party/architect/rules.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { architectUser, ask, theRun, watchRuns } from "./architect-support.ts";
import { holdArchitect } from "./test-architect.ts";
import { freshUser, storageOf } from "./helpers.ts";

/** A breakdown a model could answer: valid JSON the schema accepts. */
const VALID = JSON.stringify(ruleBreakdown({ goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04" }));

describe("Brain — the architect workflow", () => {
  it("[B45][B46][B41][B39] the offline phrase starts one run: progress on both devices, one proposal of milestones, tasks and blocks", async () => {
    await using runs = await watchRuns();
    const u = await architectUser("arch-offline");
    const reply = await ask(u.devices[0]);
    expect(reply.text).toMatch(/I'm on it/);
    expect(reply.text).toContain("Half marathon");
    for (const d of u.devices) {
      await d.next("architect.progress", (f) => f.step === "breakdown");
      await d.next("architect.progress", (f) => f.step === "place");
      await d.next("architect.progress", (f) => f.step === "propose");
    }
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toMatchObject({ status: "proposed" });
    const created = (await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect");
    expect(created).toHaveLength(1);
  });

  it("[B33][B36] a model that answers invalid JSON once is asked again; the proposal appears once and its tokens are charged", async () => {
    await using runs = await watchRuns();
    const u = await architectUser("arch-retry");
    const calls: LanguageModelV4CallOptions[] = [];
    const model = scriptedModel([{ text: ["Sure! Here is", " your plan"] }, { text: [VALID] }], calls);
    await u.useModel(() => model);
    await ask(u.devices[0]);
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(calls).toHaveLength(2);
    // The second ask names what was wrong with the first answer.
    expect(JSON.stringify(calls[1]!.prompt)).toContain("not JSON");
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(1);
    const charged = (await u.events("usage.charged")).reduce((n, e) => n + (e.type === "usage.charged" ? e.payload.tokens : 0), 0);
    // Two calls of 10 in + 10 out each (the scripted model's report), beside what the chat turn cost.
    expect(charged).toBeGreaterThanOrEqual(40);
  });

  it.each([
    ["breakdown", "before"],
    ["place", "before"],
    ["propose", "before"],
    ["propose", "after"],
    ["propose", "lose"],
  ] as const)("[B31][B39] the room evicted at the %s step (%s its call): every step completes once, the proposal appears once", async (step, when) => {
    await using runs = await watchRuns();
    const u = await architectUser(`arch-evict-${step}-${when}`);
    const hold = holdArchitect(u.user, step, when);
    await ask(u.devices[0]);
    const instance = await theRun(runs);
    await expect.poll(hold.reached).toBe(true);
    // The runtime drops the object between two steps, as on a deploy or a crash (as chat.test.ts's C6 test does it: devices gone first).
    for (const d of u.devices) d.close();
    await u.inRoom((_brain, state) => state.abort("simulated eviction")).catch(() => {});
    hold.release();
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toMatchObject({ status: "proposed" });
    for (const name of ["context", "breakdown", "place", "propose"]) await instance.waitForStepResult({ name });
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(1);
    expect((await u.events("message.added")).filter((e) => e.type === "message.added" && e.payload.message.status === "failed")).toHaveLength(0);
    // The room that came back knows the run, ended with its one proposal.
    const running = await u.inRoom((b) => b.debugArchitect().runs.running(0));
    expect(running).toHaveLength(0);
  });

  it("[B31][B39] a propose step that fails once is retried by the engine; still one proposal", async () => {
    await using runs = await watchRuns();
    await runs.modifyAll(async (m) => {
      await m.mockStepError({ name: "propose" }, new Error("injected: the room went away"), 1);
    });
    const u = await architectUser("arch-propose-retry");
    await ask(u.devices[0]);
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toMatchObject({ status: "proposed" });
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(1);
  });

  it("[B33][B40] a model whose answers stay invalid: one clear message on every device, no proposal", async () => {
    await using runs = await watchRuns();
    const u = await architectUser("arch-invalid");
    const calls: LanguageModelV4CallOptions[] = [];
    const model = scriptedModel([{ text: ['{"milestones": [], "tasks": []}'] }], calls);
    await u.useModel(() => model);
    await ask(u.devices[0]);
    for (const d of u.devices) {
      const failed = await d.next("architect.progress", (f) => f.step === "failed");
      expect(failed.message).toMatch(/couldn't plan “Half marathon”/);
    }
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toMatchObject({ status: "failed" });
    expect(calls).toHaveLength(2);
    const failures = (await u.events("message.added")).filter((e) => e.type === "message.added" && e.payload.message.status === "failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]!.type === "message.added" && failures[0]!.payload.message.text).toMatch(/Nothing was added/);
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(0);
  });

  it("[B31][B40] a provider that keeps failing: the step is retried by the engine, then one clear message, no proposal", async () => {
    await using runs = await watchRuns();
    const u = await architectUser("arch-down");
    const calls: LanguageModelV4CallOptions[] = [];
    const model = scriptedModel([{ fail: "upstream 503" }], calls);
    await u.useModel(() => model);
    await ask(u.devices[0]);
    await u.devices[1].next("architect.progress", (f) => f.step === "failed");
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    // The first try and every retry reached the model.
    expect(calls.length).toBeGreaterThan(1);
    expect((await u.events("message.added")).filter((e) => e.type === "message.added" && e.payload.message.status === "failed")).toHaveLength(1);
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(0);
  });

  it("[B36][G6] over the daily budget: the model is never called; the run ends with the budget's message", async () => {
    await using runs = await watchRuns();
    const u = await architectUser("arch-budget");
    const calls: LanguageModelV4CallOptions[] = [];
    const model = scriptedModel([{ text: [VALID] }], calls);
    await u.useModel(() => model);
    // Today's budget is spent; the run is started as the tool would start it.
    const started = await u.inRoom((b) => {
      b.debugLedger().append({ type: "usage.charged", actor: { kind: "system" }, correlationId: "spent", payload: { day: "2027-01-04", tokens: 100_000 } });
      return b.debugArchitect().start({ goal: "Half marathon", targetDate: "2027-03-15", turnId: null, requestId: "r-budget" });
    });
    expect(started.ok).toBe(true);
    const failed = await u.devices[1].next("architect.progress", (f) => f.step === "failed");
    expect(failed.message).toMatch(/budget/);
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(calls).toHaveLength(0);
    expect((await u.events("proposal.created")).filter((e) => e.type === "proposal.created" && e.payload.tool === "architect")).toHaveLength(0);
  });

  it("[B30][G8] a run the room did not start is refused, and the room is not created", async () => {
    const user = freshUser("arch-stranger");
    await using runs = await watchRuns();
    await env.ARCHITECT.create({ id: "run-stranger", params: { userId: user, runId: "run-stranger" } });
    const instance = await theRun(runs);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ status: "refused" });
    expect(await storageOf(user)).toEqual({ tables: 0, alarm: null });
  });
});
