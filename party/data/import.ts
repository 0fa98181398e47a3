/**
 * Bringing an archive back (docs/PROTOCOL.md U6–U12): into an empty room
 * only; every cap checked before anything is inflated; `export.json`
 * validated whole before anything is written; then one transaction: the
 * archive's events appended in order with their ids, types, times, actors,
 * payloads and client action ids (new seqs), the document stored, the
 * archived messages copied back, the snapshots dropped and the projections
 * rebuilt by replay, and `account.imported` last.
 */
import { strFromU8, unzipSync } from "fflate";
import * as Y from "yjs";
import { readBlocks, readGoals, readNotes, readTasks } from "../../shared/doc-schema.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { parseLedgerEvent } from "../../shared/events.ts";
import { type AccountExport, EXPORT_JSON, ExportSchema, IMPORT_LIMITS, type ImportResult } from "../../shared/export.ts";
import type { ChatStore } from "../chat/store.ts";
import { DocStore } from "../core/doc-store.ts";
import type { Ledger } from "../core/ledger.ts";
import { fromBase64 } from "./export.ts";

export type ImportDeps = {
  ledger: Ledger;
  doc: Y.Doc;
  store: ChatStore;
  sql: import("../core/sql.ts").SqlStore;
  now: () => number;
  correlationId: string;
};

export type Limits = { compressedBytes: number; uncompressedBytes: number; entries: number };

/** U6: the request body, refused `413` from its Content-Length or while reading once past the cap. */
export async function readZipBody(request: Request, max: number = IMPORT_LIMITS.compressedBytes): Promise<Result<Uint8Array>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/zip\b/i.test(type)) return fail("invalid_request", "content-type must be application/zip");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return fail("too_large", `the archive is larger than ${max} bytes`);
  if (!request.body) return fail("invalid_request", "send the archive as the body");
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return fail("too_large", `the archive is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return ok(out);
}

/**
 * U6, U7: the archive's `export.json`, checked whole. The zip's directory is
 * read first without inflating anything: too many entries or too many bytes
 * once inflated is `413` (a zip bomb never expands).
 */
export function readArchive(zip: Uint8Array, limits: Limits = IMPORT_LIMITS): Result<{ data: AccountExport; update: Uint8Array }> {
  let entries = 0;
  let inflated = 0;
  let jsonSize = -1;
  try {
    unzipSync(zip, {
      filter: (file) => {
        entries++;
        inflated += file.originalSize;
        if (file.name === EXPORT_JSON) jsonSize = file.originalSize;
        return false;
      },
    });
  } catch {
    return fail("invalid_request", "the body is not a zip archive");
  }
  if (entries > limits.entries) return fail("too_large", `the archive has more than ${limits.entries} entries`);
  if (inflated > limits.uncompressedBytes) return fail("too_large", `the archive inflates to more than ${limits.uncompressedBytes} bytes`);
  if (jsonSize < 0) return fail("invalid_request", `the archive has no ${EXPORT_JSON}`);
  let text: string;
  try {
    const files = unzipSync(zip, { filter: (file) => file.name === EXPORT_JSON });
    const bytes = files[EXPORT_JSON];
    // The directory's size is what was checked; an entry that inflates past it is refused, not trusted.
    if (!bytes || bytes.byteLength > jsonSize) return fail("too_large", `${EXPORT_JSON} is larger than the archive says`);
    text = strFromU8(bytes);
  } catch {
    return fail("invalid_request", `${EXPORT_JSON} could not be inflated`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("invalid_request", `${EXPORT_JSON} is not JSON`);
  }
  const parsed = ExportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail("invalid_request", `${EXPORT_JSON}: ${issue?.message ?? "invalid"}${issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : ""}`);
  }
  const data = parsed.data;
  for (const [i, event] of data.ledger.entries()) {
    // U7: every event must be one this build reads, or replay would skip it and the state would differ.
    if (!parseLedgerEvent(event)) return fail("invalid_request", `${EXPORT_JSON}: event ${i} (${event.type}) is not one this version reads`);
    if (i > 0 && event.seq <= data.ledger[i - 1]!.seq) return fail("invalid_request", `${EXPORT_JSON}: events are not in seq order at ${i}`);
  }
  const update = fromBase64(data.document);
  try {
    Y.applyUpdate(new Y.Doc(), update);
  } catch {
    return fail("invalid_request", `${EXPORT_JSON}: the document does not decode`);
  }
  return ok({ data, update });
}

/**
 * U8: whether nothing of the user's is here yet. Events of a first sign-in
 * (preferences, devices) are allowed; a task, note, goal, block, message,
 * memory or conversation is not.
 */
export function emptyRoom(deps: Pick<ImportDeps, "ledger" | "doc" | "store">): string | null {
  const { doc, ledger } = deps;
  const state = ledger.state;
  if (readTasks(doc).length > 0 || readNotes(doc).length > 0 || readGoals(doc).length > 0 || readBlocks(doc).length > 0) return "this account already has tasks, notes, goals or blocks";
  if (state.recentMessages.length > 0 || deps.store.history("9999-12-31T23:59:59.999Z", "", 1).length > 0) return "this account already has messages";
  if (Object.keys(state.memories).length > 0) return "this account already has memories";
  if (Object.keys(state.conversations ?? {}).length > 0) return "this account already has conversations";
  return null;
}

/** U8–U10: writes the archive into this (empty) room in one transaction; the live document takes it after the commit. */
export function importArchive(deps: ImportDeps, data: AccountExport, update: Uint8Array, from: string | undefined): Result<ImportResult> {
  const notEmpty = emptyRoom(deps);
  if (notEmpty) return fail("conflict", `import goes into an empty account only: ${notEmpty}`);
  const { ledger, sql, store, now } = deps;
  const hot = new Set(ledger.state.recentMessages.map((m) => m.id));
  try {
    ledger.transaction(() => {
      for (const e of data.ledger) {
        sql.exec(
          `INSERT INTO ledger_events (id, type, ts, actor, client_action_id, correlation_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          e.id,
          e.type,
          Date.parse(e.ts),
          JSON.stringify(e.actor),
          e.clientActionId ?? null,
          e.correlationId,
          JSON.stringify(e.payload),
        );
      }
      sql.exec("INSERT INTO doc_updates (data, origin, ts) VALUES (?, ?, ?)", update.slice().buffer, "import", now());
      // U9: snapshots were of the state before; the projections are rebuilt by replaying every event.
      sql.exec("DELETE FROM ledger_snapshots");
      ledger.reload();
      // U3: messages older than the hot ones were in the archive table; they go back there.
      const kept = new Set(ledger.state.recentMessages.map((m) => m.id));
      store.archive(data.messages.filter((m) => !kept.has(m.id) && !hot.has(m.id)));
      ledger.append({
        type: "account.imported",
        actor: { kind: "user" },
        correlationId: deps.correlationId,
        payload: { exportedAt: data.exportedAt, events: data.ledger.length, ...(from ? { from } : {}) },
      });
    });
  } catch {
    // A repeated event id or client action id (the archive was imported here already): nothing was written.
    return fail("conflict", "the archive's events clash with this account's; nothing was imported");
  }
  // After the commit: the document's row is stored; the load origin records no task.created for it (U10).
  Y.applyUpdate(deps.doc, update, DocStore.LOAD_ORIGIN);
  return ok({ imported: true, events: data.ledger.length, lastEventSeq: ledger.lastSeq });
}
