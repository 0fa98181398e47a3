/**
 * The search dialog's pure parts (docs/PROTOCOL.md W100–W104): the request's
 * query string, where a result opens, its snippet split into marked and plain
 * runs from the server's offsets (never HTML), results grouped by kind, and the
 * date chips as local dates in the preference zone.
 */
import { localDate } from "../../shared/dates.ts";
import { SEARCH_QUERY_MAX, type SearchKind, type SearchResult } from "../../shared/search-results.ts";

export type DatePreset = "any" | "week" | "month" | "year";
export const DATE_PRESETS: readonly { id: DatePreset; label: string; days: number | null }[] = [
  { id: "any", label: "Any time", days: null },
  { id: "week", label: "Past week", days: 7 },
  { id: "month", label: "Past month", days: 31 },
  { id: "year", label: "Past year", days: 366 },
];

export const KIND_LABELS: Record<SearchKind, { one: string; many: string }> = {
  message: { one: "Message", many: "Messages" },
  note: { one: "Note", many: "Notes" },
  task: { one: "Task", many: "Tasks" },
  memory: { one: "Memory", many: "Memories" },
};

export type SearchParams = { q: string; kind?: SearchKind; date: DatePreset };

/** W101: the preset as inclusive local dates in `timeZone` (`from` only: up to today). */
export function presetRange(date: DatePreset, timeZone: string, now: number): { from?: string } {
  const days = DATE_PRESETS.find((p) => p.id === date)?.days ?? null;
  return days === null ? {} : { from: localDate(timeZone, new Date(now - (days - 1) * 86_400_000)) };
}

/** The query string of `GET /api/v1/search`; null when there is nothing to ask. */
export function searchPath(params: SearchParams, timeZone: string, now: number, limit = 30): `/api/v1/search?${string}` | null {
  const q = params.q.trim().slice(0, SEARCH_QUERY_MAX);
  if (q === "") return null;
  const query = new URLSearchParams({ q, limit: String(limit) });
  if (params.kind) query.set("kind", params.kind);
  const range = presetRange(params.date, timeZone, now);
  if (range.from) query.set("from", range.from);
  return `/api/v1/search?${query.toString()}`;
}

/** W102: where a result opens, in place: the message in its conversation, the note, the task, the memory. */
export function resultHref(result: Pick<SearchResult, "kind" | "id" | "conversationId">): string {
  const id = encodeURIComponent(result.id);
  switch (result.kind) {
    case "message":
      return `/chat?c=${encodeURIComponent(result.conversationId ?? "main")}&message=${id}`;
    case "note":
      return `/notes?note=${id}`;
    case "task":
      return `/tasks?task=${id}`;
    case "memory":
      return `/memory?memory=${id}`;
  }
}

export type Run = { text: string; mark: boolean };

/**
 * W100: the snippet as runs of plain and highlighted text. Offsets out of range, reversed or
 * overlapping (a server bug, a newer server) are clamped or dropped: the text is always whole.
 */
export function snippetRuns(snippet: string, highlights: readonly (readonly [number, number])[]): Run[] {
  const runs: Run[] = [];
  let at = 0;
  for (const [rawStart, rawEnd] of [...highlights].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(at, Math.min(rawStart, snippet.length));
    const end = Math.min(Math.max(rawEnd, start), snippet.length);
    if (end <= start) continue;
    if (start > at) runs.push({ text: snippet.slice(at, start), mark: false });
    runs.push({ text: snippet.slice(start, end), mark: true });
    at = end;
  }
  if (at < snippet.length || runs.length === 0) runs.push({ text: snippet.slice(at), mark: false });
  return runs;
}

export type ResultGroup = { kind: SearchKind; results: SearchResult[] };

/** W103: results grouped by kind, the group with the best result first; the server's order kept within a group. */
export function groupResults(results: readonly SearchResult[]): ResultGroup[] {
  const groups: ResultGroup[] = [];
  for (const result of results) {
    const group = groups.find((g) => g.kind === result.kind);
    if (group) group.results.push(result);
    else groups.push({ kind: result.kind, results: [result] });
  }
  return groups;
}

/** The results in the order the keyboard walks them (the groups' order). */
export const flatResults = (groups: readonly ResultGroup[]): SearchResult[] => groups.flatMap((g) => g.results);

/** The heading of a result: a note's or task's title, a memory's key, or who wrote the message ("You", "Assistant"). */
export function resultHeading(result: SearchResult): string {
  if (result.title) return result.title;
  if (result.kind === "message") return "Message";
  return KIND_LABELS[result.kind].one;
}
