/**
 * Search benchmark (docs/PROTOCOL.md Q17): the room's query — `SearchIndexer.search`
 * (parse, FTS5 MATCH, bm25 ranking, recency boost, snippets, highlights) — at 10k and
 * 100k indexed messages, beside two references over the same rows in the same run:
 * - `like`: a plain `LIKE '%word%'` scan of the same content table, newest 20 first
 *   (what a room without FTS would do);
 * - `bareFts`: bare FTS5, `MATCH` + `ORDER BY rank LIMIT 20`, no snippet, no wrapper
 *   (what our wrapper adds on top of the engine).
 * Also the indexing rate of the catch-up (events/s through `step()`, 500 per chunk), and (Q11)
 * the acknowledgement cost of the index: a command's append + ack (a note.update with a 100 KB
 * body, and a message) in a room with the indexer beside the same room without it, same run;
 * the deferred steps run between samples, outside the timed ack. `inlineIndex` is the reference
 * of indexing on the publish path (what the room did before: one step inside the ack).
 */
import * as Y from "yjs";
import { executeCommand } from "../party/core/commands.ts";
import { DocStore } from "../party/core/doc-store.ts";
import { Ledger } from "../party/core/ledger.ts";
import { SearchIndexer } from "../party/search/indexer.ts";
import { SearchQuerySchema } from "../shared/search-results.ts";
import { seededRng } from "../tests/support/random.ts";
import { nodeSql } from "../tests/support/node-sql.ts";
import { percentile, round, time } from "./stats.ts";

const WORDS = ("meeting budget hotel flight lisbon dinner report launch review invoice dentist gym groceries plan " +
  "coffee contract design deadline email call project roadmap trip berlin train ticket insurance doctor school " +
  "birthday gift party garden repair car bank tax lawyer offer client sprint retro hiring interview").split(" ");

function seeded(n: number, seed: number) {
  const rng = seededRng(`bench search ${n}`, seed);
  const sql = nodeSql();
  const now = Date.parse("2026-11-21T12:00:00Z");
  const ledger = new Ledger(sql, { now: () => now });
  ledger.transaction(() => {
    for (let i = 0; i < n; i++) {
      const words = Array.from({ length: 8 + rng.int(24) }, () => (rng.next() < 0.3 ? rng.pick(WORDS) : `w${rng.int(20_000)}`));
      const id = `m${i}`;
      ledger.append({
        type: "message.added",
        actor: { kind: "user" },
        correlationId: id,
        payload: { message: { id, role: "user", text: words.join(" "), channel: "chat", status: "complete", createdAt: new Date(now - (n - i) * 60_000).toISOString() } },
      });
    }
  });
  const search = new SearchIndexer({ sql, doc: new Y.Doc(), ledger, now: () => now, later: () => {} });
  const indexMs = time(() => {
    while (search.step());
  });
  return { sql, search, indexRate: n / (indexMs / 1000) };
}

const QUERIES = ["hotel", "lisbon flight", '"budget review"', "dent", "w1234", "roadmap sprint retro"];

export function searchBench(repeats = 30) {
  const out: Record<string, unknown> = {};
  for (const n of [10_000, 100_000]) {
    const { sql, search, indexRate } = seeded(n, 17);
    const ours: number[] = [];
    const like: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (const q of QUERIES) {
        const query = SearchQuerySchema.parse({ q });
        ours.push(time(() => void search.search(query)));
        const word = q.replace(/"/g, "").split(" ")[0]!;
        like.push(time(() => void sql.exec("SELECT ref_id FROM search_docs WHERE body LIKE ? ORDER BY at DESC LIMIT 20", `%${word}%`).toArray()));
        const match = q.includes('"') ? q : q.split(" ").map((w) => `"${w}"`).join(" ");
        bare.push(time(() => void sql.exec("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20", match).toArray()));
      }
    }
    const p = (s: number[], q: number) => round(percentile(s, q));
    out[`search_${n / 1000}k`] = {
      messages: n,
      queries: ours.length,
      oursMs: { p50: p(ours, 50), p99: p(ours, 99) },
      likeScanMs: { p50: p(like, 50), p99: p(like, 99) },
      bareFtsMs: { p50: p(bare, 50), p99: p(bare, 99) },
      ratioVsLikeP50: round(percentile(ours, 50) / percentile(like, 50)),
      ratioVsBareFtsP50: round(percentile(ours, 50) / percentile(bare, 50)),
      indexEventsPerSecond: Math.round(indexRate),
    };
  }
  return out;
}

/** Q11: milliseconds per command ack (append, publish, return), p50, in a room with `mode` for the index. */
function ackMs(mode: "none" | "deferred" | "inline", samples: number): { note: number; message: number } {
  const sql = nodeSql();
  const ledger = new Ledger(sql);
  const doc = new Y.Doc();
  new DocStore(sql).attach(doc, () => "bench");
  const queue: (() => void)[] = [];
  if (mode !== "none") {
    const search = new SearchIndexer({ sql, doc, ledger, now: Date.now, later: (fn) => queue.push(fn), after: () => () => {} });
    ledger.subscribe((event) => (mode === "inline" ? void search.step() : search.published(event)));
  }
  const drain = () => {
    for (let i = 0; queue.length > 0 && i < 100; i++) queue.shift()!();
  };
  const deps = { doc, ledger, now: Date.now };
  const actor = { kind: "user" as const, deviceId: "bench" };
  const created = executeCommand(deps, { kind: "note", action: { action: "create", note: { title: "Long", body: "x" } } }, { actor, correlationId: "create" });
  const result = created.ok ? created.value.result : null;
  const noteId = typeof result === "object" && result !== null && "id" in result && typeof result.id === "string" ? result.id : "";
  drain();
  const rng = seededRng("bench ack", 7);
  const body = () => Array.from({ length: 14_000 }, () => rng.pick(WORDS)).join(" ").slice(0, 100_000);
  const notes: number[] = [];
  const messages: number[] = [];
  for (let i = 0; i < samples; i++) {
    const text = body();
    notes.push(time(() => void executeCommand(deps, { kind: "note", action: { action: "update", noteId, patch: { body: text } } }, { actor, correlationId: `n${i}` })));
    drain();
    const id = `m${i}`;
    const message = { id, role: "user" as const, text: `hotel lisbon ${i} ${WORDS.join(" ")}`, channel: "chat" as const, status: "complete" as const, createdAt: new Date().toISOString() };
    messages.push(time(() => void ledger.append({ type: "message.added", actor, correlationId: id, payload: { message } })));
    drain();
  }
  return { note: percentile(notes, 50), message: percentile(messages, 50) };
}

export function searchAckBench(samples = 40) {
  const none = ackMs("none", samples);
  const deferred = ackMs("deferred", samples);
  const inline = ackMs("inline", samples);
  return {
    search_ack: {
      samples,
      note100kbAckMsP50: { withoutIndex: round(none.note), withIndex: round(deferred.note), inlineIndexReference: round(inline.note) },
      messageAckMsP50: { withoutIndex: round(none.message), withIndex: round(deferred.message), inlineIndexReference: round(inline.message) },
      ratioNoteWithVsWithout: round(deferred.note / none.note),
      ratioMessageWithVsWithout: round(deferred.message / none.message),
      ratioNoteInlineVsWithout: round(inline.note / none.note),
    },
  };
}
