/**
 * Ledger benchmarks on SQLite (node:sqlite — the same engine and SQL as a
 * Durable Object's storage), each beside a reference measured in the same run:
 * - command append + ack with the idempotency check and unique indexes,
 *   vs the same append without them (DESIGN.md §6: index costs ≤ 1.3×);
 * - replay from zero and hydrate (snapshot + tail) at 10k and 100k events,
 *   vs a plain SELECT scan of the same rows.
 */
import * as Y from "yjs";
import { executeCommand } from "../party/core/commands.ts";
import { DocStore } from "../party/core/doc-store.ts";
import { Ledger, type NewEvent, SCHEMA_WITHOUT_IDEMPOTENCY, SNAPSHOT_EVERY } from "../party/core/ledger.ts";
import { nodeSql } from "../tests/support/node-sql.ts";
import { percentile, round, time } from "./stats.ts";

const memoryEvent = (i: number): NewEvent => ({
  type: "memory.pinned",
  actor: { kind: "user", deviceId: "bench" },
  correlationId: `bench-${i}`,
  payload: { memory: { id: `m${i % 50}`, type: "fact", key: `k${i % 50}`, value: `value ${i}`, pinnedAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z" } },
});

function appendRate(withIdempotency: boolean, n: number): number {
  const sql = nodeSql();
  const ledger = new Ledger(sql, withIdempotency ? {} : { schema: SCHEMA_WITHOUT_IDEMPOTENCY });
  const doc = new Y.Doc();
  const docs = new DocStore(sql);
  docs.attach(doc, () => "bench");
  const deps = { doc, ledger, now: Date.now };
  const ms = time(() => {
    for (let i = 0; i < n; i++) {
      executeCommand(deps, { kind: "memory.pin", pin: { type: "fact", key: `k${i % 50}`, value: `v${i}` } }, {
        actor: { kind: "user", deviceId: "bench" },
        correlationId: `c${i}`,
        clientActionId: withIdempotency ? `bench-action-${i}` : undefined,
      });
    }
  });
  return n / (ms / 1000);
}

function seeded(n: number) {
  const sql = nodeSql();
  const ledger = new Ledger(sql);
  ledger.transaction(() => {
    for (let i = 0; i < n; i++) ledger.append(memoryEvent(i));
  });
  // Leave a tail after the last snapshot, as a live room has.
  const tail = Math.floor(SNAPSHOT_EVERY / 2);
  ledger.transaction(() => {
    for (let i = 0; i < tail; i++) ledger.append(memoryEvent(n + i));
  });
  return { sql, ledger };
}

export function ledgerBench(repeats = 5) {
  const n = 5_000;
  const rates = { idem: [] as number[], bare: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    rates.bare.push(appendRate(false, n));
    rates.idem.push(appendRate(true, n));
  }
  const idem = percentile(rates.idem, 50);
  const bare = percentile(rates.bare, 50);
  const results: Record<string, unknown> = {
    "ledger.append_ack": {
      unit: "events/s",
      value: Math.round(idem),
      reference: Math.round(bare),
      referenceName: "the same command path without clientActionId check or unique indexes",
      costRatio: round(bare / idem),
      target: "≥ 1000 events/s, cost ratio ≤ 1.3",
    },
  };
  for (const size of [10_000, 100_000]) {
    const { sql, ledger } = seeded(size);
    const scan: number[] = [];
    const replay: number[] = [];
    const hydrate: number[] = [];
    for (let r = 0; r < repeats; r++) {
      scan.push(time(() => void sql.exec("SELECT * FROM ledger_events ORDER BY seq").toArray().length));
      replay.push(time(() => void ledger.replayFromZero()));
      hydrate.push(time(() => void ledger.hydrate()));
    }
    const ref = percentile(scan, 50);
    const versusScan = (samples: number[]) => ({
      unit: "ms",
      p50: round(percentile(samples, 50)),
      p99: round(percentile(samples, 99)),
      reference: round(ref),
      referenceName: "plain SELECT scan of the same rows",
      ratio: round(percentile(samples, 50) / ref),
    });
    results[`ledger.replay_${size / 1000}k`] = versusScan(replay);
    results[`ledger.hydrate_${size / 1000}k`] = {
      ...versusScan(hydrate),
      eventsAfterSnapshot: ledger.lastSeq % SNAPSHOT_EVERY,
      target: "10k: ≤ 50 ms with snapshot; grows with events since snapshot",
    };
  }
  return results;
}
