/**
 * Search inside workerd (docs/PROTOCOL.md Q): FTS5 in the Durable Object's
 * SQLite, `GET /api/v1/search` over HTTP, archived messages found, and a room
 * evicted with its index part-way caught up after wake-up.
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SearchPageSchema } from "../../shared/search-results.ts";
import { api, freshUser, inRoom, login, stubOf } from "./helpers.ts";

const page = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBe(200);
  return SearchPageSchema.parse(await res.json());
};

function seedMessages(user: string, count: number, text: (i: number) => string, createdAt: (i: number) => string) {
  return stubOf(user).then((stub) =>
    inRoom(stub, (brain) => {
      const ledger = brain.debugLedger();
      ledger.transaction(() => {
        for (let i = 0; i < count; i++) {
          const id = `seed-${i}`;
          ledger.append({
            type: "message.added",
            actor: { kind: "user" },
            correlationId: id,
            payload: { message: { id, role: "user", text: text(i), channel: "chat", status: "complete", createdAt: createdAt(i) } },
          });
        }
      });
      return ledger.lastSeq;
    }),
  );
}

describe("Brain — search (Q)", () => {
  it("[Q1][Q4] finds a message pushed out of the hot 100 by a word in it, and a note by a phrase", async () => {
    const user = freshUser("search");
    const http = api(await login(user));
    const start = Date.now() - 40 * 86_400_000;
    await seedMessages(user, 130, (i) => (i === 0 ? "The hotel near the old harbour is booked for the 12th" : `filler message number ${i}`), (i) => new Date(start + i * 60_000).toISOString());
    const res = await http.post("/api/v1/notes", { action: "create", note: { title: "Gala", body: "Bring the blue suit and the red tie." } });
    expect(res.status).toBe(201);
    await res.body?.cancel();
    const state = (await (await http.get("/api/v1/state")).json()) as { recentMessages: { id: string }[] };
    expect(state.recentMessages).toHaveLength(100);
    expect(state.recentMessages.some((m) => m.id === "seed-0"), "the hotel message is no longer hot").toBe(false);

    const hotel = await page(await http.get("/api/v1/search?q=hotel"));
    expect(hotel.results.map((r) => [r.kind, r.id, r.conversationId])).toEqual([["message", "seed-0", "main"]]);
    const [hit] = hotel.results;
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(["hotel"]);

    const phrase = await page(await http.get(`/api/v1/search?q=${encodeURIComponent('"blue suit"')}&kind=note`));
    expect(phrase.results.map((r) => [r.kind, r.title])).toEqual([["note", "Gala"]]);
    expect((await page(await http.get(`/api/v1/search?q=${encodeURIComponent('"suit blue"')}`))).results).toEqual([]);
  });

  it("[Q15][G1] a room evicted with its index part-way (cursor at 1,000 of 2,000 events) indexes the rest after wake-up and finds everything", async () => {
    const user = freshUser("search-evict");
    const http = api(await login(user));
    const now = Date.now();
    const last = await seedMessages(user, 2_000, (i) => `marker${i} shared words`, (i) => new Date(now - (2_000 - i) * 1_000).toISOString());
    const stub = await stubOf(user);
    // Indexing is deferred (Q11): a search catches everything up first.
    expect((await page(await http.get("/api/v1/search?q=marker1999"))).results.map((r) => r.id)).toEqual(["seed-1999"]);
    // Put the index where an eviction between two chunks leaves it: the first 1,000 messages indexed, the cursor after them.
    const cursor = await inRoom(stub, (_brain, state) => {
      const sql = state.storage.sql;
      const where = "kind = 'message' AND CAST(substr(ref_id, 6) AS INTEGER) >= 1000";
      for (const table of ["search_fts", "search_fts_raw"]) {
        sql.exec(`INSERT INTO ${table} (${table}, rowid, title, body) SELECT 'delete', rowid, title, body FROM search_docs WHERE ${where}`);
      }
      sql.exec(`DELETE FROM search_docs WHERE ${where}`);
      const seq = sql.exec<{ seq: number }>("SELECT seq FROM ledger_events WHERE json_extract(payload, '$.message.id') = 'seed-999'").one().seq;
      sql.exec("UPDATE search_cursor SET seq = ? WHERE id = 1", seq);
      return { seq, rows: sql.exec<{ n: number }>("SELECT count(*) AS n FROM search_docs").one().n };
    });
    expect(cursor.rows).toBe(1_000);
    await evictDurableObject(stub);

    // Woken by a request that is not a search: the index catches up by itself, chunk after chunk.
    expect((await http.get("/api/v1/state")).status).toBe(200);
    await expect
      .poll(() => inRoom(stub, (_b, state) => state.storage.sql.exec<{ seq: number }>("SELECT seq FROM search_cursor WHERE id = 1").one().seq), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(last);
    const rows = await inRoom(stub, (_b, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM search_docs").one().n);
    expect(rows).toBe(2_000);
    for (const i of [0, 999, 1_000, 1_500, 1_999]) {
      const found = await page(await http.get(`/api/v1/search?q=marker${i}`));
      expect(found.results.map((r) => r.id)).toEqual([`seed-${i}`]);
    }
  });

  it("[Q5][Q7][G5] hostile q is data: FTS syntax is harmless, nothing searchable is a typed 400 with a request id", async () => {
    const http = api(await login(freshUser("search-hostile")));
    const res = await http.post("/api/v1/notes", { action: "create", note: { title: "NEAR OR AND", body: "lunch with Sam" } });
    await res.body?.cancel();
    for (const q of ['NEAR(lunch', "lunch*", "-lunch", "^lunch", "lunch OR", '"lunch', "title:lunch", "日本 lunch", "lunch 🏨"]) {
      const r = await http.get(`/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      await r.body?.cancel();
    }
    expect((await page(await http.get(`/api/v1/search?q=${encodeURIComponent("NEAR(")}`))).results.map((r) => r.title)).toEqual(["NEAR OR AND"]);
    for (const q of ['"*"', "-", "^ ( )", "🏨"]) {
      const r = await http.get(`/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      const body = (await r.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.requestId).toBeTruthy();
    }
    for (const bad of ["", "?q=", `?q=${"a".repeat(201)}`, "?q=x&limit=51", "?q=x&kind=email", "?q=x&from=2026-13-01", "?q=x&extra=1"]) {
      const r = await http.get(`/api/v1/search${bad}`);
      expect(r.status, bad).toBe(400);
      await r.body?.cancel();
    }
  });
});
