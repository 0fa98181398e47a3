/**
 * Reads a device's binary frame before Yjs sees it (docs/PROTOCOL.md P4, D10,
 * D13). A malformed update can throw halfway through `applyUpdate` or, in old
 * lib0 versions, loop forever (yjs#479, yjs#687); y-partyserver logs whatever
 * throws with its stack. So every kind of frame is decoded here on its own
 * first — decoding touches no document — and refused unless it is well-formed:
 * the update (sync step 2 or update) is decoded once, and its structs are
 * handed on for the checks against the document (yjs-shape.ts); a state
 * vector (sync step 1) and an awareness message are read through, exactly as
 * y-protocols will read them.
 */
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/** Most structs (insertions) plus deleted ranges one update may carry. */
export const MAX_UPDATE_OPS = 20_000;
/**
 * Highest clock the room accepts, in updates, delete sets, state vectors and
 * awareness. A clock counts one client's insertions; past 2^53 its arithmetic
 * loses precision, and no real client comes anywhere near 2^32.
 */
export const MAX_CLOCK = 2 ** 32;
/** Most client states one awareness message may carry: a device sends its own. */
export const MAX_AWARENESS_STATES = 16;

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export type Struct = Y.Item | Y.GC | Y.Skip;
/** Yjs does not export its DeleteSet class: the type is read off decodeUpdate. */
export type DeleteSet = ReturnType<typeof Y.decodeUpdate>["ds"];

/** A binary frame, read through. */
export type YjsFrame =
  /** A state vector: the room answers with what the device lacks. */
  | { kind: "state-request"; stateVector: Map<number, number> }
  /** Sync step 2 or an update, decoded once; `decoded` counts its structs and deleted ranges. */
  | { kind: "update"; structs: Struct[]; ds: DeleteSet; decoded: number }
  | { kind: "awareness"; states: number };

/** A refusal; `decoded` counts the operations decoded before it (the budget charges them, D12). */
export type FrameRead = { ok: true; frame: YjsFrame } | { ok: false; code: "invalid_request" | "too_large"; message: string; decoded?: number };

const malformed = (message: string): FrameRead => ({ ok: false, code: "invalid_request", message });

export function readBinaryFrame(bytes: Uint8Array): FrameRead {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) return readAwareness(decoding.readVarUint8Array(decoder));
    if (type !== MESSAGE_SYNC) return malformed(`unknown Yjs message type ${type}`);
    const step = decoding.readVarUint(decoder);
    if (step === SYNC_STEP_1) return readStateVector(decoding.readVarUint8Array(decoder));
    if (step !== SYNC_STEP_2 && step !== SYNC_UPDATE) return malformed(`unknown Yjs sync step ${step}`);
    const { structs, ds } = Y.decodeUpdate(decoding.readVarUint8Array(decoder));
    let deletes = 0;
    for (const ranges of ds.clients.values()) deletes += ranges.length;
    if (structs.length + deletes > MAX_UPDATE_OPS) {
      return { ok: false, code: "too_large", message: `update carries ${structs.length + deletes} operations; the limit is ${MAX_UPDATE_OPS}`, decoded: structs.length + deletes };
    }
    return { ok: true, frame: { kind: "update", structs, ds, decoded: structs.length + deletes } };
  } catch {
    // A truncated or garbled frame: lib0 throws on reading past the end, Yjs on unknown content.
    return malformed("malformed Yjs frame");
  }
}

/** What y-protocols' readSyncStep1 reads: a count, then (client, clock) pairs. */
function readStateVector(sv: Uint8Array): FrameRead {
  const stateVector = Y.decodeStateVector(sv);
  for (const clock of stateVector.values()) {
    if (clock > MAX_CLOCK) return malformed(`state vector clock ${clock} is out of range`);
  }
  return { ok: true, frame: { kind: "state-request", stateVector } };
}

/** What y-protocols' applyAwarenessUpdate reads: a count, then (client, clock, JSON state) triples. */
function readAwareness(update: Uint8Array): FrameRead {
  const decoder = decoding.createDecoder(update);
  const states = decoding.readVarUint(decoder);
  if (states > MAX_AWARENESS_STATES) return malformed(`awareness message carries ${states} states; the limit is ${MAX_AWARENESS_STATES}`);
  for (let i = 0; i < states; i++) {
    decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    if (clock > MAX_CLOCK) return malformed(`awareness clock ${clock} is out of range`);
    // y-protocols parses the state with JSON.parse and does not catch: a bad one would throw inside y-partyserver.
    JSON.parse(decoding.readVarString(decoder));
  }
  return { ok: true, frame: { kind: "awareness", states } };
}
