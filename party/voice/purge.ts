/**
 * V16, T7: a deleted conversation's voice transcripts leave the ledger as its
 * messages do (party/chat/conversations.ts `purge`, in the transaction of
 * `conversation.deleted`), and the audio of its jobs still running goes too.
 */
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import type { SqlStore } from "../core/sql.ts";

export function purgeVoiceTranscripts(sql: SqlStore, conversationId: string, deletedText: string): void {
  const jobs = `SELECT json_extract(payload, '$.job.id') FROM ledger_events
    WHERE type = 'voice.job.queued' AND coalesce(json_extract(payload, '$.job.conversationId'), '${DEFAULT_CONVERSATION_ID}') = ?`;
  sql.exec(`UPDATE ledger_events SET payload = json_set(payload, '$.transcript', ?) WHERE type = 'voice.job.done' AND json_extract(payload, '$.jobId') IN (${jobs})`, deletedText, conversationId);
  const audio = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'voice_audio'").toArray()[0]?.n === 1;
  if (audio) sql.exec(`DELETE FROM voice_audio WHERE job_id IN (${jobs})`, conversationId);
}
