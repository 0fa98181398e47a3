/**
 * SQLite tables of the chat: turns with their checkpointed tokens, proposals
 * awaiting confirmation, and the message archive (docs/PROTOCOL.md C4–C6,
 * C8, C12).
 */
import type { ExternalCall } from "./external-call.ts";
import { z } from "zod";
import { type ActionCard, type SettledStatus, withCardStatus } from "../../shared/action-card.ts";
import { type LlmFrame, LlmFrameSchema } from "../../shared/chat.ts";
import type { ProposalCommand } from "../../shared/calendar-write.ts";
import { type Message, MessageSchema } from "../../shared/domain.ts";
import type { SqlStore } from "../core/sql.ts";
import { type ProposalEntry, ProposalEntrySchema } from "../../shared/proposal-entry.ts";

const ProposalItemsSchema = z.array(z.string());
const ProposalEntriesSchema = z.array(ProposalEntrySchema);

export type TurnStatus = "queued" | "streaming" | "completed" | "interrupted" | "failed";

export type TurnRow = {
  id: string;
  message_id: string;
  status: TurnStatus;
  text: string;
  seq: number;
  created_at: number;
  updated_at: number;
};

export type ProposalRow = {
  id: string;
  turn_id: string;
  tool: string;
  command: string;
  summary: string;
  status: "pending" | "confirmed" | "rejected" | "expired" | "failed";
  expires_at: number;
};

/** How long a proposal can be confirmed (C8). */
export const PROPOSAL_TTL_MS = 10 * 60 * 1000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS chat_turns (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL DEFAULT -1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS chat_turns_status ON chat_turns(status)`,
  `CREATE TABLE IF NOT EXISTS chat_turn_meta (
    turn_id TEXT PRIMARY KEY,
    context TEXT NOT NULL DEFAULT '[]',
    end_frame TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS chat_tokens (
    turn_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (turn_id, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS chat_proposals (
    id TEXT PRIMARY KEY,
    turn_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  )`,
  // Its own table rather than a column of chat_proposals: rooms created before it need no migration (C14).
  `CREATE TABLE IF NOT EXISTS chat_proposal_items (
    proposal_id TEXT PRIMARY KEY,
    items TEXT NOT NULL
  )`,
  // B10: structured entries of a proposal (goals, tasks, blocks, moves); its own table for the same reason.
  `CREATE TABLE IF NOT EXISTS chat_proposal_entries (
    proposal_id TEXT PRIMARY KEY,
    entries TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS chat_archive (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    message TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS chat_archive_created ON chat_archive(created_at)`,
  // R32: the per-minute message limit reads the last minute of messages through this index, not by scanning
  // the whole ledger (38 ms at 100k events). Partial: other events pay no index write. Created here, after
  // the Ledger made its table: the engine is built with a ledger.
  `CREATE INDEX IF NOT EXISTS ledger_messages_by_ts ON ledger_events(ts) WHERE type = 'message.added'`,
  // T12: a regenerate counts against the same limit, read the same way.
  `CREATE INDEX IF NOT EXISTS ledger_regenerated_by_ts ON ledger_events(ts) WHERE type = 'turn.regenerated'`,
];

export class ChatStore {
  #sql: SqlStore;

  constructor(sql: SqlStore) {
    this.#sql = sql;
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /** Ids the user pointed at with the message (C9). */
  contextIds(turnId: string): string[] {
    const row = this.#sql.exec<{ context: string }>("SELECT context FROM chat_turn_meta WHERE turn_id = ?", turnId).toArray()[0];
    return row ? (JSON.parse(row.context) as string[]) : [];
  }

  /** The frame a turn ended with, so a replay ends the same way (C11). */
  setEnd(turnId: string, frame: LlmFrame): void {
    this.#sql.exec(
      "INSERT INTO chat_turn_meta (turn_id, end_frame) VALUES (?, ?) ON CONFLICT(turn_id) DO UPDATE SET end_frame = excluded.end_frame",
      turnId,
      JSON.stringify(frame),
    );
  }

  end(turnId: string): LlmFrame | null {
    const row = this.#sql.exec<{ end_frame: string | null }>("SELECT end_frame FROM chat_turn_meta WHERE turn_id = ?", turnId).toArray()[0];
    return row?.end_frame ? LlmFrameSchema.parse(JSON.parse(row.end_frame)) : null;
  }

  createTurn(id: string, messageId: string, now: number, contextIds: string[] = []): void {
    if (contextIds.length > 0) this.#sql.exec("INSERT INTO chat_turn_meta (turn_id, context) VALUES (?, ?)", id, JSON.stringify(contextIds));
    this.#sql.exec(
      "INSERT INTO chat_turns (id, message_id, status, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)",
      id,
      messageId,
      now,
      now,
    );
  }

  turn(id: string): TurnRow | null {
    return this.#sql.exec<TurnRow>("SELECT * FROM chat_turns WHERE id = ?", id).toArray()[0] ?? null;
  }

  /** Turns not finished, oldest first: what a restarted room must settle (C6). */
  unfinished(): TurnRow[] {
    return this.#sql.exec<TurnRow>("SELECT * FROM chat_turns WHERE status IN ('queued', 'streaming') ORDER BY created_at, id").toArray();
  }

  setStatus(id: string, status: TurnStatus, now: number): void {
    this.#sql.exec("UPDATE chat_turns SET status = ?, updated_at = ? WHERE id = ?", status, now, id);
  }

  /** Stores the tokens after the last checkpoint and the text so far (C4). */
  checkpoint(id: string, tokens: string[], fromSeq: number, text: string, now: number): void {
    for (let i = fromSeq; i < tokens.length; i++) {
      this.#sql.exec("INSERT OR IGNORE INTO chat_tokens (turn_id, seq, token) VALUES (?, ?, ?)", id, i, tokens[i]!);
    }
    this.#sql.exec("UPDATE chat_turns SET text = ?, seq = ?, updated_at = ? WHERE id = ?", text, tokens.length - 1, now, id);
  }

  tokens(id: string): string[] {
    return this.#sql.exec<{ token: string }>("SELECT token FROM chat_tokens WHERE turn_id = ? ORDER BY seq", id).toArray().map((r) => r.token);
  }

  finish(id: string, status: TurnStatus, tokens: string[], fromSeq: number, text: string, now: number): void {
    this.checkpoint(id, tokens, fromSeq, text, now);
    this.setStatus(id, status, now);
  }

  /** `items` names each entry the proposal would change, for the card and the state (C14). */
  propose(
    id: string,
    turnId: string,
    tool: string,
    command: ProposalCommand | ExternalCall | { kind: "structured" },
    summary: string,
    now: number,
    items: readonly string[] = [],
    ttlMs = PROPOSAL_TTL_MS,
  ): number {
    const expiresAt = now + ttlMs;
    if (items.length > 0) this.#sql.exec("INSERT INTO chat_proposal_items (proposal_id, items) VALUES (?, ?)", id, JSON.stringify(items));
    this.#sql.exec(
      "INSERT INTO chat_proposals (id, turn_id, tool, command, summary, status, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
      id,
      turnId,
      tool,
      JSON.stringify(command),
      summary,
      expiresAt,
    );
    return expiresAt;
  }

  proposal(id: string): ProposalRow | null {
    return this.#sql.exec<ProposalRow>("SELECT * FROM chat_proposals WHERE id = ?", id).toArray()[0] ?? null;
  }

  /** The entries a proposal names, in order; empty for a proposal of one entry (its summary names it). */
  proposalItems(id: string): string[] {
    const row = this.#sql.exec<{ items: string }>("SELECT items FROM chat_proposal_items WHERE proposal_id = ?", id).toArray()[0];
    return row ? ProposalItemsSchema.parse(JSON.parse(row.items)) : [];
  }

  #itemsOf(id: string): { items?: string[]; entries?: ProposalEntry[] } {
    const items = this.proposalItems(id);
    const entries = this.proposalEntries(id);
    return { ...(items.length > 0 ? { items } : {}), ...(entries.length > 0 ? { entries } : {}) };
  }

  /** B10: stores a proposal's structured entries (call in the transaction that proposes it). */
  setProposalEntries(id: string, entries: readonly ProposalEntry[]): void {
    this.#sql.exec("INSERT OR REPLACE INTO chat_proposal_entries (proposal_id, entries) VALUES (?, ?)", id, JSON.stringify(entries));
  }

  /** B10: a proposal's structured entries, in order; empty for proposals without. */
  proposalEntries(id: string): ProposalEntry[] {
    const row = this.#sql.exec<{ entries: string }>("SELECT entries FROM chat_proposal_entries WHERE proposal_id = ?", id).toArray()[0];
    return row ? ProposalEntriesSchema.parse(JSON.parse(row.entries)) : [];
  }

  /** Proposals still waiting for the user, so any device (or a reload) can settle them (C8). */
  pendingProposals(now: number): { id: string; turnId: string; tool: string; summary: string; expiresAt: string; items?: string[]; entries?: ProposalEntry[] }[] {
    return this.#sql
      .exec<ProposalRow>("SELECT * FROM chat_proposals WHERE status = 'pending' AND expires_at >= ? ORDER BY expires_at", now)
      .toArray()
      .map((p) => ({ id: p.id, turnId: p.turn_id, tool: p.tool, summary: p.summary, expiresAt: new Date(p.expires_at).toISOString(), ...this.#itemsOf(p.id) }));
  }

  /**
   * C16: the proposal cards of a turn, as they stand — what a turn that ended
   * without its run (cut off by a restart) still shows with its message.
   */
  proposalCards(turnId: string): ActionCard[] {
    return this.#sql
      .exec<ProposalRow>("SELECT * FROM chat_proposals WHERE turn_id = ? ORDER BY rowid", turnId)
      .toArray()
      .map((p) => ({
        id: p.id,
        tool: p.tool,
        status: p.status === "pending" ? "proposed" : p.status,
        summary: p.summary,
        proposalId: p.id,
        expiresAt: new Date(p.expires_at).toISOString(),
        ...this.#itemsOf(p.id),
      }));
  }

  /** Settles a pending proposal; false when it was not pending (C15: one state, settled once). */
  settleProposal(id: string, status: Exclude<ProposalRow["status"], "pending">): boolean {
    return this.#sql.exec<{ id: string }>("UPDATE chat_proposals SET status = ? WHERE id = ? AND status = 'pending' RETURNING id", status, id).toArray().length > 0;
  }

  /** C13: the user's messages of the last minute, counted from the ledger so eviction cannot reset the limit. */
  recentUserMessages(now: number): { count: number; retryAfter: number } {
    // T12: a regenerate is a message to the limit; each type read through its own partial index.
    const of = (type: string) =>
      this.#sql
        .exec<{ ts: number }>(`SELECT ts FROM ledger_events WHERE type = '${type}' AND ts > ? AND json_extract(actor, '$.kind') = 'user'`, now - 60_000)
        .toArray();
    const rows = [...of("message.added"), ...of("turn.regenerated")].sort((a, b) => a.ts - b.ts);
    const oldest = rows[0]?.ts ?? now;
    return { count: rows.length, retryAfter: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)) };
  }

  /** Copies messages into the archive; idempotent by message id (C12). */
  archive(messages: Message[]): number {
    let added = 0;
    for (const m of messages) {
      const rows = this.#sql
        .exec<{ id: string }>("INSERT OR IGNORE INTO chat_archive (id, created_at, message) VALUES (?, ?, ?) RETURNING id", m.id, m.createdAt, JSON.stringify(m))
        .toArray();
      added += rows.length;
    }
    return added;
  }

  /** Archived messages before the cursor (`createdAt`, then `id`), newest first. */
  history(before: string, beforeId: string, limit: number): Message[] {
    return this.#sql
      .exec<{ message: string }>(
        "SELECT message FROM chat_archive WHERE created_at < ? OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT ?",
        before,
        before,
        beforeId,
        limit,
      )
      .toArray()
      .map((r) => MessageSchema.parse(JSON.parse(r.message)));
  }

  /** C17: a proposal settled after its reply was archived settles the archived card too; returns whether one changed. */
  settleArchivedCard(turnId: string, proposalId: string, status: SettledStatus): boolean {
    const rows = this.#sql
      .exec<{ id: string; message: string }>(
        "SELECT id, message FROM chat_archive WHERE json_extract(message, '$.turnId') = ? AND json_extract(message, '$.role') = 'assistant'",
        turnId,
      )
      .toArray();
    let changed = false;
    for (const row of rows) {
      const before = MessageSchema.parse(JSON.parse(row.message));
      const after = withCardStatus(before, proposalId, status);
      if (after === before) continue;
      this.#sql.exec("UPDATE chat_archive SET message = ? WHERE id = ?", JSON.stringify(after), row.id);
      changed = true;
    }
    return changed;
  }

  /** Deletes archive entries created before `cutoff` (ISO); returns how many. */
  prune(cutoff: string): number {
    return this.#sql.exec<{ id: string }>("DELETE FROM chat_archive WHERE created_at < ? RETURNING id", cutoff).toArray().length;
  }
}

/** The last frame of a finished turn, for readers replaying it (C11). */
export function endFrame(row: TurnRow, recent: Message[]): LlmFrame {
  if (row.status === "completed") {
    const assistant = recent.find((m) => m.turnId === row.id && m.role === "assistant")?.id;
    return { type: "llm.completed", turnId: row.id, messageId: assistant ?? row.message_id, text: row.text };
  }
  if (row.status === "interrupted") return { type: "llm.interrupted", turnId: row.id, text: row.text, reason: "restart" };
  return { type: "llm.failed", turnId: row.id, code: "failed", message: "the assistant could not answer" };
}
