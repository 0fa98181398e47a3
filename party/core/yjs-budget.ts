/**
 * The user's budget of Yjs work over time (docs/PROTOCOL.md D12): bytes,
 * operations and task/note entry edits per minute, each a token bucket shared
 * by all of the user's sockets — the room is the user's, so one bucket per
 * room is one per user. The per-socket frame rate (P12) still applies on top.
 *
 * Bytes are taken before a frame is decoded, so a flood is refused at the cost
 * of reading its length; operations and entries once the update has been
 * measured against the document (yjs-shape.ts), before it is applied.
 */
import type { AppError } from "../../shared/errors.ts";
import type { YjsLimits } from "../config.ts";
import { Buckets } from "./rate-limit.ts";

/**
 * Operations a state request (sync step 1) costs: answering it encodes what
 * the device lacks, up to the whole document, for a frame of a few bytes.
 */
export const STATE_REQUEST_OPS = 1_000;

type Budget = "bytes" | "ops" | "entries";

const WHAT: Record<Budget, string> = {
  bytes: "bytes of Yjs frames",
  ops: "Yjs operations",
  entries: "task and note edits from devices",
};

export class YjsBudget {
  #buckets = new Buckets();
  #limits: YjsLimits;
  #now: () => number;

  constructor(limits: YjsLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Null when `cost` fits the budget now (and is taken), else the error to send. */
  take(budget: Budget, cost: number): AppError | null {
    const perMinute = this.#perMinute(budget);
    if (cost > perMinute) {
      return { code: "too_large", message: `the frame needs ${cost} ${WHAT[budget]}; at most ${perMinute} a minute are allowed` };
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
    }
  }
}
