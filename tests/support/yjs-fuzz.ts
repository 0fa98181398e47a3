/**
 * Seeded hostile binary frames for the standing attack suite (docs/PROTOCOL.md
 * X2): random bytes, y-protocols envelopes around garbage, awareness and
 * state-vector messages with junk inside, and real document edits — valid,
 * outside the schema, against a stale or a foreign document — sent whole, cut
 * short or with bytes flipped. A recipe is plain data made by fast-check; it
 * becomes bytes only when sent, against the device's copy of the document.
 */
import fc from "fast-check";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { NOTES, TASKS } from "../../shared/doc-schema.ts";
import { hostileValue, type JsonValue } from "./fuzz.ts";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/** One edit a device makes to its copy of the document before encoding the update. */
export type EditOp =
  | { op: "createTask"; id: string; title: JsonValue; valid: boolean }
  | { op: "setTaskField"; pick: number; field: string; value: JsonValue }
  | { op: "createNote"; id: string; body: string }
  | { op: "typeInNote"; pick: number; at: number; text: string; remove: number }
  | { op: "replaceNoteBody"; pick: number; value: JsonValue }
  | { op: "deleteEntry"; root: "tasks" | "notes"; pick: number }
  | { op: "nestedType"; pick: number; field: string }
  | { op: "foreignRoot"; name: string; text: string };

export type Corruption = { how: "truncate" | "flip" | "splice"; at: number; byte: number; varint: boolean };

export type BinaryRecipe =
  | { kind: "bytes"; bytes: number[] }
  | { kind: "envelope"; type: number; step: number; payload: number[] }
  | { kind: "awareness"; payload: number[] | JsonValue }
  | { kind: "stateVector"; entries: [number, number][] }
  | {
      kind: "edit";
      /** synced: the device has the room's state; stale: it missed updates; fresh: a new document, unknown client. */
      base: "synced" | "stale" | "fresh";
      ops: EditOp[];
      step: 1 | 2;
      corrupt: Corruption | null;
    };

const bytes = (max: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max });
const id = fc.oneof(fc.constantFrom("t1", "t2", "n1", "n2", "__proto__", ""), fc.string({ maxLength: 10 }));
const FIELDS = ["id", "title", "status", "due", "tags", "order", "createdAt", "updatedAt", "createdBy", "pinned", "body", "extra"] as const;
const bigClock = fc.oneof(fc.nat({ max: 1_000 }), fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER));

const editOp: fc.Arbitrary<EditOp> = fc.oneof(
  fc.record({ op: fc.constant("createTask" as const), id, title: fc.oneof(fc.string({ maxLength: 20 }), hostileValue), valid: fc.boolean() }),
  fc.record({ op: fc.constant("setTaskField" as const), pick: fc.nat(), field: fc.constantFrom(...FIELDS), value: hostileValue }),
  fc.record({ op: fc.constant("createNote" as const), id, body: fc.string({ maxLength: 30 }) }),
  fc.record({
    op: fc.constant("typeInNote" as const),
    pick: fc.nat(),
    at: fc.nat({ max: 40 }),
    text: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("😀", "😁", "\ud83d", "\ude00")),
    remove: fc.nat({ max: 3 }),
  }),
  fc.record({ op: fc.constant("replaceNoteBody" as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant("deleteEntry" as const), root: fc.constantFrom("tasks" as const, "notes" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("nestedType" as const), pick: fc.nat(), field: fc.constantFrom(...FIELDS) }),
  fc.record({ op: fc.constant("foreignRoot" as const), name: fc.constantFrom("evil", "tasks2", ""), text: fc.string({ maxLength: 20 }) }),
);

export const binaryRecipe: fc.Arbitrary<BinaryRecipe> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("bytes" as const), bytes: bytes(300) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("envelope" as const),
      type: fc.oneof(fc.constantFrom(0, 0, 1, 2, 3), fc.nat()),
      step: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.nat()),
      payload: bytes(200),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant("awareness" as const), payload: fc.oneof(bytes(100), hostileValue) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("stateVector" as const), entries: fc.array(fc.tuple(bigClock, bigClock), { maxLength: 4 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      base: fc.constantFrom("synced" as const, "synced" as const, "synced" as const, "stale" as const, "fresh" as const),
      ops: fc.array(editOp, { minLength: 1, maxLength: 4 }),
      step: fc.constantFrom(1 as const, 2 as const),
      corrupt: fc.option(
        fc.record({ how: fc.constantFrom("truncate" as const, "flip" as const, "splice" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), varint: fc.boolean() }),
        { freq: 3 },
      ),
    }),
    weight: 5,
  },
);

const NOW = "2026-11-25T10:00:00.000Z";

function entries(doc: Y.Doc, root: string): [string, unknown][] {
  return [...doc.getMap<unknown>(root).entries()];
}

function setValue(map: Y.Map<unknown>, key: string, value: JsonValue): void {
  map.set(key, value);
}

/** Applies one edit to the device's document; ops that name a missing entry do nothing. */
function applyOp(doc: Y.Doc, op: EditOp): void {
  const tasks = doc.getMap<unknown>(TASKS);
  const notes = doc.getMap<unknown>(NOTES);
  const pickMap = (root: string, n: number): Y.Map<unknown> | null => {
    const all = entries(doc, root).filter((e): e is [string, Y.Map<unknown>] => e[1] instanceof Y.Map);
    return all.length === 0 ? null : all[n % all.length]![1];
  };
  switch (op.op) {
    case "createTask": {
      const entry = new Y.Map<unknown>();
      tasks.set(op.id, entry);
      if (op.valid) {
        for (const [k, v] of Object.entries({ id: op.id, title: "Fuzz task", status: "open", due: null, tags: [], order: 1, createdAt: NOW, updatedAt: NOW, createdBy: "user:fuzz" })) entry.set(k, v);
      }
      setValue(entry, "title", op.title);
      return;
    }
    case "setTaskField": {
      const entry = pickMap(TASKS, op.pick);
      if (entry) setValue(entry, op.field, op.value);
      return;
    }
    case "createNote": {
      const entry = new Y.Map<unknown>();
      notes.set(op.id, entry);
      for (const [k, v] of Object.entries({ id: op.id, title: "Fuzz note", pinned: false, createdAt: NOW, updatedAt: NOW, createdBy: "user:fuzz" })) entry.set(k, v);
      entry.set("body", new Y.Text(op.body));
      return;
    }
    case "typeInNote": {
      const body = pickMap(NOTES, op.pick)?.get("body");
      if (!(body instanceof Y.Text)) return;
      const at = Math.min(op.at, body.length);
      body.delete(at, Math.min(op.remove, body.length - at));
      body.insert(at, op.text);
      return;
    }
    case "replaceNoteBody": {
      const entry = pickMap(NOTES, op.pick);
      if (entry) setValue(entry, "body", op.value);
      return;
    }
    case "deleteEntry": {
      const keys = [...doc.getMap<unknown>(op.root).keys()];
      if (keys.length > 0) doc.getMap<unknown>(op.root).delete(keys[op.pick % keys.length]!);
      return;
    }
    case "nestedType": {
      const entry = pickMap(op.pick % 2 === 0 ? TASKS : NOTES, op.pick);
      if (entry) entry.set(op.field, new Y.Map<unknown>());
      return;
    }
    case "foreignRoot":
      doc.getText(op.name).insert(0, op.text);
      return;
  }
}

function corrupt(bytes: Uint8Array, c: Corruption | null): Uint8Array {
  if (c === null || bytes.length === 0) return bytes;
  const at = c.at % bytes.length;
  switch (c.how) {
    case "truncate":
      return bytes.slice(0, at);
    case "flip": {
      const out = bytes.slice();
      out[at] = c.byte;
      return out;
    }
    case "splice": {
      // A varuint near 2^53 (a hostile clock or length) or one byte, inserted mid-update.
      const encoder = encoding.createEncoder();
      if (c.varint) encoding.writeVarUint(encoder, Number.MAX_SAFE_INTEGER - c.byte);
      else encoding.writeUint8(encoder, c.byte);
      const insert = encoding.toUint8Array(encoder);
      const out = new Uint8Array(bytes.length + insert.length);
      out.set(bytes.slice(0, at));
      out.set(insert, at);
      out.set(bytes.slice(at), at + insert.length);
      return out;
    }
  }
}

const frame = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
};

/**
 * Turns recipes into frames, as a device would make them. A `synced` edit is
 * made on a mirror of the room's document, fed every update the room applies
 * (`receive`); an edit the room may not apply as sent (a corrupted one) is
 * made on a copy, so the mirror never holds what the room lacks. `stale`
 * edits come from a document that stopped syncing, `fresh` ones from a client
 * the room never saw. Client ids are counted, not random, so a seed replays
 * the same bytes.
 */
export class FuzzDevice {
  #mirror: Y.Doc;
  #stale: Y.Doc;
  #clients = 1_000;
  #mirrorBroken = false;
  #roomState: (() => Uint8Array) | null;

  /** `roomState` is the room's whole document, to rebuild the mirror from when a hostile update has made it diverge. */
  constructor(roomState: (() => Uint8Array) | null = null) {
    this.#mirror = this.#newDoc();
    this.#stale = this.#newDoc();
    this.#roomState = roomState;
  }

  #newDoc(): Y.Doc {
    const doc = new Y.Doc();
    doc.clientID = ++this.#clients;
    return doc;
  }

  /**
   * An update the room applied (its `update` event, or a sync message it sent).
   * Never throws — it may run inside the room's own transaction: a corrupted
   * frame can give the room structs under the mirror's client id that the
   * mirror holds differently, and then the mirror is rebuilt before its next use.
   */
  receive(update: Uint8Array): void {
    if (this.#mirrorBroken) return;
    try {
      Y.applyUpdate(this.#mirror, update);
    } catch {
      this.#mirrorBroken = true;
    }
  }

  /** The mirror, rebuilt from the room's whole state if it diverged; that state must load (X2). */
  #synced(): Y.Doc {
    if (this.#mirrorBroken && this.#roomState) {
      this.#mirror = this.#newDoc();
      Y.applyUpdate(this.#mirror, this.#roomState());
      this.#mirrorBroken = false;
    }
    return this.#mirror;
  }

  frame(recipe: BinaryRecipe): Uint8Array {
    switch (recipe.kind) {
      case "bytes":
        return Uint8Array.from(recipe.bytes);
      case "envelope":
        return frame((e) => {
          encoding.writeVarUint(e, recipe.type);
          encoding.writeVarUint(e, recipe.step);
          encoding.writeVarUint8Array(e, Uint8Array.from(recipe.payload));
        });
      case "awareness": {
        const inner = Array.isArray(recipe.payload) && recipe.payload.every((b) => typeof b === "number")
          ? Uint8Array.from(recipe.payload.filter((b): b is number => typeof b === "number"))
          : frame((e) => {
              // An awareness update's own layout — count, then client, clock, JSON state — with junk as the state.
              encoding.writeVarUint(e, 1);
              encoding.writeVarUint(e, this.#stale.clientID);
              encoding.writeVarUint(e, 1);
              encoding.writeVarString(e, JSON.stringify(recipe.payload) ?? "");
            });
        return frame((e) => {
          encoding.writeVarUint(e, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(e, inner);
        });
      }
      case "stateVector":
        return frame((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          encoding.writeVarUint(e, 0);
          const sv = frame((inner) => {
            encoding.writeVarUint(inner, recipe.entries.length);
            for (const [client, clock] of recipe.entries) {
              encoding.writeVarUint(inner, client);
              encoding.writeVarUint(inner, clock);
            }
          });
          encoding.writeVarUint8Array(e, sv);
        });
      case "edit": {
        let doc: Y.Doc;
        if (recipe.base === "fresh") doc = this.#newDoc();
        else if (recipe.base === "stale") doc = this.#stale;
        else if (recipe.corrupt === null) doc = this.#synced();
        else {
          doc = this.#newDoc();
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.#synced()));
        }
        const before = Y.encodeStateVector(doc);
        doc.transact(() => {
          for (const op of recipe.ops) applyOp(doc, op);
        });
        const update = corrupt(Y.encodeStateAsUpdate(doc, before), recipe.corrupt);
        return frame((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          encoding.writeVarUint(e, recipe.step);
          encoding.writeVarUint8Array(e, update);
        });
      }
    }
  }
}
