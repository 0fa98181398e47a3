/**
 * The architect's runs a room started (docs/PROTOCOL.md B30, B37, B39): one
 * row per run, written before the workflow is created, so a step that reaches
 * the room can be checked against it — a run the room did not start is
 * refused, and a room that never started one is not created by a step (G8).
 * The row's status makes the last steps idempotent: a proposal or a failure
 * message is handed over once, however often its step is retried.
 */
import { SqlTables, type SqlStore } from "../core/sql.ts";

const TABLE = "architect_runs";
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    run_id TEXT PRIMARY KEY,
    turn_id TEXT,
    goal TEXT NOT NULL,
    target_date TEXT,
    status TEXT NOT NULL,
    proposal_id TEXT,
    stage TEXT,
    message TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
];

/** B37: a run is `running` until it ends `proposed` (with its proposal) or `failed` (with a message in chat). */
export type RunStatus = "running" | "proposed" | "failed";

export type ArchitectRun = {
  runId: string;
  turnId: string | null;
  goal: string;
  targetDate: string | null;
  status: RunStatus;
  proposalId: string | null;
  /** B48: the last progress line said while it was running (what a device that connects mid-run is shown). */
  progress: { stage: string; message: string } | null;
  createdAt: number;
};

type Row = {
  run_id: string;
  turn_id: string | null;
  goal: string;
  target_date: string | null;
  status: string;
  proposal_id: string | null;
  stage: string | null;
  message: string | null;
  created_at: number;
  updated_at: number;
};

const statusOf = (s: string): RunStatus => (s === "proposed" || s === "failed" ? s : "running");
const toRun = (r: Row): ArchitectRun => ({
  runId: r.run_id,
  turnId: r.turn_id,
  goal: r.goal,
  targetDate: r.target_date,
  status: statusOf(r.status),
  proposalId: r.proposal_id,
  progress: r.stage !== null && r.message !== null ? { stage: r.stage, message: r.message } : null,
  createdAt: r.created_at,
});

/**
 * B30: whether the room in `sql` started run `runId`, read without creating
 * anything — the Durable Object calls it before the room is built, so a step
 * naming a room that has no such run leaves no trace in it.
 */
export function knowsRun(sql: SqlStore, runId: string): boolean {
  const table = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", TABLE).toArray();
  if (table.length === 0) return false;
  return sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE run_id = ?`, runId).toArray()[0]!.n > 0;
}

export class ArchitectRuns extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  add(run: { runId: string; turnId: string | null; goal: string; targetDate: string | null }): void {
    const at = this.now();
    this.sql.exec(`INSERT INTO ${TABLE} (run_id, turn_id, goal, target_date, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`, run.runId, run.turnId, run.goal, run.targetDate, at, at);
  }

  get(runId: string): ArchitectRun | null {
    const row = this.sql.exec<Row>(`SELECT * FROM ${TABLE} WHERE run_id = ?`, runId).toArray()[0];
    return row ? toRun(row) : null;
  }

  /** Runs still working that started after `since` (one at a time per room, B38). */
  running(since: number): ArchitectRun[] {
    return this.sql.exec<Row>(`SELECT * FROM ${TABLE} WHERE status = 'running' AND created_at >= ? ORDER BY created_at`, since).toArray().map(toRun);
  }

  /** B48: the run's latest progress line, kept while it runs. */
  setProgress(runId: string, stage: string, message: string): void {
    this.sql.exec(`UPDATE ${TABLE} SET stage = ?, message = ?, updated_at = ? WHERE run_id = ? AND status = 'running'`, stage, message, this.now(), runId);
  }

  /** Ends a running run; false when it had already ended (the caller then does nothing twice). */
  end(runId: string, status: Exclude<RunStatus, "running">, proposalId: string | null = null): boolean {
    const before = this.get(runId);
    if (!before || before.status !== "running") return false;
    this.sql.exec(`UPDATE ${TABLE} SET status = ?, proposal_id = ?, updated_at = ? WHERE run_id = ?`, status, proposalId, this.now(), runId);
    return true;
  }

  /** Drops a run whose workflow could not be created (nothing ran). */
  remove(runId: string): void {
    this.sql.exec(`DELETE FROM ${TABLE} WHERE run_id = ?`, runId);
  }
}
