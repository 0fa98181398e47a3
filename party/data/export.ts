/**
 * The account archive (docs/PROTOCOL.md U1–U5): one zip of `export.json`
 * (shared/export.ts: the whole ledger in seq order, the Yjs document, and the
 * same data as readers want it), `notes/<slug>-<id>.md` and
 * `chats/<slug>-<conversationId>.md`. Built whole in memory with fflate's
 * `zipSync`; U4 bounds it: the ledger is read in pages, and an archive the
 * import would refuse (U6: too many events, entries or inflated bytes) is
 * refused here, typed, before it is zipped. Time and peak memory of a room at
 * 100k events are measured in tests/unit/data-archive.test.ts (Node) and its
 * time in tests/worker/data-big.test.ts; the isolate's own peak is not
 * measured (workerd under the test pool does not report it).
 */
import { strToU8, zipSync, type Zippable } from "fflate";
import * as Y from "yjs";
import { conversationOf, DEFAULT_CONVERSATION_ID, DEFAULT_CONVERSATION_TITLE, listConversations } from "../../shared/conversations.ts";
import { readNotes } from "../../shared/doc-schema.ts";
import type { Message, Note } from "../../shared/domain.ts";
import { type CardUpdate, cardUpdatesOf, withCardStatus } from "../../shared/action-card.ts";
import type { EventEnvelope } from "../../shared/events.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { type AccountExport, EXPORT_FORMAT, EXPORT_JSON, EXPORT_VERSION, IMPORT_LIMITS, slug } from "../../shared/export.ts";
import { formatMoment } from "../../shared/format.ts";
import { ARCHIVE_RETENTION_MS } from "../chat/retention.ts";
import type { ChatStore } from "../chat/store.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { memoriesOf } from "../core/projections.ts";

export type ExportDeps = { ledger: Ledger; doc: Y.Doc; store: ChatStore; sql: SqlStore; userId: string; now: () => number };

/** Events read per page while exporting (the ledger is never read in one statement). */
const PAGE = 2_000;

/** U4, U6: the room's events, counted before anything is read: more than an import takes is refused. */
export function exportableEvents(sql: SqlStore): Result<number> {
  const count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM ledger_events").toArray()[0]?.n ?? 0;
  return count > IMPORT_LIMITS.events ? fail("too_large", `the account has ${count} events; an archive holds at most ${IMPORT_LIMITS.events}`) : ok(count);
}

export function buildExport(deps: ExportDeps): AccountExport {
  const { ledger, doc } = deps;
  const events: EventEnvelope[] = [];
  // U3: every message the ledger added, by id (the events' own objects, not copies).
  const added = new Map<string, Message>();
  // C17: the settlements of proposal cards by turn, folded into those messages in one pass (not a query each).
  const updates = new Map<string, CardUpdate[]>();
  for (let since = 0; ; ) {
    const page = ledger.since(since, PAGE);
    for (const e of page) {
      events.push(e);
      // The ledger's events are parsed already (typed by their type): nothing is validated twice.
      if (e.type === "message.added") added.set(e.payload.message.id, e.payload.message);
      else if (e.type === "proposal.confirmed" || e.type === "proposal.settled" || e.type === "turn.undone") {
        for (const u of cardUpdatesOf(e)) {
          const list = updates.get(u.turnId);
          if (list) list.push(u);
          else updates.set(u.turnId, [u]);
        }
      }
    }
    if (page.length < PAGE) break;
    since = page[page.length - 1]!.seq;
  }
  const state = ledger.state;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(deps.now()).toISOString(),
    userId: deps.userId,
    ledger: events,
    document: toBase64(Y.encodeStateAsUpdate(doc)),
    conversations: listConversations(state.conversations),
    messages: keptMessages(deps.store, state.recentMessages, notYetArchived(deps, added), (m) =>
      (m.turnId ? (updates.get(m.turnId) ?? []) : []).reduce((folded, u) => withCardStatus(folded, u.proposalId, u.status), m),
    ),
    memories: memoriesOf(state),
    preferences: state.preferences,
    plans: Object.values(state.plans).sort((a, b) => a.date.localeCompare(b.date)),
    reminders: Object.values(state.reminders).sort((a, b) => a.at.localeCompare(b.at)),
  };
}

/**
 * U3: messages that left the hot window since the last maintenance are in the ledger only; they are
 * kept as retention would archive them (C12): within 90 days, their conversation still there, their
 * cards' settlements folded in. Without them the archive would miss every message between two runs.
 */
function notYetArchived(deps: ExportDeps, added: ReadonlyMap<string, Message>): Message[] {
  const hot = new Set(deps.ledger.state.recentMessages.map((m) => m.id));
  const conversations = deps.ledger.state.conversations ?? {};
  const cutoff = new Date(deps.now() - ARCHIVE_RETENTION_MS).toISOString();
  const out: Message[] = [];
  for (const m of added.values()) {
    if (hot.has(m.id) || m.createdAt < cutoff) continue;
    const id = conversationOf(m);
    if (id !== DEFAULT_CONVERSATION_ID && !Object.hasOwn(conversations, id)) continue;
    out.push(m);
  }
  return out;
}

/** U3: the archived messages, the ones not archived yet, and the hot ones, each once, oldest first. */
export function keptMessages(store: ChatStore, hot: readonly Message[], pending: readonly Message[] = [], fold: (m: Message) => Message = (m) => m): Message[] {
  const byId = new Map<string, Message>();
  // Paged newest first through the archive's own cursor (created_at, id).
  for (let before = "9999-12-31T23:59:59.999Z", beforeId = ""; ; ) {
    const page = store.history(before, beforeId, PAGE);
    for (const m of page) byId.set(m.id, m);
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    before = last.createdAt;
    beforeId = last.id;
  }
  for (const m of pending) if (!byId.has(m.id)) byId.set(m.id, fold(m));
  for (const m of hot) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** U1: the zip's bytes; U4: refused typed when the import would refuse it (U6's entries and inflated bytes). */
export function exportZip(data: AccountExport, notes: readonly Note[], limits: { uncompressedBytes: number; entries: number } = IMPORT_LIMITS): Result<Uint8Array> {
  const zone = data.preferences.timezone;
  const files: Zippable = { [EXPORT_JSON]: strToU8(JSON.stringify(data)) };
  for (const note of notes) files[`notes/${slug(note.title)}-${note.id}.md`] = strToU8(noteMarkdown(note));
  const titles = new Map(data.conversations.map((c) => [c.id, c.title]));
  const byConversation = new Map<string, Message[]>();
  for (const m of data.messages) {
    const id = conversationOf(m);
    const list = byConversation.get(id);
    if (list) list.push(m);
    else byConversation.set(id, [m]);
  }
  for (const [id, messages] of byConversation) {
    const title = titles.get(id) ?? (id === DEFAULT_CONVERSATION_ID ? DEFAULT_CONVERSATION_TITLE : id);
    files[`chats/${slug(title)}-${id}.md`] = strToU8(chatMarkdown(title, messages, zone));
  }
  const entries = Object.keys(files).length;
  if (entries > limits.entries) return fail("too_large", `the archive would have ${entries} files; an import takes at most ${limits.entries}`);
  let inflated = 0;
  for (const bytes of Object.values(files)) inflated += bytes instanceof Uint8Array ? bytes.byteLength : 0;
  if (inflated > limits.uncompressedBytes) return fail("too_large", `the archive would inflate to ${inflated} bytes; an import takes at most ${limits.uncompressedBytes}`);
  return ok(zipSync(files, { level: 6 }));
}

export const exportNotes = (doc: Y.Doc): Note[] => readNotes(doc);

export function noteMarkdown(note: Note): string {
  return `# ${note.title.trim() || "Untitled"}\n\n${note.body}\n`;
}

/**
 * U3: a conversation as Markdown, oldest first. A message that is not the
 * only child of its parent is on a branch: it is marked with which of its
 * siblings it is and what it edits, so no version is hidden.
 */
export function chatMarkdown(title: string, messages: readonly Message[], timeZone: string): string {
  const siblings = new Map<string, string[]>();
  let previous: string | null = null;
  const parentOf = new Map<string, string | null>();
  for (const m of messages) {
    const parent = m.parentId === undefined ? previous : m.parentId;
    parentOf.set(m.id, parent);
    const key = parent ?? "";
    const group = siblings.get(key);
    if (group) group.push(m.id);
    else siblings.set(key, [m.id]);
    previous = m.id;
  }
  const lines = [`# ${title}`, ""];
  for (const m of messages) {
    const group = siblings.get(parentOf.get(m.id) ?? "") ?? [];
    const who = m.role === "user" ? "You" : "Assistant";
    const branch = group.length > 1 ? ` · branch ${group.indexOf(m.id) + 1} of ${group.length}${m.editOf ? " (edited)" : ""}` : "";
    lines.push(`## ${who} — ${formatMoment(m.createdAt, timeZone)}${branch}`, "", m.text, "");
  }
  return lines.join("\n");
}

export function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

export function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
