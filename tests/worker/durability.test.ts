import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Memory, Task } from "../../shared/domain.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";

describe("Brain — durability", () => {
  it("[L8][G1] every acknowledged event and task survives eviction with no client connected", async () => {
    const user = freshUser("evict");
    const http = api(await login(user));
    const acked: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await http.post("/api/v1/tasks", { action: "create", task: { title: `task ${i}` } });
      acked.push(Number(res.headers.get("x-event-seq")));
      await res.body?.cancel();
    }
    await (await http.post("/api/v1/memory/pin", { type: "fact", key: "dog", value: "Rex" })).body?.cancel();
    const before = (await (await http.get("/api/v1/state")).json()) as { tasks: Task[]; memories: Memory[]; lastEventSeq: number };

    const stub = await stubOf(user);
    await evictDurableObject(stub);

    const after = (await (await http.get("/api/v1/state")).json()) as typeof before;
    expect(after.tasks).toEqual(before.tasks);
    expect(after.memories).toEqual(before.memories);
    expect(after.lastEventSeq).toBe(11);
    expect(acked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("[D5][G1] a task written through the socket is in the document after eviction, before any client reconnects", async () => {
    const user = freshUser("doc");
    const token = await login(user);
    const s = await connect(token);
    await s.hello();
    s.send({ type: "task", rid: "x", command: { action: "create", task: { title: "Through the socket" } } });
    await s.next("ack");
    s.close();
    const stub = await stubOf(user);
    await evictDurableObject(stub);
    const titles = await inRoom(stub, async (brain) => {
      const doc = brain.document;
      return [...doc.getMap<import("yjs").Map<unknown>>("tasks").values()].map((m) => m.get("title"));
    });
    expect(titles).toEqual(["Through the socket"]);
  });

  it("[L5] replaying the ledger from zero gives exactly the live projections", async () => {
    const user = freshUser("replay");
    const http = api(await login(user));
    for (const res of [
      await http.put("/api/v1/preferences", { timezone: "Asia/Tokyo" }),
      await http.post("/api/v1/memory/pin", { type: "place", key: "airport", value: "HND" }),
      await http.post("/api/v1/memory/pin", { type: "place", key: "airport", value: "NRT" }),
      await http.put("/api/v1/preferences", { workHours: { end: "18:30" } }),
    ]) {
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
    const stub = await stubOf(user);
    const { live, replayed } = await inRoom(stub, async (brain) => {
      const ledger = brain.debugLedger();
      return { live: ledger.state, replayed: ledger.replayFromZero() };
    });
    expect(replayed).toEqual(live);
    expect(live.preferences).toMatchObject({ timezone: "Asia/Tokyo", workHours: { end: "18:30" } });
  });

  it("[L6] hydration after eviction starts from the latest snapshot and equals replay from zero", async () => {
    const user = freshUser("snapshot");
    await login(user);
    const stub = await stubOf(user);
    await inRoom(stub, async (brain) => {
      const ledger = brain.debugLedger();
      for (let i = 0; i < 2_100; i++) {
        ledger.append({ type: "memory.pinned", actor: { kind: "system" }, correlationId: "bulk", payload: { memory: { id: `m${i % 7}`, type: "fact", key: `k${i % 7}`, value: `v${i}`, pinnedAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z" } } });
      }
    });
    await evictDurableObject(stub);
    const result = await inRoom(stub, async (brain, state) => {
      const ledger = brain.debugLedger();
      const snaps = [...state.storage.sql.exec<{ seq: number }>("SELECT seq FROM ledger_snapshots ORDER BY seq")].map((r) => r.seq);
      return { snaps, live: ledger.state, replayed: ledger.replayFromZero() };
    });
    expect(result.snaps).toEqual([1_000, 2_000]);
    expect(result.live).toEqual(result.replayed);
    expect(result.live.lastEventSeq).toBe(2_100);
  });
});
