/**
 * Chat retention (docs/PROTOCOL.md C12), run from the room's alarm:
 * messages beyond the hot 100 are copied into the archive; archive entries
 * older than 90 days are deleted, and the text of such old messages (with
 * their action cards, whose summaries quote the user's words) is removed
 * from the ledger too. Idempotent: running twice changes nothing more.
 */
import { cardUpdatesOf, withCardStatus } from "../../shared/action-card.ts";
import type { Message } from "../../shared/domain.ts";
import { EVENT_PAYLOADS, EventBodySchema } from "../../shared/events.ts";
import type { Ledger } from "../core/ledger.ts";
import { RECENT_MESSAGES } from "../core/projections.ts";
import type { SqlStore } from "../core/sql.ts";
import { VOICE_TRANSCRIPT_PRUNED } from "../../shared/voice.ts";
import { pruneSearch } from "../search/index.ts";
import type { ChatStore } from "./store.ts";
import type { ConversationIndex } from "./conversations.ts";

export const ARCHIVE_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** Most messages archived per run, so one alarm stays short. */
export const ARCHIVE_BATCH = 1_000;
export const PRUNED_TEXT = "[removed after 90 days]";
/** What a removed message's `request` (C13: checked against a retried client action id) says instead of its text. */
export const REDACTED_REQUEST = JSON.stringify({ redacted: true });

export function maintain(deps: { sql: SqlStore; ledger: Ledger; store: ChatStore; now: number; index?: ConversationIndex }): { archived: number; pruned: number; redacted: number } {
  // T9: a room older than the message index is backfilled a chunk per run, before any reader needs it.
  deps.index?.sync();
  // The seq of the oldest hot message: everything before it belongs in the archive.
  const hot = deps.sql
    .exec<{ seq: number }>("SELECT seq FROM ledger_events WHERE type = 'message.added' ORDER BY seq DESC LIMIT 1 OFFSET ?", RECENT_MESSAGES - 1)
    .toArray()[0]?.seq;
  pruneVoiceTranscripts(deps.sql, deps.ledger, deps.now - ARCHIVE_RETENTION_MS);
  if (hot === undefined) return { archived: 0, pruned: deps.store.prune(new Date(deps.now - ARCHIVE_RETENTION_MS).toISOString()), redacted: 0 };
  // Not yet archived, whatever their position: a burst between two runs is not skipped.
  const rows = deps.sql
    .exec<{ payload: string }>(
      `SELECT payload FROM ledger_events WHERE type = 'message.added' AND seq < ?
         AND json_extract(payload, '$.message.id') NOT IN (SELECT id FROM chat_archive)
       ORDER BY seq DESC LIMIT ?`,
      hot,
      ARCHIVE_BATCH,
    )
    .toArray();
  const cutoff = new Date(deps.now - ARCHIVE_RETENTION_MS).toISOString();
  const older = rows
    .flatMap((r) => EVENT_PAYLOADS["message.added"].safeParse(JSON.parse(r.payload)).data?.message ?? [])
    .filter((m) => m.createdAt >= cutoff)
    .map((m) => withCardUpdates(deps.sql, m));
  return deps.sql.transactionSync(() => {
    const archived = deps.store.archive(older);
    const pruned = deps.store.prune(cutoff);
    // T9: a conversation's history pages what the archive keeps: the index forgets what was pruned.
    deps.index?.prune(cutoff, hot);
    pruneSearch(deps.sql, cutoff, hot); // Q14: only what the redaction below removes
    const redacted = deps.sql
      .exec<{ seq: number }>(
        `UPDATE ledger_events SET payload = json_remove(json_set(payload, '$.message.text', ?), '$.message.actions'),
           request = CASE WHEN request IS NULL THEN NULL ELSE ? END
         WHERE type = 'message.added' AND seq < ? AND json_extract(payload, '$.message.createdAt') < ? AND json_extract(payload, '$.message.text') != ?
         RETURNING seq`,
        PRUNED_TEXT,
        REDACTED_REQUEST,
        hot,
        cutoff,
        PRUNED_TEXT,
      )
      .toArray().length;
    return { archived, pruned, redacted };
  });
}

/**
 * V16, C12: voice transcripts older than the cutoff are blanked like old message text, and their jobs leave the
 * state (the projection drops a job whose transcript was pruned; the snapshots are rewritten to agree, then reloaded).
 */
export function pruneVoiceTranscripts(sql: SqlStore, ledger: Ledger, cutoff: number): number {
  return ledger.transaction(() => {
    const jobs = sql
      .exec<{ jobId: string }>(
        `UPDATE ledger_events SET payload = json_set(payload, '$.transcript', ?)
         WHERE type = 'voice.job.done' AND ts < ? AND json_extract(payload, '$.transcript') != ?
         RETURNING json_extract(payload, '$.jobId') AS jobId`,
        VOICE_TRANSCRIPT_PRUNED,
        cutoff,
        VOICE_TRANSCRIPT_PRUNED,
      )
      .toArray()
      .map((r) => r.jobId);
    if (jobs.length === 0) return 0;
    for (const jobId of jobs) sql.exec("UPDATE ledger_snapshots SET state = json_remove(state, '$.voiceJobs.' || json_quote(?))", jobId);
    ledger.reload();
    return jobs.length;
  });
}

/** C17: the message with the settlements of its proposal cards folded in, as the projection had it. */
export function withCardUpdates(sql: SqlStore, message: Message): Message {
  if (message.role !== "assistant" || !message.turnId || !message.actions?.some((a) => a.proposalId)) return message;
  const rows = sql
    .exec<{ type: string; payload: string }>(
      "SELECT type, payload FROM ledger_events WHERE type IN ('proposal.confirmed', 'proposal.settled', 'turn.undone') AND json_extract(payload, '$.turnId') = ? ORDER BY seq",
      message.turnId,
    )
    .toArray();
  return rows
    .flatMap((row) => {
      const event = EventBodySchema.safeParse({ type: row.type, payload: JSON.parse(row.payload) });
      return event.success ? cardUpdatesOf(event.data) : [];
    })
    .reduce((m, u) => withCardStatus(m, u.proposalId, u.status), message);
}
