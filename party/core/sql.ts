/**
 * The slice of Durable Object SQLite storage the core uses. `ctx.storage` of a
 * SQLite-backed Durable Object satisfies it directly; tests and benchmarks in
 * Node adapt `node:sqlite` to it (tests/support/node-sql.ts).
 */
export type SqlValue = string | number | null | ArrayBuffer | Uint8Array;

export type SqlCursor<T> = { toArray(): T[] };

export interface SqlStore {
  exec<T extends Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]): SqlCursor<T>;
  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. */
  transactionSync<T>(fn: () => T): T;
}

/** A store kept in the room's SQLite: creates its tables on construction (idempotent) and reads the room's clock. */
export abstract class SqlTables {
  protected readonly sql: SqlStore;
  protected readonly now: () => number;

  constructor(sql: SqlStore, schema: readonly string[], now: () => number = Date.now) {
    this.sql = sql;
    this.now = now;
    for (const statement of schema) sql.exec(statement);
  }
}
