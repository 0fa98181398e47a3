import { createHash } from "node:crypto";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { v7 as uuidv7 } from "uuid";
import { ArchitectRoom, type ArchitectRoomDeps } from "../../party/architect/architect-room.ts";
import { parseConfig } from "../../party/config.ts";
import { Ledger } from "../../party/core/ledger.ts";
import type { ArchitectPort } from "../../party/goals/architect-port.ts";
import { ok } from "../../shared/errors.ts";
import { DEFAULT_PREFERENCES } from "../../shared/domain.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { FakeRoom } from "../support/fake-room.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeSql } from "../support/node-sql.ts";

const NOW = Date.parse("2027-01-04T07:00:00Z");

/** The room's side of the architect in Node, with a room.architect that records what it is given. */
function architectRoom(over: Partial<ArchitectRoomDeps> = {}) {
  const sql = nodeSql();
  const ledger = new Ledger(sql, { now: () => NOW });
  ledger.append({ type: "preferences.updated", actor: { kind: "system" }, correlationId: "tz", payload: { patch: { timezone: "Europe/Paris" } } });
  const frames: ServerFrame[] = [];
  const proposed: unknown[] = [];
  const launched: unknown[] = [];
  const port: ArchitectPort = {
    context: () => ({ timeZone: "Europe/Paris", now: NOW, workHours: DEFAULT_PREFERENCES.workHours, busy: [{ start: "2027-01-04T09:00:00+01:00", end: "2027-01-04T10:00:00+01:00" }], goals: [] }),
    propose: (input) => {
      proposed.push(input);
      return ok({ proposalId: "p1", created: proposed.length === 1 });
    },
  };
  const room = new ArchitectRoom({
    userId: "u1",
    sql,
    ledger,
    now: () => NOW,
    newId: uuidv7,
    config: parseConfig({ LLM_PROVIDER: "offline" }),
    gate: () => ({ wrap: (m) => m, settleAll: () => {}, refusal: null }),
    tasks: () => [],
    broadcast: (f) => frames.push(f),
    proposals: () => port,
    launch: async (params) => {
      launched.push(params);
    },
    log: () => {},
    ...over,
  });
  return { room, ledger, frames, proposed, launched };
}

const request = { goal: "Half marathon", targetDate: "2027-03-15", turnId: "turn-1", requestId: "r1" };

describe("Architect — the room's side", () => {
  it("[B30][B38] a run is recorded, then its workflow created; a second ask while it works is refused", async () => {
    const { room, launched } = architectRoom();
    const first = await room.start(request);
    expect(first.ok).toBe(true);
    expect(launched).toEqual([{ userId: "u1", runId: first.ok && first.value.runId }]);
    const second = await room.start({ ...request, goal: "Driving test" });
    expect(second).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("“Half marathon”") } });
    expect(launched).toHaveLength(1);
  });

  it("[B38] a host without the workflow engine says so; a workflow that cannot be created leaves no run behind", async () => {
    const { room } = architectRoom({ launch: undefined });
    expect(await room.start(request)).toMatchObject({ ok: false, error: { message: expect.stringContaining("workflow engine") } });
    const failing = architectRoom({ launch: async () => Promise.reject(new Error("binding down")) });
    expect((await failing.room.start(request)).ok).toBe(false);
    expect(failing.room.runs.running(0)).toEqual([]);
  });

  it("[B31] calls are validated, and a run this room did not start is refused", async () => {
    const { room } = architectRoom();
    expect(await room.handle({ step: "context" })).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    expect(await room.handle({ step: "context", runId: "nope" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await room.handle({ step: "progress", runId: "nope", stage: "done", message: "x" })).toMatchObject({ ok: false, error: { code: "invalid_request" } });
  });

  it("[B30][B43] the context: the zone, work hours, busy time from room.architect, until the end of the target date", async () => {
    const { room } = architectRoom();
    const started = await room.start(request);
    const runId = started.ok ? started.value.runId : "";
    const context = await room.handle({ step: "context", runId });
    expect(context).toMatchObject({
      ok: true,
      value: { goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04", timeZone: "Europe/Paris", until: "2027-03-16T00:00:00+01:00", busy: [{ start: "2027-01-04T09:00:00+01:00" }] },
    });
  });

  it("[B37][B39][B40] one proposal ends the run once; a failure after it posts nothing; a failed run posts one message", async () => {
    const { room, ledger, frames, proposed } = architectRoom();
    const a = await room.start(request);
    const runA = a.ok ? a.value.runId : "";
    const propose = { step: "propose", runId: runA, entries: [{ id: "t-a", kind: "task", title: "Long run 8 km" }], rationale: "because", hash: "0".repeat(64), tokens: 0 };
    expect(await room.handle(propose)).toMatchObject({ ok: true, value: { proposalId: "p1" } });
    expect(await room.handle(propose)).toMatchObject({ ok: true, value: { proposalId: "p1" } });
    expect(frames.filter((f) => f.type === "architect.progress" && f.step === "propose")).toHaveLength(1);
    expect(proposed[0]).toMatchObject({ runId: runA, goal: { title: "Half marathon", targetDate: "2027-03-15" }, turnId: "turn-1" });
    await room.handle({ step: "fail", runId: runA, message: "late" });
    expect(ledger.ofTypes(["message.added"])).toHaveLength(0);


    const b = await room.start({ ...request, goal: "Driving test" });
    const runB = b.ok ? b.value.runId : "";
    await room.handle({ step: "fail", runId: runB, message: "the budget is used up" });
    await room.handle({ step: "fail", runId: runB, message: "the budget is used up" });
    const messages = ledger.ofTypes(["message.added"]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.type === "message.added" && messages[0]!.payload.message).toMatchObject({ role: "assistant", status: "failed", text: expect.stringMatching(/^I couldn't plan “Driving test” for Mon, Mar 15: the budget is used up\./) });
    // A run that ended says nothing more.
    await room.handle({ step: "progress", runId: runB, stage: "place", message: "Placing…" });
    expect(frames.filter((f) => f.type === "architect.progress" && f.runId === runB).map((f) => f.type === "architect.progress" && f.step)).toEqual(["failed"]);
  });

  it("[B34][B35] offline, the breakdown is the rules', with a sha-256 audit hash and no tokens", async () => {
    const { room } = architectRoom();
    const started = await room.start(request);
    const answer = await room.handle({ step: "breakdown", runId: started.ok ? started.value.runId : "" });
    expect(answer).toMatchObject({ ok: true, value: { ok: true, source: "rules", tokens: 0, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // B20/B35: anyone can recompute it — sha-256 of the prompt (the rules' input), a NUL, the output (the rules' result).
    const value = answer.ok ? (answer.value as { breakdown: unknown; hash: string }) : null;
    const prompt = JSON.stringify({ goal: request.goal, targetDate: request.targetDate, today: "2027-01-04" });
    expect(value?.hash).toBe(createHash("sha256").update(`${prompt}\u0000${JSON.stringify(value?.breakdown)}`).digest("hex"));
  });

  it("[B20][B35] with a model, the hash is sha-256 of system + newline + prompt as sent, a NUL, and the answer as received", async () => {
    const { room } = architectRoom();
    const calls: LanguageModelV4CallOptions[] = [];
    const text = JSON.stringify({ milestones: [{ id: "m1", title: "Base", due: "2027-02-01" }], tasks: [{ id: "t1", title: "Easy run", minutes: 45, milestone: "m1" }], rationale: "start easy" });
    room.useModel(() => scriptedModel([{ text: [text.slice(0, 20), text.slice(20)] }], calls));
    const started = await room.start(request);
    const answer = await room.handle({ step: "breakdown", runId: started.ok ? started.value.runId : "" });
    const value = answer.ok ? (answer.value as { ok: boolean; hash?: string }) : null;
    expect(value).toMatchObject({ ok: true, source: "model" });
    const [system, user] = calls[0]!.prompt;
    const sent = `${system?.role === "system" ? system.content : ""}\n${user?.role === "user" && user.content[0]?.type === "text" ? user.content[0].text : ""}`;
    expect(value?.hash).toBe(createHash("sha256").update(`${sent}\u0000${text}`).digest("hex"));
  });

  it("[B37] a breakdown asked for a run that has ended sends no progress and asks no model", async () => {
    const { room, frames } = architectRoom();
    const started = await room.start(request);
    const runId = started.ok ? started.value.runId : "";
    await room.handle({ step: "fail", runId, message: "gave up" });
    const before = frames.length;
    const answer = await room.handle({ step: "breakdown", runId });
    expect(frames.slice(before)).toEqual([]);
    expect(answer).toMatchObject({ ok: true, value: { ok: false, message: "this planning run has already ended" } });
  });
});

describe("Architect — a device that connects mid-run", () => {
  it("[B48] is sent the latest progress line of a run still working after its hello, and nothing once the run has ended", () => {
    const room = new FakeRoom();
    const laptop = room.connect();
    laptop.hello("laptop");
    const architect = room.room.architectRuns;
    architect.runs.add({ runId: "run-1", turnId: null, goal: "Half marathon", targetDate: "2027-03-15" });
    architect.progress("run-1", "breakdown", "Breaking down “Half marathon”…");
    architect.progress("run-1", "place", "Placing 12 blocks in your free time…");
    room.flush();
    expect(laptop.received.filter((f) => f.type === "architect.progress")).toHaveLength(2);

    const phone = room.connect();
    phone.hello("phone");
    expect(phone.received.filter((f) => f.type === "architect.progress")).toEqual([
      { type: "architect.progress", runId: "run-1", step: "place", message: "Placing 12 blocks in your free time…" },
    ]);

    architect.runs.end("run-1", "proposed", "p1");
    const tablet = room.connect();
    tablet.hello("tablet");
    expect(tablet.received.filter((f) => f.type === "architect.progress")).toEqual([]);
  });
});
