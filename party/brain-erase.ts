/**
 * What the Brain needs to erase an account in place and refuse a device of an
 * erased room (docs/PROTOCOL.md U14–U17): the storage of a room generation that
 * refuses to work once the generation has passed, a fresh empty document, and a
 * socket closed as soon as it is accepted.
 */
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import type { SqlStore } from "./core/sql.ts";

/** What the old room's work meets after the erase. */
export const erased = (): Error => new Error("this room was erased (account deleted)");

/** U14: the room's storage while `live()`; after the erase every call throws, so nothing of the old room is written. */
export function liveSql(sql: SqlStore, live: () => boolean): SqlStore {
  return {
    exec: (query, ...bindings) => {
      if (!live()) throw erased();
      return sql.exec(query, ...bindings);
    },
    transactionSync: (fn) => {
      if (!live()) throw erased();
      return sql.transactionSync(fn);
    },
  };
}

/** U14: an empty document of the kind y-partyserver makes (a Y.Doc with its awareness, no local state). */
export function emptyDocument(): Y.Doc & { awareness: Awareness } {
  const doc = new Y.Doc({ gc: true });
  const awareness = new Awareness(doc);
  awareness.setLocalState(null);
  // As y-partyserver does: no timer per document (the object would never sleep).
  clearInterval(awareness._checkInterval);
  return Object.assign(doc, { awareness });
}

/** U17: an upgrade accepted only to be closed at once with `code` (as refuseSocket does for 4401). */
export function closedSocket(code: number, reason: string, requestId: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, reason);
  return new Response(null, { status: 101, webSocket: client, headers: { "x-request-id": requestId } });
}

