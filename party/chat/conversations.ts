/**
 * The message index of the conversations (docs/PROTOCOL.md T8, T9, T16):
 * one row per message — its conversation, the parent it follows on its
 * branch (resolved: messages stored before branches follow the previous
 * message of their conversation), its time and its ledger seq — so a
 * conversation's history pages, its newest message and its size are read
 * without scanning the ledger. Kept in step with the ledger by a cursor:
 * `sync()` indexes the `message.added` events after it (a room older than the
 * index is backfilled in chunks: by the alarm, and by the first reader that
 * needs it whole), and is called inside the transaction of
 * every message the chat appends, so the row commits with its event. A
 * SQLite table: it survives eviction.
 */
import type { HistoryPage } from "../../shared/api.ts";
import { cardsAt } from "../../shared/action-card.ts";
import { CONVERSATION_DELETED_TEXT, DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { purgeVoiceTranscripts } from "../voice/purge.ts";
import { type Message, MessageSchema } from "../../shared/domain.ts";
import { EVENT_PAYLOADS } from "../../shared/events.ts";
import { findConversation } from "../core/conversation-commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { SearchIndex } from "../search/index.ts";
import { PRUNED_TEXT, REDACTED_REQUEST, withCardUpdates } from "./retention.ts";

/** T7: what a deleted conversation's messages say in the ledger, where their text was. */
export const DELETED_TEXT = CONVERSATION_DELETED_TEXT;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS chat_message_index (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    parent_id TEXT,
    created_at TEXT NOT NULL,
    seq INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS chat_message_index_page ON chat_message_index(conversation_id, created_at, id)`,
  `CREATE INDEX IF NOT EXISTS chat_message_index_seq ON chat_message_index(conversation_id, seq)`,
  `CREATE TABLE IF NOT EXISTS chat_message_cursor (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL)`,
];

/** T9: ledger events one `sync` reads at most (a backfill of 100k events is 20 of them). */
export const SYNC_CHUNK_EVENTS = 5_000;

export type IndexEntry = { id: string; conversationId: string; parentId: string | null; seq: number };
type Row = { id: string; conversation_id: string; parent_id: string | null; created_at: string; seq: number };

export class ConversationIndex {
  #sql: SqlStore;
  #ledger: Ledger;

  constructor(sql: SqlStore, ledger: Ledger) {
    this.#sql = sql;
    this.#ledger = ledger;
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /**
   * Indexes the messages appended since the last call, at most SYNC_CHUNK_EVENTS ledger events of them (T9:
   * the backfill of a room older than the index goes by chunks, one transaction each, never the whole ledger
   * at once); call it in the transaction that appends one. True when the index has caught up with the ledger.
   */
  sync(): boolean {
    const cursor = this.#sql.exec<{ seq: number }>("SELECT seq FROM chat_message_cursor WHERE one = 1").toArray()[0]?.seq ?? 0;
    const end = this.#ledger.lastSeq;
    if (cursor >= end) return true;
    const last = Math.min(end, cursor + SYNC_CHUNK_EVENTS);
    // Fields read by SQLite, not by parsing each payload: the ledger validated them when it appended them.
    const rows = this.#sql
      .exec<{ seq: number; id: string | null; conversation: string | null; parent: string | null; parentType: string | null; createdAt: string | null; text: string | null }>(
        `SELECT seq, json_extract(payload, '$.message.id') AS id, json_extract(payload, '$.message.conversationId') AS conversation,
           json_extract(payload, '$.message.parentId') AS parent, json_type(payload, '$.message.parentId') AS parentType,
           json_extract(payload, '$.message.createdAt') AS createdAt, json_extract(payload, '$.message.text') AS text
         FROM ledger_events WHERE seq > ? AND seq <= ? AND type = 'message.added' ORDER BY seq`,
        cursor,
        last,
      )
      .toArray();
    const state = this.#ledger.state;
    // The newest message of each conversation as this pass goes: read once from the table, then followed here.
    const newest = new Map<string, string | null>();
    // One transaction (a savepoint inside the caller's): the backfill of a big room commits once.
    this.#sql.transactionSync(() => {
      for (const row of rows) {
        if (row.id === null || row.createdAt === null || row.text === DELETED_TEXT) continue;
        const conversationId = row.conversation ?? DEFAULT_CONVERSATION_ID;
        // A message of a conversation deleted since (a ledger re-read whole) is not brought back.
        if (!findConversation(state, conversationId)) continue;
        if (!newest.has(conversationId)) newest.set(conversationId, this.#newest(conversationId));
        // Absent (stored before branches): the previous message of its conversation; JSON null: the first.
        const parentId = row.parentType === null ? (newest.get(conversationId) ?? null) : row.parentType === "null" ? null : row.parent;
        newest.set(conversationId, row.id);
        this.#sql.exec(
          "INSERT OR IGNORE INTO chat_message_index (id, conversation_id, parent_id, created_at, seq) VALUES (?, ?, ?, ?, ?)",
          row.id,
          conversationId,
          parentId,
          row.createdAt,
          row.seq,
        );
      }
      this.#sql.exec("INSERT INTO chat_message_cursor (one, seq) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET seq = excluded.seq", last);
    });
    return last >= end;
  }

  /** T9: what a reader needs — the index caught up — chunk by chunk (the alarm's `sync` usually got there first). */
  #ready(): void {
    while (!this.sync());
  }

  entry(id: string): IndexEntry | null {
    this.#ready();
    const row = this.#sql.exec<Row>("SELECT * FROM chat_message_index WHERE id = ?", id).toArray()[0];
    return row ? { id: row.id, conversationId: row.conversation_id, parentId: row.parent_id, seq: row.seq } : null;
  }

  /** T11: the id of the conversation's newest message; null for an empty one. */
  newest(conversationId: string): string | null {
    this.#ready();
    return this.#newest(conversationId);
  }

  #newest(conversationId: string): string | null {
    return this.#sql.exec<{ id: string }>("SELECT id FROM chat_message_index WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1", conversationId).toArray()[0]?.id ?? null;
  }

  /** T6: the messages a conversation holds, every branch, hot and archived. */
  count(conversationId: string): number {
    this.#ready();
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_message_index WHERE conversation_id = ?", conversationId).toArray()[0]?.n ?? 0;
  }

  /** A message as the state, the archive or the ledger holds it (in that order); null when gone or pruned. */
  message(id: string, now: number): Message | null {
    const entry = this.entry(id);
    return entry ? this.#load(entry.id, entry.seq, now) : null;
  }

  /** T8: a page of the conversation before the cursor, newest first, every branch (C12's cursor `createdAt|id`). */
  page(conversationId: string, cursor: { before: string; beforeId: string }, limit: number, now: number): HistoryPage {
    this.#ready();
    const rows = this.#sql
      .exec<Row>(
        // A row value: SQLite seeks the index to the cursor instead of filtering the conversation's rows.
        `SELECT * FROM chat_message_index WHERE conversation_id = ? AND (created_at, id) < (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
        conversationId,
        cursor.before,
        cursor.beforeId,
        limit,
      )
      .toArray();
    const hot = new Map(this.#ledger.state.recentMessages.map((m) => [m.id, m]));
    const messages = rows.flatMap((row) => this.#load(row.id, row.seq, now, hot) ?? []);
    const oldest = rows.at(-1);
    return { messages, nextBefore: rows.length === limit && oldest ? `${oldest.created_at}|${oldest.id}` : null };
  }

  /**
   * T7: the conversation's messages leave the index and the archive, and their text (with their cards and
   * the why of their turn) the ledger, their turns' stored text and tokens too — in the transaction of
   * `conversation.deleted`, after the event (the state has dropped the conversation's messages).
   */
  purge(conversationId: string): void {
    this.#ready();
    const ids = "SELECT id FROM chat_message_index WHERE conversation_id = ?";
    const seqs = "SELECT seq FROM chat_message_index WHERE conversation_id = ?";
    // Its turns: the ones that answered its messages (regenerated ones too) and the ones its replies name.
    const turns = `SELECT id FROM chat_turns WHERE message_id IN (${ids}) UNION SELECT json_extract(payload, '$.message.turnId') FROM ledger_events WHERE seq IN (${seqs}) AND json_extract(payload, '$.message.turnId') IS NOT NULL`;
    const both = [conversationId, conversationId];
    this.#sql.exec(`UPDATE chat_turns SET text = '' WHERE id IN (${turns})`, ...both);
    // S8: "Your assistant replied" quotes the reply.
    this.#sql.exec(
      `UPDATE ledger_events SET payload = json_set(payload, '$.notification.body', ?) WHERE type = 'notification.created' AND json_extract(payload, '$.notification.ref') IN (${turns})`,
      DELETED_TEXT,
      ...both,
    );
    this.#sql.exec(`DELETE FROM chat_tokens WHERE turn_id IN (${turns})`, ...both);
    this.#sql.exec(`UPDATE chat_turn_meta SET end_frame = NULL WHERE turn_id IN (${turns})`, ...both);
    // T7: the proposals its turns made (and the proposal to delete it, which names its title) keep no words of it.
    const proposals = `SELECT id FROM chat_proposals WHERE turn_id IN (${turns}) UNION SELECT id FROM chat_proposals WHERE json_extract(command, '$.kind') = 'conversation.delete' AND json_extract(command, '$.conversationId') = ?`;
    const three = [...both, conversationId];
    this.#sql.exec(`DELETE FROM chat_proposal_items WHERE proposal_id IN (${proposals})`, ...three);
    this.#sql.exec(`DELETE FROM chat_proposal_entries WHERE proposal_id IN (${proposals})`, ...three);
    this.#sql.exec(
      `UPDATE ledger_events SET payload = json_remove(json_set(payload, '$.summary', ?), '$.items', '$.entries', '$.why'), result = NULL
       WHERE type = 'proposal.created' AND json_extract(payload, '$.proposalId') IN (${proposals})`,
      DELETED_TEXT,
      ...three,
    );
    // Its turns' proposals still pending expire (their cards went with its messages); then none of them is
    // confirmable, and their commands (a memory quoting the message, a task's title) go too.
    const pending = this.#sql
      .exec<{ id: string; turn_id: string; tool: string }>(`SELECT id, turn_id, tool FROM chat_proposals WHERE status = 'pending' AND turn_id IN (${turns})`, ...both)
      .toArray();
    for (const p of pending) {
      this.#sql.exec("UPDATE chat_proposals SET status = 'expired' WHERE id = ?", p.id);
      const payload = { proposalId: p.id, turnId: p.turn_id, tool: p.tool, status: "expired" as const };
      this.#ledger.append({ type: "proposal.settled", actor: { kind: "system" }, correlationId: `delete-${conversationId}`, payload });
    }
    this.#sql.exec(`UPDATE chat_proposals SET command = '{}' WHERE status != 'pending' AND turn_id IN (${turns})`, ...both);
    this.#sql.exec(`UPDATE chat_proposals SET summary = ? WHERE id IN (${proposals})`, DELETED_TEXT, ...three);
    // The request a client action id was checked against quotes the message (C13): a retry of it after the delete is a conflict.
    this.#sql.exec(
      `UPDATE ledger_events SET payload = json_remove(json_set(payload, '$.message.text', ?), '$.message.actions', '$.why'),
         request = CASE WHEN request IS NULL THEN NULL ELSE ? END WHERE seq IN (${seqs})`,
      DELETED_TEXT,
      REDACTED_REQUEST,
      conversationId,
    );
    // Its titles, in its own events and in what their client action ids answered.
    this.#sql.exec(
      `UPDATE ledger_events SET payload = json_set(payload, '$.conversation.title', ?), result = NULL,
         request = CASE WHEN request IS NULL THEN NULL ELSE ? END
       WHERE type = 'conversation.created' AND json_extract(payload, '$.conversation.id') = ?`,
      DELETED_TEXT,
      REDACTED_REQUEST,
      conversationId,
    );
    this.#sql.exec(
      `UPDATE ledger_events SET payload = CASE WHEN json_type(payload, '$.title') IS NULL THEN payload ELSE json_set(payload, '$.title', ?) END, result = NULL,
         request = CASE WHEN request IS NULL THEN NULL ELSE ? END
       WHERE type = 'conversation.updated' AND json_extract(payload, '$.conversationId') = ?`,
      DELETED_TEXT,
      REDACTED_REQUEST,
      conversationId,
    );
    this.#sql.exec(`DELETE FROM chat_archive WHERE id IN (${ids})`, conversationId);
    this.#sql.exec("DELETE FROM chat_message_index WHERE conversation_id = ?", conversationId);
    // Q12 at once, in this transaction, rather than when the indexer reaches the event; the index's tables
    // delete securely (party/search/index.ts), so no segment keeps the words as data.
    new SearchIndex(this.#sql).removeConversation(conversationId);
    purgeVoiceTranscripts(this.#sql, conversationId, DELETED_TEXT);
    // Snapshots of the state from before the delete hold its hot messages: the one written now does not (L6).
    this.#sql.exec("DELETE FROM ledger_snapshots");
    this.#ledger.writeSnapshot();
  }

  /** C12: the index forgets messages pruned after 90 days (not the hot ones, which the state still shows). */
  prune(cutoff: string, hotSeq: number): number {
    return this.#sql.exec<{ id: string }>("DELETE FROM chat_message_index WHERE created_at < ? AND seq < ? RETURNING id", cutoff, hotSeq).toArray().length;
  }

  #load(id: string, seq: number, now: number, hotById?: ReadonlyMap<string, Message>): Message | null {
    const hot = hotById ? hotById.get(id) : this.#ledger.state.recentMessages.find((m) => m.id === id);
    if (hot) return cardsAt(hot, now);
    const archived = this.#sql.exec<{ message: string }>("SELECT message FROM chat_archive WHERE id = ?", id).toArray()[0];
    if (archived) return cardsAt(MessageSchema.parse(JSON.parse(archived.message)), now);
    const row = this.#sql.exec<{ payload: string }>("SELECT payload FROM ledger_events WHERE seq = ?", seq).toArray()[0];
    const message = row ? EVENT_PAYLOADS["message.added"].safeParse(JSON.parse(row.payload)).data?.message : undefined;
    if (!message || message.text === PRUNED_TEXT || message.text === DELETED_TEXT) return null;
    return cardsAt(withCardUpdates(this.#sql, message), now);
  }
}
