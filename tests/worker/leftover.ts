/**
 * U16: what a room's storage still holds — every non-empty table (platform
 * tables aside) and its alarm. An FTS5 table's structure shadows (`_data`,
 * `_config`, `_idx`) hold rows even when the index is empty; the virtual table
 * itself and its content are counted.
 */
import { env, runInDurableObject } from "cloudflare:test";

export function leftover(user: string) {
  return runInDurableObject(env.Brain.get(env.Brain.idFromName(user)), async (_brain, ctx) => {
    const names = (sql: string) => ctx.storage.sql.exec<{ name: string }>(sql).toArray().map((r) => r.name);
    const virtual = names("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'");
    const shadows = new Set(virtual.flatMap((v) => [`${v}_data`, `${v}_config`, `${v}_idx`]));
    const tables = names("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").filter((n) => !shadows.has(n));
    const rows = tables.map((name) => ({ name, n: ctx.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`).one().n }));
    return { rows: rows.filter((r) => r.n > 0), alarm: await ctx.storage.getAlarm(), kv: [...(await ctx.storage.list()).keys()] };
  });
}
