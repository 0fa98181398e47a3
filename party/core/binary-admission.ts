/**
 * Whether one binary (Yjs) frame from a device may be applied (docs/PROTOCOL.md
 * P4, D10–D14): size, the device's rate, the user's Yjs budget, then the
 * decoded shape and the document's size cap — cheapest first, so a flood
 * costs little. Nothing here changes the document.
 */
import type * as Y from "yjs";
import type { AppError } from "../../shared/errors.ts";
import type { RoomConfig } from "../config.ts";
import { Buckets } from "./rate-limit.ts";
import { YjsBudget } from "./yjs-budget.ts";
import { readBinaryFrame } from "./yjs-guard.ts";
import { answerSize, ShapeChecker } from "./yjs-shape.ts";

/** Largest binary (Yjs) frame the room applies, in bytes (P4). */
export const MAX_YJS_FRAME_BYTES = 1024 * 1024;

export type BinaryAdmissionDeps = {
  doc: Y.Doc;
  config: RoomConfig;
  now: () => number;
  /** Bytes the document takes in storage now (D14). */
  storedBytes: () => number;
};

export class BinaryAdmission {
  #deps: BinaryAdmissionDeps;
  #buckets = new Buckets();
  #budget: YjsBudget;
  #shapes: ShapeChecker;

  constructor(deps: BinaryAdmissionDeps) {
    this.#deps = deps;
    this.#budget = new YjsBudget(deps.config.yjs, deps.now);
    this.#shapes = new ShapeChecker(deps.doc);
  }

  /** Null when the frame may be applied; cheapest checks first, so a flood costs little (D12). */
  admit(clientId: string, bytes: Uint8Array): AppError | null {
    const { config, now, doc, storedBytes } = this.#deps;
    if (bytes.byteLength > MAX_YJS_FRAME_BYTES) return { code: "too_large", message: `binary frame exceeds ${MAX_YJS_FRAME_BYTES} bytes` };
    const retryAfter = this.#buckets.admit(clientId, config.rates.yjsFramesPerMinute, now());
    if (retryAfter !== null) return { code: "rate_limited", message: "too many Yjs frames", retryAfter };
    const unread = this.#budget.admitFrame(bytes.byteLength);
    if (unread) return unread;
    const read = readBinaryFrame(bytes);
    if (!read.ok) {
      this.#budget.chargeOps(read.decoded ?? 0);
      return { code: read.code, message: read.message };
    }
    const frame = read.frame;
    switch (frame.kind) {
      case "awareness":
        return this.#budget.takeOps(frame.states);
      case "state-request":
        // Answering encodes what the device lacks — up to the whole document, for a frame of a few bytes.
        return this.#budget.takeSync(answerSize(doc, frame.stateVector));
      case "update": {
        const shape = this.#shapes.check(frame.structs, frame.ds);
        if (!shape.ok) {
          // Refused after decoding: still charged what was decoded, or a flood of such updates would cost the user nothing.
          this.#budget.chargeOps(frame.decoded);
          return { code: "invalid_request", message: `Yjs update refused: ${shape.message}` };
        }
        const overOps = this.#budget.takeOps(shape.ops);
        if (overOps) {
          if (overOps.code === "too_large") this.#budget.chargeOps(frame.decoded);
          return overOps;
        }
        if (shape.grows && storedBytes() + bytes.byteLength > config.yjs.maxDocBytes) {
          return { code: "too_large", message: `the document would exceed ${config.yjs.maxDocBytes} bytes; delete something first` };
        }
        return this.#budget.takeEntries(shape.entries);
      }
    }
  }

  /** A socket closed: its rate bucket goes with it. */
  forget(clientId: string): void {
    this.#buckets.forget(clientId);
  }
}
