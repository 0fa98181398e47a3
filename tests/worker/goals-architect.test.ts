/**
 * An architect plan on two devices through the real worker and Brain
 * (docs/PROTOCOL.md B10–B13, B16): the proposal's card reaches both; the phone
 * accepts half of it over its socket; exactly those entries reach the laptop's
 * document; undo removes them everywhere.
 */
import { describe, expect, it } from "vitest";
import { readBlocks, readGoals, readTasks } from "../../shared/doc-schema.ts";
import { api, freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { YjsDevice } from "./yjs-client.ts";

const HASH = "a".repeat(64);

const handOff = {
  runId: "run-w1",
  goal: { title: "Half marathon", targetDate: "2027-03-15" },
  entries: [
    { id: "t1", kind: "task", title: "Easy run 5 km" },
    { id: "t2", kind: "task", title: "Long run 12 km", after: ["t1"] },
    { id: "b1", kind: "block", title: "Easy run 5 km", taskId: "t1", start: "2027-01-04T09:00:00+01:00", end: "2027-01-04T10:00:00+01:00" },
    { id: "b2", kind: "block", title: "Long run 12 km", taskId: "t2", start: "2027-01-06T09:00:00+01:00", end: "2027-01-06T11:00:00+01:00" },
  ],
  rationale: "Build up to 12 km.",
  hash: HASH,
  tokens: 100,
};

describe("Brain — architect proposals on two devices (B10–B16)", () => {
  it("[B11][B12][B13] the card reaches both devices; accepting half of it puts exactly those on the other device's timeline; undo takes them off", async () => {
    const user = freshUser("architect");
    const token = await login(user);
    const stub = await stubOf(user);
    await inRoom(stub, (b) => b.debugSetClock(Date.parse("2027-01-02T08:00:00Z")));
    const phone = new YjsDevice(token, "phone");
    const laptop = new YjsDevice(token, "laptop");
    await phone.connect();
    await laptop.connect();

    const proposed = await inRoom(stub, (b) => b.debugArchitectPropose(handOff));
    if (!proposed.ok) throw new Error(proposed.error.message);
    const again = await inRoom(stub, (b) => b.debugArchitectPropose(handOff));
    expect(again).toEqual({ ok: true, value: { proposalId: proposed.value.proposalId, created: false } });
    const cards = await Promise.all([phone, laptop].map((d) => d.socket!.next("llm.action", (f) => f.action.proposalId === proposed.value.proposalId)));
    for (const { action } of cards) {
      expect(action.status).toBe("proposed");
      expect(action.entries?.map((e) => e.id)).toEqual(["goal", "t1", "t2", "b1", "b2"]);
    }

    // An entry the proposal does not have: refused, nothing written, still pending.
    phone.socket!.send({ type: "proposal.confirm", rid: "bad", proposalId: proposed.value.proposalId, items: ["nope"] });
    expect(await phone.socket!.next("error", (f) => f.rid === "bad")).toMatchObject({ code: "invalid_request" });

    phone.socket!.send({ type: "proposal.confirm", rid: "half", proposalId: proposed.value.proposalId, items: ["goal", "t1", "b1"] });
    await phone.socket!.next("ack", (f) => f.rid === "half");
    await YjsDevice.until([laptop], () => readBlocks(laptop.doc).length === 1 && readTasks(laptop.doc).length === 1, "the accepted block and task on the laptop");
    expect(readGoals(laptop.doc).map((g) => g.title)).toEqual(["Half marathon"]);
    expect(readBlocks(laptop.doc)[0]).toMatchObject({ title: "Easy run 5 km", source: "architect", goalId: readGoals(laptop.doc)[0]!.id });
    expect(readTasks(laptop.doc)[0]!.goalId).toBe(readGoals(laptop.doc)[0]!.id);

    const undo = await api(token).post("/api/v1/undo", { turnId: "architect-run-w1" });
    expect(undo.status).toBe(200);
    await YjsDevice.until([laptop, phone], () => [laptop, phone].every((d) => readBlocks(d.doc).length === 0 && readGoals(d.doc).length === 0 && readTasks(d.doc).length === 0), "the plan gone everywhere");
    phone.disconnect();
    laptop.disconnect();
  });
});
