/**
 * Checks a device's binary frame before Yjs applies it (docs/PROTOCOL.md P4,
 * D10). A malformed update can throw halfway through `applyUpdate` or, in old
 * lib0 versions, loop forever (yjs#479, yjs#687); an update with a huge number
 * of structs can stall the room. So the update is decoded on its own first —
 * decoding touches no document — and refused unless it is well-formed and
 * within budget.
 */
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/** Most structs (insertions) plus deleted ranges one update may carry. */
export const MAX_UPDATE_OPS = 20_000;

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export type GuardResult = { ok: true } | { ok: false; code: "invalid_request" | "too_large"; message: string };

export function checkBinaryFrame(bytes: Uint8Array): GuardResult {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) {
      decoding.readVarUint8Array(decoder);
      return { ok: true };
    }
    if (type !== MESSAGE_SYNC) return { ok: false, code: "invalid_request", message: `unknown Yjs message type ${type}` };
    const step = decoding.readVarUint(decoder);
    if (step === SYNC_STEP_1) {
      decoding.readVarUint8Array(decoder);
      return { ok: true };
    }
    if (step !== SYNC_STEP_2 && step !== SYNC_UPDATE) {
      return { ok: false, code: "invalid_request", message: `unknown Yjs sync step ${step}` };
    }
    const update = decoding.readVarUint8Array(decoder);
    const { structs, ds } = Y.decodeUpdate(update);
    let deletes = 0;
    for (const ranges of ds.clients.values()) deletes += ranges.length;
    if (structs.length + deletes > MAX_UPDATE_OPS) {
      return { ok: false, code: "too_large", message: `update carries ${structs.length + deletes} operations; the limit is ${MAX_UPDATE_OPS}` };
    }
    return { ok: true };
  } catch {
    return { ok: false, code: "invalid_request", message: "malformed Yjs frame" };
  }
}
