/**
 * U4 inside workerd: a room at its limits (100k events, 10k tasks, 1k notes)
 * exports through the real worker, and the zip imports into a new user's room.
 * Sizes and times are printed (never gated on ms); the test fails only if the
 * export or import does not complete or the tasks differ.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BIG_ROOM, seedRoom } from "../support/seed-history.ts";
import { api, BASE, freshUser, inRoom, login, stubOf } from "./helpers.ts";

describe("Brain — your data at the room's limits", () => {
  it("[U4] 100k events and 10k tasks export and import inside workerd", async () => {
    const user = freshUser("big-export");
    const token = await login(user);
    const stub = await stubOf(user);
    const now = Date.now();
    await inRoom(stub, (brain) => {
      seedRoom({ ledger: brain.debugLedger(), doc: brain.document, store: brain.debugChat().store, now, setClock: (ms) => brain.debugSetClock(ms) }, BIG_ROOM);
      brain.debugSetClock(null);
    });
    let t = performance.now();
    const res = await api(token).get("/api/v1/export");
    const zip = new Uint8Array(await res.arrayBuffer());
    const exportMs = performance.now() - t;
    expect(res.status).toBe(200);
    const target = await login(freshUser("big-import"));
    t = performance.now();
    const imported = await SELF.fetch(`${BASE}/api/v1/import`, { method: "POST", headers: { authorization: `Bearer ${target}`, "content-type": "application/zip" }, body: zip.slice().buffer });
    const importMs = performance.now() - t;
    const answer = await imported.text();
    console.log(`[U4] workerd: ${BIG_ROOM.events} events, ${BIG_ROOM.tasks} tasks, ${BIG_ROOM.notes} notes → zip ${(zip.byteLength / 1e6).toFixed(1)} MB; export ${exportMs.toFixed(0)} ms; import ${importMs.toFixed(0)} ms → ${imported.status} ${answer.slice(0, 120)}`);
    expect(imported.status).toBe(200);
    const tasks = async (tok: string) => ((await (await api(tok).get("/api/v1/state")).json()) as { tasks: { id: string }[] }).tasks.length;
    expect(await tasks(target)).toBe(await tasks(token));
  }, 600_000);
});
