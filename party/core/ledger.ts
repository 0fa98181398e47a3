/**
 * The append-only, idempotent event ledger of one room (DESIGN.md §2,
 * docs/PROTOCOL.md L1–L10).
 *
 * Writes are synchronous SQLite statements, so a caller that appends and then
 * sends in the same turn is covered by the Durable Object output gate: the
 * message leaves only once the row is durable.
 *
 * The ledger is also the one place new events are announced (L9): each event
 * appended (not a duplicate) goes to the room's single subscriber — at once
 * outside a transaction, after the commit inside `transaction`.
 */
import { v7 as uuidv7 } from "uuid";
import { type Actor, ActorSchema } from "../../shared/domain.ts";
import { EventBodySchema, type EventType, type LedgerEvent, type NewEventBody } from "../../shared/events.ts";
import { INITIAL_PROJECTION, type Projection, reduce, type StoredProjection, upgradeSnapshot } from "./projections.ts";
import type { SqlStore } from "./sql.ts";

/** A snapshot of the projections is written after this many events (L6). */
export const SNAPSHOT_EVERY = 1_000;

export type NewEvent = NewEventBody & {
  /** Supply to make the append idempotent by event id (L2); generated (uuid v7) otherwise. */
  id?: string;
  actor: Actor;
  correlationId: string;
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

/** The columns an event is read from (not the request and result kept for L3). */
const EVENT_COLUMNS = "seq, id, type, ts, actor, client_action_id, correlation_id, payload";

/**
 * The typed event of a row, or null when this build does not know its type or
 * payload (a row written by a newer build, before a rollback): readers skip it (L10).
 */
function toEvent(row: Omit<EventRow, "request" | "result">): LedgerEvent | null {
  // The envelope comes from typed columns the ledger wrote; the body and the actor are JSON and are checked.
  const body = EventBodySchema.safeParse({ type: row.type, payload: JSON.parse(row.payload) });
  const actor = ActorSchema.safeParse(JSON.parse(row.actor));
  if (!body.success || !actor.success) return null;
  const event: LedgerEvent = {
    ...body.data,
    id: row.id,
    seq: row.seq,
    ts: new Date(row.ts).toISOString(),
    actor: actor.data,
    correlationId: row.correlation_id,
  };
  if (row.client_action_id !== null) event.clientActionId = row.client_action_id;
  return event;
}

function toRecorded(row: EventRow, duplicate: boolean): Recorded {
  const event = toEvent(row);
  if (!event) throw new Error(`ledger event ${row.id} (${row.type}) does not parse; was it written by a newer build?`);
  return { event, result: row.result === null ? event : (JSON.parse(row.result) as unknown), duplicate };
}

export class Ledger {
  #sql: SqlStore;
  #now: () => number;
  #state: Projection;
  #snapshotEvery: number;
  #subscriber: ((event: LedgerEvent) => void) | null = null;
  /** Events appended inside the open `transaction`, published once it commits; null outside one. */
  #uncommitted: LedgerEvent[] | null = null;
  #outbox: LedgerEvent[] = [];
  #publishing = false;

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

  /**
   * Registers the one listener told of each new event (L9): the room, which
   * broadcasts it. One, so that the order of effects of an event is written in
   * one place; a second registration is a wiring bug and throws.
   */
  subscribe(fn: (event: LedgerEvent) => void): void {
    if (this.#subscriber) throw new Error("the ledger already has its subscriber; the room registers exactly one");
    this.#subscriber = fn;
  }

  /**
   * Runs `fn` in one SQLite transaction. Events it appends are published after
   * the commit, in order; if it throws, SQLite rolls back, the events are
   * dropped unpublished and the projections are re-read from storage. Nested
   * calls join the outer transaction (an inner failure drops only its own events).
   */
  transaction<T>(fn: () => T): T {
    const outer = this.#uncommitted === null;
    const pending = this.#uncommitted ?? [];
    const mark = pending.length;
    this.#uncommitted = pending;
    let result: T;
    try {
      result = this.#sql.transactionSync(fn);
    } catch (error) {
      pending.length = mark;
      // The SQL rolled back; the in-memory projections had already folded the events.
      this.reload();
      throw error;
    } finally {
      if (outer) {
        this.#uncommitted = null;
        this.#unused = null;
      }
    }
    if (outer) this.#publish(pending);
    return result;
  }

  /**
   * R18: client action ids one query found unused, for the commands of a batch frame: their lookups are
   * answered from here until the transaction ends; an append with one of them removes it. Null when not prefetched.
   */
  #unused: Set<string> | null = null;

  /** Looks up the client action ids of a batch frame in one query, inside the open transaction (R18). */
  prefetchActions(clientActionIds: readonly string[]): void {
    if (this.#uncommitted === null || clientActionIds.length < 2) return;
    const keys = [...new Set(clientActionIds)];
    const used = new Set(
      this.#sql
        .exec<{ client_action_id: string }>(`SELECT client_action_id FROM ledger_events WHERE client_action_id IN (${keys.map(() => "?").join(", ")})`, ...keys)
        .toArray()
        .map((r) => r.client_action_id),
    );
    this.#unused = new Set(keys.filter((k) => !used.has(k)));
  }

  /** What a repeat of `clientActionId` with this `request` should get (L3, L4). */
  checkAction(clientActionId: string, request: string): PriorAction {
    if (this.#unused?.has(clientActionId)) return { status: "new" };
    const [row] = this.#sql
      .exec<EventRow>("SELECT * FROM ledger_events WHERE client_action_id = ?", clientActionId)
      .toArray();
    if (!row) return { status: "new" };
    if (row.request !== request) return { status: "conflict" };
    return { status: "duplicate", recorded: toRecorded(row, true) };
  }

  /**
   * Appends one event, folds it into the projections and publishes it (L9).
   * A known event id returns the stored event marked duplicate, unpublished
   * (L2). Callers check `clientActionId` with `checkAction` first, before any
   * side effect. Appends that belong with other writes go inside `transaction`.
   */
  append(input: NewEvent): Recorded {
    if (input.id !== undefined) {
      const [existing] = this.#sql.exec<EventRow>("SELECT * FROM ledger_events WHERE id = ?", input.id).toArray();
      if (existing) return toRecorded(existing, true);
    }
    if (input.clientActionId !== undefined) this.#unused?.delete(input.clientActionId);
    const id = input.id ?? uuidv7();
    const ts = this.#now();
    const payload = JSON.stringify(input.payload);
    // Checked before the insert as it will be read back (L1), so a row that would not parse on replay is never written.
    const body = EventBodySchema.safeParse({ type: input.type, payload: JSON.parse(payload) });
    if (!body.success) throw new Error(`invalid ${input.type} event: ${body.error.message}`);
    const actor = ActorSchema.safeParse(input.actor);
    if (!actor.success) throw new Error(`invalid actor of a ${input.type} event: ${actor.error.message}`);
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
      ...body.data,
      id,
      seq: row.seq,
      ts: new Date(ts).toISOString(),
      actor: actor.data,
      correlationId: input.correlationId,
    };
    if (input.clientActionId !== undefined) event.clientActionId = input.clientActionId;
    this.#state = reduce(this.#state, event);
    if (event.seq % this.#snapshotEvery === 0) this.writeSnapshot();
    if (this.#uncommitted) this.#uncommitted.push(event);
    else this.#publish([event]);
    return { event, result: input.result ?? event, duplicate: false };
  }

  /**
   * Events reach the subscriber one at a time, in seq order: an event the
   * subscriber's own follow-ups append while it runs waits its turn in the
   * queue instead of overtaking the events published before it.
   */
  #publish(events: readonly LedgerEvent[]): void {
    // A loop, not push(...events): a transaction may append 100k events, more than a call's arguments.
    for (const event of events) this.#outbox.push(event);
    if (this.#publishing) return;
    this.#publishing = true;
    let next = 0;
    try {
      // By index: shift() per event would make a large batch quadratic.
      for (; next < this.#outbox.length; next++) this.#subscriber?.(this.#outbox[next]!);
    } finally {
      this.#outbox = this.#outbox.slice(next + 1);
      this.#publishing = false;
    }
  }

  /** Whether an event of `type` whose payload has `key` = `value` is stored. */
  hasEvent(type: EventType, key: string, value: string): boolean {
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

  /** Every event of one assistant turn, oldest first (D18: what undo reverts). */
  ofTurn(turnId: string): LedgerEvent[] {
    return this.#select("json_extract(actor, '$.kind') = 'assistant' AND json_extract(actor, '$.turnId') = ?", turnId);
  }

  /** Events of the given types with `seq > since`, oldest first (D18: what touched an entry after a turn). */
  ofTypes(types: readonly EventType[], since = 0): LedgerEvent[] {
    return this.#select(`seq > ? AND type IN (${types.map(() => "?").join(", ")})`, since, ...types);
  }

  #select(where: string, ...params: (string | number)[]): LedgerEvent[] {
    const rows = this.#sql.exec<Omit<EventRow, "request" | "result">>(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE ${where} ORDER BY seq`, ...params).toArray();
    return rows.flatMap((row) => toEvent(row) ?? []);
  }

  /** Re-reads the projections from storage, e.g. after a rolled-back transaction. */
  reload(): void {
    this.#state = this.hydrate();
  }

  /** Events with `seq > since`, oldest first, at most `limit` rows read (L7); rows this build cannot read are skipped (L10). */
  since(since: number, limit: number): LedgerEvent[] {
    return this.#rows(since, limit).flatMap((row) => toEvent(row) ?? []);
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
    // A snapshot written before a projection field existed lacks it (it starts from its initial value), and
    // one written before `timezoneSource` reads as its events would (S12).
    const base = snap ? upgradeSnapshot({ ...INITIAL_PROJECTION, ...(JSON.parse(snap.state) as Partial<StoredProjection>) }) : INITIAL_PROJECTION;
    return this.#fold(base);
  }

  /** The projections rebuilt from event zero, ignoring snapshots (L5). */
  replayFromZero(): Projection {
    return this.#fold(INITIAL_PROJECTION);
  }

  /** Folds every event after `base` into it; an event this build cannot read only advances the seq (L10). */
  #fold(base: Projection, batch = 2_000): Projection {
    let state = base;
    for (;;) {
      const rows = this.#rows(state.lastEventSeq, batch);
      for (const row of rows) {
        const event = toEvent(row);
        state = event ? reduce(state, event) : { ...state, lastEventSeq: row.seq };
      }
      if (rows.length < batch) return state;
    }
  }

  #rows(since: number, limit: number) {
    return this.#sql
      .exec<Omit<EventRow, "request" | "result">>(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE seq > ? ORDER BY seq LIMIT ?`, since, limit)
      .toArray();
  }
}
