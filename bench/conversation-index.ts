/**
 * The conversations' message index (docs/PROTOCOL.md T8, T9) on node:sqlite, at
 * 10k and 100k messages: its one-time backfill from the ledger, and a page of
 * 50 messages in the middle of a conversation's history through the index,
 * beside the reference measured in the same run — the same page read by
 * scanning the ledger's `message.added` payloads. Standalone (not in
 * `npm run bench`): `node_modules/.bin/node bench/conversation-index.ts`.
 */
import { ConversationIndex } from "../party/chat/conversations.ts";
import { ChatStore } from "../party/chat/store.ts";
import { Ledger } from "../party/core/ledger.ts";
import { nodeSql } from "../tests/support/node-sql.ts";
import { percentile, round, time } from "./stats.ts";

const RUNS = 40;

export function conversationIndexBench(sizes = [10_000, 100_000]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of sizes) {
    const sql = nodeSql();
    const ledger = new Ledger(sql);
    new ChatStore(sql);
    const t0 = Date.UTC(2026, 10, 1);
    ledger.transaction(() => {
      for (let i = 0; i < n; i++) {
        const message = { id: `m${i}`, role: i % 2 ? "assistant" : "user", text: `message ${i} about the hotel`, channel: "chat", status: "complete", createdAt: new Date(t0 + i * 1000).toISOString() } as const;
        // Two conversations, interleaved; messages from before branches (no parentId) — the backfill resolves their parents.
        ledger.append({ type: "message.added", actor: { kind: "user" }, correlationId: "bench", payload: { message: i % 4 < 2 ? message : { ...message, conversationId: "main" } } });
      }
    });
    const backfill = time(() => new ConversationIndex(sql, ledger).sync());
    const index = new ConversationIndex(sql, ledger);
    const before = new Date(t0 + (n / 2) * 1000).toISOString();
    const viaIndex = Array.from({ length: RUNS }, () => time(() => index.page("main", { before, beforeId: "\uffff" }, 50, t0)));
    const viaScan = Array.from({ length: RUNS }, () =>
      time(() =>
        sql
          .exec(
            `SELECT payload FROM ledger_events WHERE type = 'message.added' AND coalesce(json_extract(payload, '$.message.conversationId'), 'main') = ?
             AND json_extract(payload, '$.message.createdAt') < ? ORDER BY json_extract(payload, '$.message.createdAt') DESC LIMIT 50`,
            "main",
            before,
          )
          .toArray(),
      ),
    );
    const p50 = percentile(viaIndex, 50);
    const ref = percentile(viaScan, 50);
    const k = `${n / 1000}k`;
    out[`index backfill once at ${k} (ms)`] = round(backfill, 1);
    out[`page of 50 at ${k}, index p50 (ms)`] = round(p50);
    out[`page of 50 at ${k}, ledger scan p50 (ms)`] = round(ref);
    out[`page of 50 at ${k}, scan / index`] = round(ref / p50, 1);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(conversationIndexBench());
