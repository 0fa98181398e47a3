import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CHUNK_BYTES, DocStore } from "../../party/core/doc-store.ts";
import { seededRng } from "../support/random.ts";
import { freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { YjsDevice } from "./yjs-client.ts";

const docOf = async (user: string) => inRoom(await stubOf(user), (brain) => Y.encodeStateAsUpdate(brain.document));
const json = (update: Uint8Array) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, update);
  // Root types are named on first use; toJSON lists only the ones a reader has asked for.
  d.getMap("tasks");
  d.getMap("notes");
  return d.toJSON();
};

describe("Brain — document durability", () => {
  it("[D5][G1] edit, disconnect every client, evict, reconnect a fresh client: the edit is there, 100 times out of 100", async () => {
    const user = freshUser("hundred");
    const token = await login(user);
    const stub = await stubOf(user);
    let present = 0;
    for (let run = 0; run < 100; run++) {
      const editor = new YjsDevice(token, "editor");
      await editor.connect();
      editor.addTask(`t${run}`, `edit ${run}`);
      await editor.settle();
      editor.disconnect();
      await evictDurableObject(stub);
      const fresh = new YjsDevice(token, `fresh-${run}`);
      await fresh.connect();
      if (fresh.tasks().get(`t${run}`)?.get("title") === `edit ${run}` && fresh.tasks().size === run + 1) present++;
      fresh.disconnect();
    }
    expect(present).toBe(100);
  }, 120_000);

  it("[D7] compaction folds history into chunks under the row limit; the reloaded document is identical", async () => {
    const user = freshUser("compact");
    const token = await login(user);
    const d = new YjsDevice(token, "writer");
    await d.connect();
    // About 700 KB of note text in many small edits: several chunks once compacted.
    for (let n = 0; n < 10; n++) {
      d.addNote(`n${n}`, "");
      for (let i = 0; i < 14; i++) (d.notes().get(`n${n}`)!.get("body") as Y.Text).insert(0, `${String(i).padStart(4, "0")}${"x".repeat(4_996)}`);
    }
    for (let i = 0; i < 300; i++) d.addTask(`t${i}`, `task ${i}`);
    await d.settle();
    d.disconnect();
    const before = await docOf(user);
    const stub = await stubOf(user);
    const layout = await inRoom(stub, (_brain, state) => {
      const sql = { exec: state.storage.sql.exec.bind(state.storage.sql), transactionSync: state.storage.transactionSync.bind(state.storage) } as never;
      const store = new DocStore(sql);
      const rowsBefore = store.rowCount;
      store.compact({ everything: true });
      const chunks = [...state.storage.sql.exec<{ n: number }>("SELECT LENGTH(data) AS n FROM doc_base")].map((r) => r.n);
      return { rowsBefore, rowsAfter: store.rowCount, chunks };
    });
    expect(layout.rowsBefore).toBeGreaterThan(400);
    expect(layout.rowsAfter).toBe(0);
    expect(layout.chunks.length).toBeGreaterThan(2);
    expect(Math.max(...layout.chunks)).toBeLessThanOrEqual(CHUNK_BYTES);
    await evictDurableObject(stub);
    expect(json(await docOf(user))).toEqual(json(before));
    // And edits after compaction still persist on top of the base.
    const again = new YjsDevice(token, "writer2");
    await again.connect();
    again.addTask("after", "after compaction");
    await again.settle();
    again.disconnect();
    await evictDurableObject(stub);
    expect((json(await docOf(user)) as { tasks: Record<string, unknown> }).tasks).toHaveProperty("after");
  }, 60_000);

  /** Seeds that once failed (here: exposed a test bug that split words), kept as regression cases. */
  const REGRESSION_SEEDS = [1151799515];
  for (const seed of [...REGRESSION_SEEDS, undefined]) {
  it(`[G3] seeded random edits, disconnects and evictions: every device and the room converge and no edit is lost (seed ${seed ?? "fresh"})`, async () => {
    const rng = seededRng("document convergence", seed);
    const user = freshUser("converge");
    const token = await login(user);
    const stub = await stubOf(user);
    const devices = ["a", "b", "c"].map((id) => new YjsDevice(token, id));
    for (const d of devices) await d.connect();
    devices[0]!.addNote("shared", "");
    await devices[0]!.settle();
    const expectedTasks = new Set<string>();
    const expectedWords: string[] = [];
    for (let step = 0; step < 150; step++) {
      const d = rng.pick(devices);
      const roll = rng.int(10);
      if (roll < 3) {
        const id = `t-${step}`;
        d.addTask(id, `task ${step}`);
        expectedTasks.add(id);
      } else if (roll < 5) {
        const ids = [...d.tasks().keys()];
        if (ids.length > 0) d.tasks().get(rng.pick(ids))?.set("status", rng.int(2) ? "done" : "open");
      } else if (roll < 7) {
        const body = d.notes().get("shared")?.get("body") as Y.Text | undefined;
        if (body) {
          const word = `w${step};`;
          // Insert at a word boundary so words stay whole and can be found at the end.
          const text = body.toString();
          const boundaries = [0, ...[...text].flatMap((c, i) => (c === ";" ? [i + 1] : []))];
          body.insert(rng.pick(boundaries), word);
          expectedWords.push(word);
        }
      } else if (roll < 9) {
        if (d.online) d.disconnect();
        else await d.connect();
      } else {
        for (const x of devices) if (x.online) await x.settle();
        await evictDurableObject(stub).catch((error: Error) => {
          // Nothing to evict when no request has woken the room since the last eviction.
          if (!/not currently running/.test(error.message)) throw error;
        });
      }
      if (d.online && rng.int(3) === 0) await d.settle();
    }
    for (const d of devices) {
      if (!d.online) await d.connect();
      await d.settle();
    }
    for (const d of devices) await d.settle();
    const room = json(await docOf(user)) as { tasks: Record<string, unknown>; notes: Record<string, { body: string }> };
    for (const d of devices) expect(d.doc.toJSON()).toEqual(room);
    expect(new Set(Object.keys(room.tasks))).toEqual(expectedTasks);
    const body = (devices[0]!.notes().get("shared")!.get("body") as Y.Text).toString();
    for (const word of expectedWords) expect(body).toContain(word);
    for (const d of devices) d.disconnect();
  }, 120_000);
  }
});
