import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocStore } from "../../party/core/doc-store.ts";
import type { SqlStore } from "../../party/core/sql.ts";
import { nodeSql } from "../support/node-sql.ts";

/**
 * The store with a log of what happened in order: each row insert, each
 * transaction, and each relay — an `update` listener registered after the
 * store's, as y-partyserver registers its broadcaster after the room is built.
 */
function setup() {
  const sql = nodeSql();
  const log: string[] = [];
  const logged: SqlStore = {
    exec: (query, ...bindings) => {
      if (query.startsWith("INSERT INTO doc_updates")) log.push(`write ${String(bindings[1])}`);
      return sql.exec(query, ...bindings);
    },
    transactionSync: (fn) => {
      log.push("begin");
      const result = sql.transactionSync(fn);
      log.push("commit");
      return result;
    },
  };
  const store = new DocStore(logged);
  const doc = new Y.Doc();
  store.attach(doc, (origin) => (typeof origin === "string" ? origin : "system"));
  doc.on("update", (_update: Uint8Array, origin: unknown) => log.push(`relay ${String(origin)}`));
  return { store, doc, log };
}

describe("Brain — write ordering of the document store", () => {
  it("[R1][R2] a device's update is relayed before its row is written, and written before relayFirst returns", () => {
    const { store, doc, log } = setup();
    store.relayFirst(() => doc.transact(() => doc.getMap("tasks").set("a", 1), "user:phone"));
    expect(log).toEqual(["relay user:phone", "write user:phone"]);
    expect(store.rowCount).toBe(1);
  });

  it("[R3] several updates of one device frame are written together, in order, in one transaction", () => {
    const { store, doc, log } = setup();
    store.relayFirst(() => {
      doc.transact(() => doc.getMap("tasks").set("a", 1), "user:phone");
      doc.transact(() => doc.getMap("tasks").set("b", 2), "user:phone");
    });
    expect(log).toEqual(["relay user:phone", "relay user:phone", "begin", "write user:phone", "write user:phone", "commit"]);
  });

  it("[R5] an update the room makes itself (a command, a repair) is written before anything relays it", () => {
    const { doc, log } = setup();
    doc.transact(() => doc.getMap("tasks").set("a", 1), "assistant:t1");
    expect(log).toEqual(["write assistant:t1", "relay assistant:t1"]);
  });

  it("[R4] rows of what was applied are written even when the apply throws afterwards", () => {
    const { store, doc, log } = setup();
    expect(() =>
      store.relayFirst(() => {
        doc.transact(() => doc.getMap("tasks").set("a", 1), "user:phone");
        throw new Error("the sync protocol failed after applying");
      }),
    ).toThrow("failed after applying");
    expect(log).toEqual(["relay user:phone", "write user:phone"]);
    const reloaded = new Y.Doc();
    store.load(reloaded);
    expect(reloaded.getMap("tasks").toJSON()).toEqual({ a: 1 });
  });
});
