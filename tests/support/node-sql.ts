/**
 * Adapts Node's built-in SQLite (`node:sqlite`) to the room's SqlStore, so
 * the ledger and document store run unchanged in unit tests and benchmarks.
 * Durable Object SQLite is SQLite too; the same SQL runs on both.
 */
import { DatabaseSync } from "node:sqlite";
import type { SqlCursor, SqlStore, SqlValue } from "../../party/core/sql.ts";

export function nodeSql(path = ":memory:"): SqlStore & { db: DatabaseSync } {
  const db = new DatabaseSync(path);
  let depth = 0;
  // Durable Object SQLite caches prepared statements; so does this adapter, to compare like with like.
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  return {
    db,
    exec<T extends Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]): SqlCursor<T> {
      const args = bindings.map((b) => (b instanceof ArrayBuffer ? new Uint8Array(b) : b));
      const trimmed = query.trim();
      if (args.length === 0 && !/^(select|insert|update|delete|with)\b/i.test(trimmed)) {
        db.exec(trimmed);
        return { toArray: () => [] };
      }
      let statement = statements.get(trimmed);
      if (!statement) {
        statement = db.prepare(trimmed);
        statements.set(trimmed, statement);
      }
      const rows = /\breturning\b|^\s*(select|with)\b/i.test(trimmed)
        ? (statement.all(...args) as T[])
        : (statement.run(...args), [] as T[]);
      return { toArray: () => rows };
    },
    transactionSync<T>(fn: () => T): T {
      const savepoint = `sp${depth++}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = fn();
        db.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        depth--;
      }
    },
  };
}
