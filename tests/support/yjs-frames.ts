/**
 * Yjs frames for attack tests (docs/PROTOCOL.md D10–D14): the ones a device
 * sends, and hostile ones written byte by byte with lib0, the way y-protocols
 * and Yjs' V1 update encoding lay them out. Plain code: usable in Node and in
 * workerd.
 */
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { NOTES, TASKS } from "../../shared/doc-schema.ts";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/** A sync update frame (P1): what a provider sends for a local change. */
export function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A sync step 1 frame carrying `stateVector` as it is, well-formed or not. */
export function stateRequest(stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, stateVector);
  return encoding.toUint8Array(encoder);
}

/** An awareness frame whose states are written raw: `json` need not be JSON. */
export function awareness(states: { client: number; clock: number; json: string }[], count = states.length): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, count);
  for (const s of states) {
    encoding.writeVarUint(inner, s.client);
    encoding.writeVarUint(inner, s.clock);
    encoding.writeVarString(inner, s.json);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

/** The update one transaction on `doc` produces. */
export function edit(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  let out: Uint8Array | null = null;
  const keep = (update: Uint8Array) => {
    out = out ? Y.mergeUpdates([out, update]) : update;
  };
  doc.on("update", keep);
  try {
    doc.transact(() => change(doc));
  } finally {
    doc.off("update", keep);
  }
  if (!out) throw new Error("the edit changed nothing");
  return out;
}

/** A device's copy of the room's document. */
export function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** `structs` map entries under a root outside the schema — the "30 frames of 19,999 structs". */
export function junkRootUpdate(structs: number, root = "junk"): Uint8Array {
  return edit(new Y.Doc(), (d) => {
    const m = d.getMap(root);
    for (let i = 0; i < structs; i++) m.set(`k${i}`, i);
  });
}

/** `structs` plain values directly under `tasks`: entries of the wrong shape, for the repair of D6. */
export function plainEntriesUpdate(structs: number): Uint8Array {
  return edit(new Y.Doc(), (d) => {
    const m = d.getMap(TASKS);
    for (let i = 0; i < structs; i++) m.set(`p${i}`, i);
  });
}

/** One string of `chars` characters in a root text outside the schema. */
export function hugeTextUpdate(chars: number, root = "junk-text"): Uint8Array {
  return edit(new Y.Doc(), (d) => d.getText(root).insert(0, "x".repeat(chars)));
}

/** A valid task entry (D2). */
export function addTask(doc: Y.Doc, id: string, title = id): void {
  const now = "2026-11-25T10:00:00.000Z";
  const task = new Y.Map<unknown>();
  for (const [k, v] of Object.entries({ id, title, status: "open", due: null, tags: [], order: 1, createdAt: now, updatedAt: now, createdBy: "user:test" })) task.set(k, v);
  doc.getMap(TASKS).set(id, task);
}

/** A valid note entry (D3) with `body` as its Y.Text. */
export function addNote(doc: Y.Doc, id: string, body = ""): void {
  const now = "2026-11-25T10:00:00.000Z";
  const note = new Y.Map<unknown>();
  for (const [k, v] of Object.entries({ id, title: id, pinned: false, createdAt: now, updatedAt: now, createdBy: "user:test" })) note.set(k, v);
  note.set("body", new Y.Text(body));
  doc.getMap(NOTES).set(id, note);
}

/** The body of note `id` in `doc`. */
export function bodyOf(doc: Y.Doc, id: string): Y.Text {
  const body = doc.getMap<Y.Map<unknown>>(NOTES).get(id)?.get("body");
  if (!(body instanceof Y.Text)) throw new Error(`note ${id} has no body`);
  return body;
}

/** `n` separate structs in a note body: each character typed before the last one, so Yjs cannot merge them. */
export function typeBackwards(doc: Y.Doc, id: string, n: number): Uint8Array {
  return edit(doc, () => {
    const body = bodyOf(doc, id);
    for (let i = 0; i < n; i++) body.insert(0, "k");
  });
}

/** An update that depends on an earlier one from the same client, sent without it: Yjs would keep it pending. */
export function missingDependencyUpdate(): Uint8Array {
  const doc = new Y.Doc();
  edit(doc, (d) => addTask(d, "first"));
  return edit(doc, (d) => d.getMap<Y.Map<unknown>>(TASKS).get("first")!.set("title", "second"));
}

// Yjs V1 update encoding, for structs no Yjs client would write.
const ITEM_HAS_ORIGIN = 0x80;
const CONTENT_STRING = 4;
const CONTENT_DELETED = 1;
const INFO_GC = 0;

type RawStruct =
  | { kind: "gc"; length: number }
  | { kind: "deleted"; length: number; root: string }
  | { kind: "string"; origin: { client: number; clock: number }; text: string };

/** A V1 update written by hand: `clients` each with a start clock and structs; an optional delete set. */
export function rawUpdate(clients: { client: number; clock: number; structs: RawStruct[] }[], deletes: { client: number; clock: number; len: number }[] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, clients.length);
  for (const c of clients) {
    encoding.writeVarUint(e, c.structs.length);
    encoding.writeVarUint(e, c.client);
    encoding.writeVarUint(e, c.clock);
    for (const s of c.structs) {
      if (s.kind === "gc") {
        encoding.writeUint8(e, INFO_GC);
        encoding.writeVarUint(e, s.length);
      } else if (s.kind === "deleted") {
        encoding.writeUint8(e, CONTENT_DELETED);
        encoding.writeVarUint(e, 1); // parent info: a root name
        encoding.writeVarString(e, s.root);
        encoding.writeVarUint(e, s.length);
      } else {
        encoding.writeUint8(e, ITEM_HAS_ORIGIN | CONTENT_STRING);
        encoding.writeVarUint(e, s.origin.client);
        encoding.writeVarUint(e, s.origin.clock);
        encoding.writeVarString(e, s.text);
      }
    }
  }
  encoding.writeVarUint(e, new Set(deletes.map((d) => d.client)).size);
  for (const client of new Set(deletes.map((d) => d.client))) {
    const mine = deletes.filter((d) => d.client === client);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, mine.length);
    for (const d of mine) {
      encoding.writeVarUint(e, d.clock);
      encoding.writeVarUint(e, d.len);
    }
  }
  return encoding.toUint8Array(e);
}

/** Two structs from two clients, each placed after the other: a dependency cycle Yjs would park as pending. */
export function cycleUpdate(): Uint8Array {
  return rawUpdate([
    { client: 101, clock: 0, structs: [{ kind: "string", origin: { client: 102, clock: 0 }, text: "a" }] },
    { client: 102, clock: 0, structs: [{ kind: "string", origin: { client: 101, clock: 0 }, text: "b" }] },
  ]);
}
