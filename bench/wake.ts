/**
 * Wake-up (issue 19 item 4): a device connects to a room that is not in
 * memory; how long until its document is synced (y-protocols step 2) and its
 * app state has arrived (welcome, then the snapshot or events of P8) — for a
 * room with 10k tasks, 1k notes, 100 archived days of chat and 10k / 100k
 * (and, with BENCH_WAKE_1M=1, 1M) ledger events, beside a bare YServer that
 * stores the same document in SQLite and loads it on start. Both in one
 * workerd, both evicted (ctx.abort) before each connect.
 */
import { percentile, round } from "./stats.ts";
import { brainUrl, login, openDevice, seedQuery, until } from "./clients.ts";
import { startWorkerd } from "./workerd.ts";
import { BIG_ROOM } from "../tests/support/seed-history.ts";

const RUNS = 7;

export async function wakeBench(): Promise<Record<string, unknown>> {
  const worker = await startWorkerd();
  const results: Record<string, unknown> = {};
  const sizes = [10_000, 100_000, ...(process.env.BENCH_WAKE_1M === "1" ? [1_000_000] : [])];
  try {
    for (const events of sizes) {
      const size = { ...BIG_ROOM, events };
      const user = `wake-${events}-${Date.now()}`;
      const bare = `bare-${user}`;
      const seedStart = performance.now();
      const seeded = await fetch(`http://${worker.host}/bench/seed?user=${user}&bare=${bare}&${seedQuery(size)}`);
      if (!seeded.ok) throw new Error(`seeding ${user}: ${seeded.status} ${await seeded.text()}`);
      const seedMs = performance.now() - seedStart;
      const { lastSeq, docBytes } = (await seeded.json()) as { lastSeq: number; docBytes: number };
      const session = await login(worker.host, user);
      const ours = { doc: [] as number[], state: [] as number[], both: [] as number[] };
      const ref: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        // The ticket is issued by the room (which wakes it): take it first, then evict, then connect.
        const ticket = await session.ticket();
        await fetch(`http://${worker.host}/bench/evict?user=${user}`);
        const t0 = performance.now();
        const device = openDevice(brainUrl(worker.host, ticket), { deviceId: `wake-${r}`, lastEventSeq: 0 });
        await until(() => device.at.synced !== undefined && device.at.state !== undefined, `room ${user} woke`);
        ours.doc.push(device.at.synced! - t0);
        ours.state.push(device.at.state! - t0);
        ours.both.push(Math.max(device.at.synced!, device.at.state!) - t0);
        device.close();

        await fetch(`http://${worker.host}/bench/evict?bare=${bare}`);
        const b0 = performance.now();
        const reference = openDevice(`ws://${worker.host}/parties/bare-stored-room/${bare}`);
        await until(() => reference.at.synced !== undefined, `bare room ${bare} woke`);
        ref.push(reference.at.synced! - b0);
        if (reference.doc.getMap("tasks").size !== size.tasks) throw new Error(`the bare room loaded ${reference.doc.getMap("tasks").size} tasks, not ${size.tasks}`);
        reference.close();
      }
      const p = (xs: number[], q: number) => round(percentile(xs, q), 1);
      results[`wake.${events >= 1_000_000 ? `${events / 1_000_000}M` : `${events / 1000}k`}_events`] = {
        unit: "ms",
        room: { ...size, ledgerSeq: lastSeq, storedDocBytes: docBytes, seedSeconds: round(seedMs / 1000, 1) },
        brain: { docSynced: { p50: p(ours.doc, 50), p99: p(ours.doc, 99) }, stateArrived: { p50: p(ours.state, 50), p99: p(ours.state, 99) }, both: { p50: p(ours.both, 50), p99: p(ours.both, 99) } },
        bareStoredYServer: { docSynced: { p50: p(ref, 50), p99: p(ref, 99) } },
        ratioP50: round(percentile(ours.both, 50) / percentile(ref, 50)),
        runs: RUNS,
        target: "≤ 1.5× the bare YServer loading the same document",
      };
    }
  } finally {
    worker.stop();
  }
  return results;
}
