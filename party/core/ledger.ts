/**
 * The append-only, idempotent event ledger of one room (DESIGN.md §2,
 * docs/PROTOCOL.md L1–L8).
 *
 * Writes are synchronous SQLite statements, so a caller that appends and then
 * sends in the same turn is covered by the Durable Object output gate: the
 * message leaves only once the row is durable.
 */
import { v7 as uuidv7 } from "uuid";
import type { Actor, LedgerEvent } from "../../shared/domain.ts";
import { INITIAL_PROJECTION, type Projection, reduce, replay } from "./projections.ts";
import type { SqlStore } from "./sql.ts";

/** A snapshot of the projections is written after this many events (L6). */
export const SNAPSHOT_EVERY = 1_000;

export type NewEvent = {
  /** Supply to make the append idempotent by event id (L2); generated (uuid v7) otherwise. */
  id?: string;
  type: string;
  actor: Actor;
  correlationId: string;
  payload: unknown;
  /** Client action this event answers; with `request`, makes the append idempotent (L3). */
  clientActionId?: string;
  /** Canonical JSON of the client's request, compared on a repeat of `clientActionId` (L4). */
  request?: string;
  /** The answer given to the client, returned again on a duplicate (L3). */
  result?: unknown;
};

export type Recorded = { event: LedgerEvent; result: unknown; duplicate: boolean };

export type PriorAction =
  | { status: "new" }
  | { status: "duplicate"; recorded: Recorded }
  | { status: "conflict" };

type EventRow = {
  seq: number;
  id: string;
  type: string;
  ts: number;
  actor: string;
  client_action_id: string | null;
  correlation_id: string;
  payload: string;
  request: string | null;
  result: string | null;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  client_action_id TEXT UNIQUE,
  correlation_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  request TEXT,
  result TEXT
);
CREATE TABLE IF NOT EXISTS ledger_snapshots (
  seq INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL
);`;

/** The same table without the unique indexes, for the benchmark's reference only. */
export const SCHEMA_WITHOUT_IDEMPOTENCY = SCHEMA.replace(" UNIQUE,\n  type", ",\n  type").replace(
  "client_action_id TEXT UNIQUE",
  "client_action_id TEXT",
);

function toEvent(row: EventRow): LedgerEvent {
  const event: LedgerEvent = {
    id: row.id,
    seq: row.seq,
    type: row.type,
    ts: new Date(row.ts).toISOString(),
    actor: JSON.parse(row.actor) as Actor,
    correlationId: row.correlation_id,
    payload: JSON.parse(row.payload) as unknown,
  };
  if (row.client_action_id !== null) event.clientActionId = row.client_action_id;
  return event;
}

function toRecorded(row: EventRow, duplicate: boolean): Recorded {
  const event = toEvent(row);
  return { event, result: row.result === null ? event : (JSON.parse(row.result) as unknown), duplicate };
}

export class Ledger {
  #sql: SqlStore;
  #now: () => number;
  #state: Projection;
  #snapshotEvery: number;

  constructor(sql: SqlStore, options: { now?: () => number; snapshotEvery?: number; schema?: string } = {}) {
    this.#sql = sql;
    this.#now = options.now ?? Date.now;
    this.#snapshotEvery = options.snapshotEvery ?? SNAPSHOT_EVERY;
    for (const statement of (options.schema ?? SCHEMA).split(";").filter((s) => s.trim())) sql.exec(statement);
    this.#state = this.hydrate();
  }

  /** The live projection state, kept in step with every append. */
  get state(): Projection {
    return this.#state;
  }

  get lastSeq(): number {
    return this.#state.lastEventSeq;
  }

  /** What a repeat of `clientActionId` with this `request` should get (L3, L4). */
  checkAction(clientActionId: string, request: string): PriorAction {
    const [row] = this.#sql
      .exec<EventRow>("SELECT * FROM ledger_events WHERE client_action_id = ?", clientActionId)
      .toArray();
    if (!row) return { status: "new" };
    if (row.request !== request) return { status: "conflict" };
    return { status: "duplicate", recorded: toRecorded(row, true) };
  }

  /**
   * Appends one event and folds it into the projections. A known event id
   * returns the stored event marked duplicate (L2). Callers check
   * `clientActionId` with `checkAction` first, before any side effect.
   */
  append(input: NewEvent): Recorded {
    if (input.id !== undefined) {
      const [existing] = this.#sql.exec<EventRow>("SELECT * FROM ledger_events WHERE id = ?", input.id).toArray();
      if (existing) return toRecorded(existing, true);
    }
    const id = input.id ?? uuidv7();
    const ts = this.#now();
    const payload = JSON.stringify(input.payload ?? null);
    const [row] = this.#sql
      .exec<{ seq: number }>(
        `INSERT INTO ledger_events (id, type, ts, actor, client_action_id, correlation_id, payload, request, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        id,
        input.type,
        ts,
        JSON.stringify(input.actor),
        input.clientActionId ?? null,
        input.correlationId,
        payload,
        input.request ?? null,
        input.result === undefined ? null : JSON.stringify(input.result),
      )
      .toArray();
    if (!row) throw new Error("ledger insert returned no seq; is ledger_events a rowid table?");
    const event: LedgerEvent = {
      id,
      seq: row.seq,
      type: input.type,
      ts: new Date(ts).toISOString(),
      actor: input.actor,
      correlationId: input.correlationId,
      payload: JSON.parse(payload) as unknown,
    };
    if (input.clientActionId !== undefined) event.clientActionId = input.clientActionId;
    this.#state = reduce(this.#state, event);
    if (event.seq % this.#snapshotEvery === 0) this.writeSnapshot();
    return { event, result: input.result ?? event, duplicate: false };
  }

  /** Whether an event of `type` whose payload has `key` = `value` is stored. */
  hasEvent(type: string, key: string, value: string): boolean {
    return (
      this.#sql
        .exec<{ one: number }>(
          "SELECT 1 AS one FROM ledger_events WHERE type = ? AND json_extract(payload, ?) = ? LIMIT 1",
          type,
          `$.${key}`,
          value,
        )
        .toArray().length > 0
    );
  }

  /** Re-reads the projections from storage, e.g. after a rolled-back transaction. */
  reload(): void {
    this.#state = this.hydrate();
  }

  /** Events with `seq > since`, oldest first, at most `limit` (L7). */
  since(since: number, limit: number): LedgerEvent[] {
    return this.#sql
      .exec<EventRow>("SELECT * FROM ledger_events WHERE seq > ? ORDER BY seq LIMIT ?", since, limit)
      .toArray()
      .map(toEvent);
  }

  /** Persists the current projection state so later hydrations start from here (L6). */
  writeSnapshot(): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO ledger_snapshots (seq, state, created_at) VALUES (?, ?, ?)",
      this.#state.lastEventSeq,
      JSON.stringify(this.#state),
      this.#now(),
    );
    this.#sql.exec(
      "DELETE FROM ledger_snapshots WHERE seq NOT IN (SELECT seq FROM ledger_snapshots ORDER BY seq DESC LIMIT 2)",
    );
  }

  /** Latest snapshot plus the events after it (L6). */
  hydrate(): Projection {
    const [snap] = this.#sql
      .exec<{ seq: number; state: string }>("SELECT seq, state FROM ledger_snapshots ORDER BY seq DESC LIMIT 1")
      .toArray();
    const base = snap ? (JSON.parse(snap.state) as Projection) : INITIAL_PROJECTION;
    return replay(this.#scan(base.lastEventSeq), base);
  }

  /** The projections rebuilt from event zero, ignoring snapshots (L5). */
  replayFromZero(): Projection {
    return replay(this.#scan(0));
  }

  *#scan(after: number, batch = 2_000): Generator<LedgerEvent> {
    let cursor = after;
    for (;;) {
      const rows = this.since(cursor, batch);
      yield* rows;
      if (rows.length < batch) return;
      cursor = rows[rows.length - 1]!.seq;
    }
  }
}
