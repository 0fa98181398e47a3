/**
 * U4, U9: the import's failures are told apart (a clashing id is a conflict,
 * anything else is ours: logged, `internal`), and the export refuses what the
 * import would refuse.
 */
import { describe, expect, it } from "vitest";
import type { Note } from "../../shared/domain.ts";
import type { SqlStore } from "../../party/core/sql.ts";
import { buildExport, exportZip } from "../../party/data/export.ts";
import { importArchive } from "../../party/data/import.ts";
import { FakeRoom } from "../support/fake-room.ts";

const now = Date.parse("2026-11-25T10:00:00.000Z");

async function archiveOf() {
  const from = new FakeRoom({ userId: "err-from", now });
  const res = await from.room.request(
    new Request("https://x/api/v1/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "create", task: { title: "Pack" } }) }),
    "seed",
  );
  expect(res.status).toBe(201);
  return { from, data: buildExport({ ledger: from.room.ledger, doc: from.doc, store: from.room.chat.store, sql: from.sql, userId: "err-from", now: () => now }) };
}

/** The target room's storage, failing the document's insert with `message`. */
function failing(sql: SqlStore, message: string): SqlStore {
  return {
    exec: (q, ...b) => {
      if (q.startsWith("INSERT INTO doc_updates")) throw new Error(message);
      return sql.exec(q, ...b);
    },
    transactionSync: (fn) => sql.transactionSync(fn),
  };
}

describe("your data — failures told apart", () => {
  for (const [message, code] of [
    ["UNIQUE constraint failed: ledger_events.id", "conflict"],
    ["disk I/O error", "internal"],
  ] as const) {
    it(`[U9] "${message}" during the import is ${code}, and nothing is written`, async () => {
      const { data } = await archiveOf();
      const to = new FakeRoom({ userId: "err-to", now });
      const logs: string[] = [];
      const seq = to.room.ledger.lastSeq;
      const done = importArchive(
        { ledger: to.room.ledger, doc: to.doc, store: to.room.chat.store, sql: failing(to.sql, message), now: () => now, correlationId: "imp", log: (_l, f) => logs.push(`${f.event} ${f.detail ?? ""}`) },
        data,
        new Uint8Array([0, 0]),
        "err-from",
      );
      expect(done).toMatchObject({ ok: false, error: { code } });
      expect(to.room.ledger.lastSeq).toBe(seq);
      expect(logs).toEqual(code === "internal" ? ["account.import_failed disk I/O error"] : []);
    });
  }

  it("[U4] an export the import would refuse (too many files, too many bytes inflated) is refused 413 typed", async () => {
    const { from, data } = await archiveOf();
    const notes: Note[] = [{ id: "n1", title: "A", body: "x".repeat(1000), pinned: false, createdAt: "2026-11-25T10:00:00.000Z", updatedAt: "2026-11-25T10:00:00.000Z", createdBy: "user" }];
    expect(exportZip(data, [], { uncompressedBytes: 1_000_000_000, entries: 10 }).ok).toBe(true);
    expect(exportZip(data, [], { uncompressedBytes: 100, entries: 10 })).toMatchObject({ ok: false, error: { code: "too_large", message: expect.stringContaining("inflate") } });
    expect(exportZip(data, notes, { uncompressedBytes: 1_000_000_000, entries: 1 })).toMatchObject({ ok: false, error: { code: "too_large", message: expect.stringContaining("files") } });
    expect(from.room.ledger.lastSeq).toBeGreaterThan(0);
  });
});
