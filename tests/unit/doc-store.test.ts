import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CHUNK_BYTES, DocStore, KEEP_FOR_UNDO_MS } from "../../party/core/doc-store.ts";
import { nodeSql } from "../support/node-sql.ts";

const label = (o: unknown) => (typeof o === "string" ? o : "user:test");

function setup() {
  let now = Date.UTC(2026, 10, 1);
  const sql = nodeSql();
  const store = new DocStore(sql, () => now);
  const doc = new Y.Doc();
  store.attach(doc, label);
  return { sql, store, doc, tick: (ms: number) => (now += ms) };
}

const reload = (store: DocStore) => {
  const fresh = new Y.Doc();
  store.load(fresh);
  return fresh.getMap("tasks").toJSON();
};

describe("Brain — document store", () => {
  it("[D5] writes one row per update, labelled with its actor", () => {
    const { store, doc, sql } = setup();
    doc.transact(() => doc.getMap("tasks").set("a", 1), "assistant:t1");
    doc.transact(() => doc.getMap("tasks").set("b", 2), "user:phone");
    expect(store.rowCount).toBe(2);
    expect(sql.exec<{ origin: string }>("SELECT origin FROM doc_updates ORDER BY id").toArray().map((r) => r.origin)).toEqual(["assistant:t1", "user:phone"]);
    expect(reload(store)).toEqual({ a: 1, b: 2 });
  });

  it("[D7] folds only rows older than the undo window, oldest first, and reloads the same document", () => {
    const { store, doc, tick } = setup();
    for (let i = 0; i < 50; i++) doc.getMap("tasks").set(`old${i}`, i);
    tick(KEEP_FOR_UNDO_MS + 1);
    for (let i = 0; i < 5; i++) doc.getMap("tasks").set(`new${i}`, i);
    const before = reload(store);
    expect(store.compact()).toEqual({ folded: 50 });
    expect(store.rowCount).toBe(5);
    expect(reload(store)).toEqual(before);
    expect(store.compact()).toEqual({ folded: 0 });
  });

  it("[D7] splits a large base into chunks no bigger than CHUNK_BYTES", () => {
    const { store, doc, sql } = setup();
    const text = new Y.Text();
    doc.getMap("notes").set("n", text);
    for (let i = 0; i < 12; i++) text.insert(0, String(i).repeat(60_000));
    store.compact({ everything: true });
    const sizes = sql.exec<{ n: number }>("SELECT LENGTH(data) AS n FROM doc_base ORDER BY chunk").toArray().map((r) => r.n);
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_BYTES);
    const fresh = new Y.Doc();
    store.load(fresh);
    expect((fresh.getMap("notes").get("n") as Y.Text).length).toBe(text.length);
  });
});
