/**
 * The ledger events this tab has received, kept briefly (W11): a state fetch
 * answers as of some seq, while events past it may already have arrived on the
 * socket and been folded into the cache the fetch is about to replace. The
 * fetched state is caught up with them, so nothing received is lost to a
 * refetch that crossed it.
 */
import type { BrainState } from "../../shared/api.ts";
import { type EventEnvelope, parseLedgerEvent } from "../../shared/events.ts";
import { applyEvents } from "./state-events.ts";

/** More than a backfill page (P8 sends a snapshot past 500 behind). */
const KEPT = 1_000;
let journal: EventEnvelope[] = [];

/** Remembers events as they arrive (seq order). */
export function remember(events: readonly EventEnvelope[]): void {
  journal = [...journal, ...events].slice(-KEPT);
}

/** Forgets everything (sign-out: another user's events must never fold into a state). */
export function forget(): void {
  journal = [];
}

/** The fetched state with every remembered event past its seq folded in. */
export function catchUp(state: BrainState, now = Date.now()): BrainState {
  const later = journal.filter((e) => e.seq > state.lastEventSeq);
  return later.length === 0 ? state : applyEvents(state, later.map((e) => ({ seq: e.seq, event: parseLedgerEvent(e) })), now);
}
