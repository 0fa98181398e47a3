/**
 * The architect's proposal reviewed entry by entry (docs/PROTOCOL.md W79,
 * W80): each entry accepted or rejected, its title and times edited, and the
 * confirm that says exactly that — `{"items":[…accepted ids],"edits":{…}}`
 * (B11). Times are typed as wall-clock times in the preference zone and sent
 * as instants with that zone's offset. Plain code, tested in Node
 * (tests/unit/timeline-proposal.test.ts).
 */
import { zonedToUtc } from "../../shared/dates.ts";
import type { ConfirmSelection, EntryEdit, ProposalEntry } from "../../shared/goals.ts";
import { isoInZone } from "../../shared/zoned.ts";

export type Review = {
  /** Entries rejected; every other one is accepted. */
  rejected: ReadonlySet<string>;
  edits: Readonly<Record<string, EntryEdit>>;
};

export const emptyReview = (): Review => ({ rejected: new Set(), edits: {} });

/**
 * B11: an architect plan's goal entry is the plan's container, implied by any accepted entry — it
 * cannot be rejected (no Reject on its row; only an edit). To take none of the plan, reject it all.
 */
export const rejectable = (entry: ProposalEntry): boolean => entry.kind !== "goal";

/** Whether the entry will be confirmed: a goal always; any other unless rejected. */
export const isAccepted = (entry: ProposalEntry, review: Review): boolean => !rejectable(entry) || !review.rejected.has(entry.id);

export const toggle = (review: Review, id: string, accept: boolean): Review => {
  const rejected = new Set(review.rejected);
  if (accept) rejected.delete(id);
  else rejected.add(id);
  return { ...review, rejected };
};

/** An entry's edit, kept only where it differs from the entry as proposed. */
export function edit(review: Review, entry: ProposalEntry, change: EntryEdit): Review {
  const next: EntryEdit = { ...review.edits[entry.id], ...change };
  const kept: EntryEdit = {};
  if (next.title !== undefined && next.title.trim() !== entry.title) kept.title = next.title.trim();
  if (next.start !== undefined && Date.parse(next.start) !== Date.parse(entry.start ?? "")) kept.start = next.start;
  if (next.end !== undefined && Date.parse(next.end) !== Date.parse(entry.end ?? "")) kept.end = next.end;
  const edits = { ...review.edits };
  if (Object.keys(kept).length > 0) edits[entry.id] = kept;
  else delete edits[entry.id];
  return { ...review, edits };
}

/** The entry as it will be confirmed: the proposal's, with this device's edits. */
export const shownEntry = (entry: ProposalEntry, review: Review): ProposalEntry => ({ ...entry, ...review.edits[entry.id] });

/** What a confirm sends: the accepted entries in proposal order, and edits of accepted entries only. */
export function confirmSelection(entries: readonly ProposalEntry[], review: Review): ConfirmSelection {
  const items = entries.filter((e) => isAccepted(e, review)).map((e) => e.id);
  const edits = Object.fromEntries(Object.entries(review.edits).filter(([id]) => items.includes(id)));
  return Object.keys(edits).length > 0 ? { items, edits } : { items };
}

/** What an edit says about its times: null when fine, else the sentence to show. */
export function timeProblem(entry: ProposalEntry): string | null {
  if (!entry.start || !entry.end) return null;
  const s = Date.parse(entry.start);
  const e = Date.parse(entry.end);
  if (!(e > s)) return "The end must be after the start.";
  if (e - s > 24 * 60 * 60_000) return "A block is at most 24 hours long.";
  return null;
}

/** An instant as a `datetime-local` value ("2026-03-09T10:00") on the zone's clock. */
export const toWall = (iso: string, timeZone: string): string => isoInZone(Date.parse(iso), timeZone).slice(0, 16);

/** A `datetime-local` value on the zone's clock as an instant with the zone's offset; null when it is not one. */
export function fromWall(wall: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  return isoInZone(zonedToUtc(timeZone, y, mo, d, h, mi).getTime(), timeZone);
}
