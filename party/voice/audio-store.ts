/**
 * V12, V16: a voice job's audio while the job runs — rows of at most
 * VOICE_AUDIO_CHUNK bytes in the room's SQLite (a Durable Object row holds at
 * most 2 MB), never in the ledger and never logged. The job deletes them in
 * the transaction that ends it, done or failed. The table is made on the first
 * clip, so a room that never heard one has none (G8).
 */
import type { SqlStore } from "../core/sql.ts";

/** 512 KiB: a quarter of a row's limit, so a 12 MiB clip is 24 rows. */
export const VOICE_AUDIO_CHUNK = 512 * 1024;

const SCHEMA = `CREATE TABLE IF NOT EXISTS voice_audio (
  job_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (job_id, part)
)`;

export class VoiceAudioStore {
  #sql: SqlStore;

  constructor(sql: SqlStore) {
    this.#sql = sql;
  }

  /** Stores a clip (call inside the transaction that queues its job). */
  put(jobId: string, audio: Uint8Array): void {
    this.#ready();
    this.#sql.exec("DELETE FROM voice_audio WHERE job_id = ?", jobId);
    for (let part = 0, at = 0; at < audio.length || part === 0; part++, at += VOICE_AUDIO_CHUNK) {
      this.#sql.exec("INSERT INTO voice_audio (job_id, part, bytes) VALUES (?, ?, ?)", jobId, part, audio.slice(at, at + VOICE_AUDIO_CHUNK));
    }
  }

  /** The clip, its parts joined in order; null when none is stored. */
  get(jobId: string): Uint8Array | null {
    if (!this.#exists()) return null;
    const rows = this.#sql.exec<{ bytes: ArrayBuffer | Uint8Array }>("SELECT bytes FROM voice_audio WHERE job_id = ? ORDER BY part", jobId).toArray();
    if (rows.length === 0) return null;
    const parts = rows.map((r) => (r.bytes instanceof Uint8Array ? r.bytes : new Uint8Array(r.bytes)));
    const audio = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      audio.set(part, at);
      at += part.length;
    }
    return audio;
  }

  delete(jobId: string): void {
    if (this.#exists()) this.#sql.exec("DELETE FROM voice_audio WHERE job_id = ?", jobId);
  }

  /** V27: deletes the audio of every job not in `keep` (orphans of jobs ended or dropped elsewhere). */
  deleteExcept(keep: readonly string[]): void {
    if (!this.#exists()) return;
    const ids = this.#sql.exec<{ job_id: string }>("SELECT DISTINCT job_id FROM voice_audio").toArray().map((r) => r.job_id);
    for (const id of ids) if (!keep.includes(id)) this.#sql.exec("DELETE FROM voice_audio WHERE job_id = ?", id);
  }

  /** Rows stored, all jobs together (tests: empty once every job ended). */
  rows(): number {
    if (!this.#exists()) return 0;
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM voice_audio").toArray()[0]?.n ?? 0;
  }

  /** Made when missing. Never remembered: the put's transaction may still roll back, and the table with it. */
  #ready(): void {
    this.#sql.exec(SCHEMA);
  }

  /** Asked of SQLite each time (one cheap read), for the same reason: a remembered answer could outlive a rollback. */
  #exists(): boolean {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'voice_audio'").toArray()[0]?.n === 1;
  }
}
