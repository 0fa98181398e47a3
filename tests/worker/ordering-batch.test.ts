import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_BATCH_FRAMES, type ServerFrame } from "../../shared/protocol.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";

type BatchResult = Extract<ServerFrame, { type: "batch.result" }>;
const pin = (key: string, value: string, clientActionId: string) => ({ type: "memory.pin", rid: clientActionId, command: { type: "fact", key, value, clientActionId } });
const titles = async (token: string) => ((await (await api(token).get("/api/v1/state")).json()) as { tasks: { title: string }[] }).tasks.map((t) => t.title).sort();
const task = (title: string, clientActionId: string) => ({ type: "task", rid: clientActionId, command: { action: "create", task: { title }, clientActionId } });

describe("Brain — batched command frames", () => {
  it("[R10][R11][R12][G1] a batch is answered once, after one commit: every item acked in order, and stored — evicted right after the answer, all of it is there", async () => {
    const user = freshUser("batch");
    const token = await login(user);
    const socket = await connect(token, "phone");
    await socket.hello();
    const frames = Array.from({ length: 20 }, (_, i) => pin(`k${i}`, `v${i}`, `batch-item-${String(i).padStart(4, "0")}`));
    socket.send({ type: "batch", rid: "b1", frames });
    const result = await socket.next("batch.result");
    expect(result.rid).toBe("b1");
    expect(result.results.map((r) => [r.type, r.rid])).toEqual(frames.map((f) => ["ack", f.rid]));
    const seqs = result.results.map((r) => (r.type === "ack" ? r.seq : -1));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // R11: one answer, not an ack per item.
    await socket.roundTrip();
    expect(socket.frames.filter((f) => f.type === "ack")).toEqual([]);
    socket.close();
    await evictDurableObject(await stubOf(user));
    const memories = await inRoom(await stubOf(user), (brain) => Object.values(brain.debugLedger().state.memories).map((m) => `${m.key}=${m.value}`));
    expect(memories.sort()).toEqual(frames.map((f) => `${f.command.key}=${f.command.value}`).sort());
  }, 30_000);

  it("[R12][L3][G2] a repeated batch is applied once: every item comes back as a duplicate with its original result, on the socket and over HTTP", async () => {
    const user = freshUser("batch-dup");
    const token = await login(user);
    const socket = await connect(token, "phone");
    await socket.hello();
    const frames = [task("Buy milk", "batch-dup-0001"), task("Call John", "batch-dup-0002")];
    socket.send({ type: "batch", rid: "first", frames });
    const first = await socket.next("batch.result", (f: BatchResult) => f.rid === "first");
    socket.send({ type: "batch", rid: "again", frames });
    const again = await socket.next("batch.result", (f: BatchResult) => f.rid === "again");
    expect(again.results.map((r) => (r.type === "ack" ? r.duplicate : null))).toEqual([true, true]);
    expect(again.results.map((r) => (r.type === "ack" ? r.result : null))).toEqual(first.results.map((r) => (r.type === "ack" ? r.result : null)));
    // The same key over HTTP is the same action (G2).
    const http = await api(token).post("/api/v1/tasks", frames[0]!.command);
    expect(http.headers.get("idempotent-replayed")).toBe("true");
    expect(await titles(token)).toEqual(["Buy milk", "Call John"]);
    socket.close();
  }, 30_000);

  it("[R12][L1] a refused item is an error in its place, changes nothing, and the other items apply", async () => {
    const user = freshUser("batch-mixed");
    const token = await login(user);
    const socket = await connect(token, "phone");
    await socket.hello();
    const frames = [
      task("First", "batch-mix-0001"),
      { type: "task", rid: "missing", command: { action: "complete", taskId: "no-such-task", clientActionId: "batch-mix-0002" } },
      task("Third", "batch-mix-0003"),
    ];
    socket.send({ type: "batch", rid: "mixed", frames });
    const result = await socket.next("batch.result");
    expect(result.results.map((r) => [r.type, r.rid])).toEqual([["ack", "batch-mix-0001"], ["error", "missing"], ["ack", "batch-mix-0003"]]);
    expect(result.results[1]).toMatchObject({ type: "error", code: "not_found" });
    expect(await titles(token)).toEqual(["First", "Third"]);
    socket.close();
  }, 30_000);

  it("[R13][G5] caps: an empty batch, one over MAX_BATCH_FRAMES, a chat frame or a batch inside a batch is refused whole with a typed error; the socket stays up", async () => {
    const user = freshUser("batch-caps");
    const token = await login(user);
    const socket = await connect(token, "phone");
    await socket.hello();
    const over = Array.from({ length: MAX_BATCH_FRAMES + 1 }, (_, i) => pin("k", "v", `batch-cap-${String(i).padStart(4, "0")}`));
    const refused = [
      { type: "batch", rid: "empty", frames: [] },
      { type: "batch", rid: "over", frames: over },
      { type: "batch", rid: "chat", frames: [{ type: "message.send", command: { text: "hi" } }] },
      { type: "batch", rid: "nested", frames: [{ type: "batch", frames: [pin("k", "v", "batch-cap-nested")] }] },
    ];
    for (const frame of refused) {
      socket.send(frame);
      const error = await socket.next("error", (f) => f.rid === frame.rid);
      expect(error.code).toBe("invalid_request");
    }
    await socket.roundTrip();
    const ledger = await inRoom(await stubOf(user), (brain) => brain.debugLedger().lastSeq);
    // Only the hello's zone adoption could have written; no item of a refused batch did.
    expect(await inRoom(await stubOf(user), (brain) => brain.debugLedger().since(0, 100).filter((e) => e.type === "memory.pinned").length)).toBe(0);
    expect(ledger).toBeLessThanOrEqual(1);
    socket.close();
  }, 30_000);
});
