/**
 * What the architect places around (docs/PROTOCOL.md B43): the timed calendar
 * events of the agenda and every block already in the document, over
 * [from, to). All-day events (a birthday, a holiday marker) do not fill the
 * work day; a day off is a work-hours matter, not an event.
 */
import type * as Y from "yjs";
import type { AgendaItem } from "../../shared/agenda.ts";
import { readBlocks } from "../../shared/doc-schema.ts";

export type BusySpan = { start: string; end: string };

export function architectBusy(agenda: readonly AgendaItem[], doc: Y.Doc, from: number, to: number): BusySpan[] {
  const spans: BusySpan[] = [];
  for (const item of agenda) if (item.kind === "event" && !item.allDay && item.end) spans.push({ start: item.start, end: item.end });
  for (const block of readBlocks(doc)) if (Date.parse(block.end) > from && Date.parse(block.start) < to) spans.push({ start: block.start, end: block.end });
  return spans;
}
