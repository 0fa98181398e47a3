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
import { z } from "zod";
import { ConversationSchema, DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { readBlocks, readGoals, readNotes, readTasks } from "../../shared/doc-schema.ts";
import { MemorySchema, type Message, MessageSchema } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { type LedgerEvent, parseLedgerEvent } from "../../shared/events.ts";
import { type AccountExport, EXPORT_JSON, ExportSchema, IMPORT_LIMITS, type ImportResult } from "../../shared/export.ts";
import { withCardUpdates } from "../chat/retention.ts";
import type { ChatStore } from "../chat/store.ts";
import { DocStore } from "../core/doc-store.ts";
import type { Ledger } from "../core/ledger.ts";
import { memoriesOf, replay } from "../core/projections.ts";
import type { Level, LogFields } from "../log.ts";
import { fromBase64 } from "./export.ts";

export type ImportDeps = {
  ledger: Ledger;
  doc: Y.Doc;
  store: ChatStore;
  sql: import("../core/sql.ts").SqlStore;
  now: () => number;
  correlationId: string;
  log: (level: Level, fields: LogFields) => void;
};

export type Limits = { compressedBytes: number; uncompressedBytes: number; entries: number };

/** U6: the request body, refused `413` from its Content-Length or while reading once past the cap. */
export async function readZipBody(request: Request, max: number = IMPORT_LIMITS.compressedBytes): Promise<Result<Uint8Array>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/zip\b/i.test(type)) return fail("invalid_request", "content-type must be application/zip");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return fail("too_large", `the archive is larger than ${max} bytes`);
  if (!request.body) return fail("invalid_request", "send the archive as the body");
  // One buffer, grown by doubling up to the cap (the declared length sizes it at once): the chunks are
  // copied in as they arrive, never held beside a joined copy.
  let out = new Uint8Array(Math.min(max, Math.max(declared, 64 * 1024)));
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > max) {
      await reader.cancel().catch(() => {});
      return fail("too_large", `the archive is larger than ${max} bytes`);
    }
    if (total + value.byteLength > out.byteLength) {
      const grown = new Uint8Array(Math.min(max, Math.max(out.byteLength * 2, total + value.byteLength)));
      grown.set(out.subarray(0, total));
      out = grown;
    }
    out.set(value, total);
    total += value.byteLength;
  }
  return ok(out.subarray(0, total));
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
  const events: LedgerEvent[] = [];
  for (const [i, event] of data.ledger.entries()) {
    // U7: every event must be one this build reads, or replay would skip it and the state would differ.
    const read = parseLedgerEvent(event);
    if (!read) return fail("invalid_request", `${EXPORT_JSON}: event ${i} (${event.type}) is not one this version reads`);
    if (i > 0 && event.seq <= data.ledger[i - 1]!.seq) return fail("invalid_request", `${EXPORT_JSON}: events are not in seq order at ${i}`);
    events.push(read);
  }
  const replayed = checkReplay(events);
  if (replayed) return fail("invalid_request", `${EXPORT_JSON}: ${replayed}`);
  let update: Uint8Array;
  try {
    update = fromBase64(data.document);
    Y.applyUpdate(new Y.Doc(), update);
  } catch {
    return fail("invalid_request", `${EXPORT_JSON}: the document does not decode`);
  }
  return ok({ data, update });
}

const ConversationsSchema = z.array(ConversationSchema);
const MemoriesSchema = z.array(MemorySchema);
const MessagesSchema = z.array(MessageSchema);

/**
 * U7: the archive's events replayed into a scratch projection before anything
 * is written; the result must be a state this build serves (conversations
 * keyed by their own ids, memories and messages as their schemas say, every
 * hot message in a conversation that exists). A hostile archive whose events
 * pass one by one but replay into nonsense is refused here.
 */
export function checkReplay(events: readonly LedgerEvent[]): string | null {
  let state;
  try {
    state = replay(events);
  } catch {
    return "the events do not replay";
  }
  const conversations = Object.entries(state.conversations ?? {});
  if (conversations.some(([id, c]) => c.id !== id)) return "the events replay into a conversation under another id";
  const parsed = [
    ConversationsSchema.safeParse(conversations.map(([, c]) => c)),
    MemoriesSchema.safeParse(memoriesOf(state)),
    MessagesSchema.safeParse(state.recentMessages),
  ];
  if (parsed.some((p) => !p.success)) return "the events replay into a state this version cannot serve";
  const known = new Set(conversations.map(([id]) => id));
  const orphan = state.recentMessages.find((m) => !known.has(m.conversationId ?? DEFAULT_CONVERSATION_ID));
  if (orphan) return `message ${orphan.id} is in a conversation the events never create`;
  return null;
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

/**
 * U8: the same archive imported here already (a retried upload whose answer was lost): its
 * `account.imported` names the archive's `exportedAt`, event count and user. Answered as the first time.
 */
function alreadyImported(sql: ImportDeps["sql"], data: AccountExport): ImportResult | null {
  const row = sql
    .exec<{ seq: number; payload: string }>(
      "SELECT seq, payload FROM ledger_events WHERE type = 'account.imported' AND json_extract(payload, '$.exportedAt') = ? AND json_extract(payload, '$.events') = ? ORDER BY seq DESC LIMIT 1",
      data.exportedAt,
      data.ledger.length,
    )
    .toArray()[0];
  if (!row) return null;
  const from: unknown = JSON.parse(row.payload).from;
  return from === data.userId ? { imported: true, events: data.ledger.length, lastEventSeq: row.seq } : null;
}

/** SQLite's words for a repeated key (an event id or a client action id already here). */
const isUniqueViolation = (error: unknown): boolean => error instanceof Error && /UNIQUE constraint failed/i.test(error.message);

/** U5: what the new room lacks (credentials, endpoints) is marked, in the ledger, as needing the user again. */
export const RECONNECT_AFTER_IMPORT = "reconnect after import";

/** U8–U10: writes the archive into this (empty) room in one transaction; the live document takes it after the commit. */
export function importArchive(deps: ImportDeps, data: AccountExport, update: Uint8Array, from: string | undefined): Result<ImportResult> {
  const { ledger, sql, store, now } = deps;
  const repeat = alreadyImported(sql, data);
  if (repeat) return ok(repeat);
  const notEmpty = emptyRoom(deps);
  if (notEmpty) return fail("conflict", `import goes into an empty account only: ${notEmpty}`);
  // U9: a message goes back to the archive only as the imported ledger has it (never the archive's own copy).
  const added = new Map<string, Message>();
  for (const e of data.ledger) {
    const event = parseLedgerEvent(e);
    if (event?.type === "message.added") added.set(event.payload.message.id, event.payload.message);
  }
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
      // U3, U9: messages older than the hot ones were in the archive table; they go back there, as retention put them.
      const kept = new Set(ledger.state.recentMessages.map((m) => m.id));
      store.archive(
        data.messages.flatMap((m) => {
          const stored = added.get(m.id);
          return stored && !kept.has(m.id) ? [withCardUpdates(sql, stored)] : [];
        }),
      );
      const system = { kind: "system" } as const;
      // U5: calendar credentials and push endpoints are not in the archive: the entries say so.
      for (const source of Object.values(ledger.state.calendarSources ?? {})) {
        ledger.append({ type: "calendar.source.status", actor: system, correlationId: deps.correlationId, payload: { sourceId: source.id, status: "error", error: RECONNECT_AFTER_IMPORT, lastSyncAt: null } });
      }
      // V15: a clip's audio is not in the archive: a job still unfinished there cannot run here.
      for (const job of Object.values(ledger.state.voiceJobs ?? {})) {
        if (job.status !== "queued" && job.status !== "transcribing") continue;
        ledger.append({ type: "voice.job.failed", actor: system, correlationId: deps.correlationId, payload: { jobId: job.id, code: "internal", message: "the recording was not in the archive; record it again" } });
      }
      for (const id of Object.keys(ledger.state.pushSubscriptions)) {
        ledger.append({ type: "push.unsubscribed", actor: system, correlationId: deps.correlationId, payload: { subscriptionId: id, reason: "gone" } });
      }
      ledger.append({
        type: "account.imported",
        actor: { kind: "user" },
        correlationId: deps.correlationId,
        payload: { exportedAt: data.exportedAt, events: data.ledger.length, ...(from ? { from } : {}) },
      });
    });
  } catch (error) {
    // A repeated event id or client action id: the archive clashes with this account's events. Rolled back.
    if (isUniqueViolation(error)) return fail("conflict", "the archive's events clash with this account's; nothing was imported");
    // Anything else is ours: logged without a stack, answered typed; the transaction rolled back.
    deps.log("error", { event: "account.import_failed", requestId: deps.correlationId, detail: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    return fail("internal", "the import failed; nothing was imported");
  }
  // After the commit: the document's row is stored; the load origin records no task.created for it (U10).
  Y.applyUpdate(deps.doc, update, DocStore.LOAD_ORIGIN);
  return ok({ imported: true, events: data.ledger.length, lastEventSeq: ledger.lastSeq });
}
