/**
 * The user's budget of Yjs work over time (docs/PROTOCOL.md D12): bytes,
 * operations, task/note entry edits and structs sent in answer to state
 * requests per minute, each a token bucket shared
 * by all of the user's sockets — the room is the user's, so one bucket per
 * room is one per user. The per-socket frame rate (P12) still applies on top.
 *
 * A frame's bytes and its first operation are taken before it is decoded, so
 * a flood is refused for the cost of reading its length. The rest of its
 * operations are taken once the update has been measured against the document
 * (yjs-shape.ts), before it is applied. An update refused after decoding is
 * still charged what was decoded, into debt if need be: otherwise a flood of
 * refused updates would cost the room a decode each and the user nothing.
 */
import type { AppError } from "../../shared/errors.ts";
import type { YjsLimits } from "../config.ts";
import { Buckets } from "./rate-limit.ts";

type Budget = "bytes" | "ops" | "entries" | "sync";

const WHAT: Record<Budget, string> = {
  bytes: "bytes of Yjs frames",
  ops: "Yjs operations",
  entries: "task and note edits from devices",
  sync: "structs sent in answer to state requests",
};

export class YjsBudget {
  #buckets = new Buckets();
  #limits: YjsLimits;
  #now: () => number;

  constructor(limits: YjsLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Before a frame is read: its bytes and one operation. Null when admitted, else the error to send. */
  admitFrame(bytes: number): AppError | null {
    return this.#take("bytes", bytes, bytes) ?? this.#take("ops", 1, 1);
  }

  /** After a frame is read: the rest of its `ops` operations (admitFrame took one). */
  takeOps(ops: number): AppError | null {
    return this.#take("ops", Math.max(0, ops - 1), ops);
  }

  /** A frame refused after decoding `ops` operations: charged anyway, into debt if need be. */
  chargeOps(ops: number): void {
    if (ops > 1) this.#buckets.charge("ops", this.#limits.opsPerMinute, this.#now(), ops - 1);
  }

  /**
   * A state request whose answer carries `structs`: refused while the sync
   * budget is spent, else charged in full — into debt if need be, so a new
   * device gets a document larger than a minute's budget, and the requests
   * after it wait.
   */
  takeSync(structs: number): AppError | null {
    const retryAfter = this.#buckets.admit("sync", this.#limits.syncStructsPerMinute, this.#now(), 1);
    if (retryAfter !== null) return { code: "rate_limited", message: `too many ${WHAT.sync} (at most ${this.#limits.syncStructsPerMinute} a minute)`, retryAfter };
    if (structs > 1) this.#buckets.charge("sync", this.#limits.syncStructsPerMinute, this.#now(), structs - 1);
    return null;
  }

  /** Task and note entries an update creates, deletes or changes outside a note body. */
  takeEntries(entries: number): AppError | null {
    return entries > 0 ? this.#take("entries", entries, entries) : null;
  }

  /** Takes `cost`; `whole` is what the frame needs in all, refused as too large when more than a minute allows. */
  #take(budget: Budget, cost: number, whole: number): AppError | null {
    const perMinute = this.#perMinute(budget);
    if (whole > perMinute) {
      return { code: "too_large", message: `the frame needs ${whole} ${WHAT[budget]}; at most ${perMinute} a minute are allowed` };
    }
    const retryAfter = this.#buckets.admit(budget, perMinute, this.#now(), cost);
    return retryAfter === null ? null : { code: "rate_limited", message: `too many ${WHAT[budget]} (at most ${perMinute} a minute)`, retryAfter };
  }

  #perMinute(budget: Budget): number {
    switch (budget) {
      case "bytes":
        return this.#limits.bytesPerMinute;
      case "ops":
        return this.#limits.opsPerMinute;
      case "entries":
        return this.#limits.entryEditsPerMinute;
      case "sync":
        return this.#limits.syncStructsPerMinute;
    }
  }
}
