/**
 * The search dialog's pure parts (docs/PROTOCOL.md W100–W104): the request's
 * query string, where a result opens, its snippet split into marked and plain
 * runs from the server's offsets (never HTML), results grouped by kind, and the
 * date chips as local dates in the preference zone.
 */
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { localDate } from "../../shared/dates.ts";
import { SEARCH_QUERY_MAX, type SearchKind, type SearchResult } from "../../shared/search-results.ts";

export type DatePreset = "any" | "week" | "month" | "older";
export const DATE_PRESETS: readonly { id: DatePreset; label: string }[] = [
  { id: "any", label: "Any time" },
  { id: "week", label: "Past week" },
  { id: "month", label: "Past month" },
  { id: "older", label: "Older" },
];

export const KIND_LABELS: Record<SearchKind, { one: string; many: string }> = {
  message: { one: "Message", many: "Messages" },
  note: { one: "Note", many: "Notes" },
  task: { one: "Task", many: "Tasks" },
  memory: { one: "Memory", many: "Memories" },
};

export type SearchParams = { q: string; kind?: SearchKind; date: DatePreset };

/** A local date (`YYYY-MM-DD`) moved by whole days or calendar months; a month back from the 31st clamps (Mar 31 → Feb 28). */
function shift(date: string, days: number, months = 0): string {
  const [y, m, d] = date.split("-").map(Number);
  const first = new Date(Date.UTC(y!, m! - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const day = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d!, last) + days));
  return day.toISOString().slice(0, 10);
}

/**
 * W101: the preset as inclusive local dates in `timeZone`: "Past week" = today and the 6 days
 * before; "Past month" = from the same day one calendar month back, up to today; "Older" = up to
 * the day before that.
 */
export function presetRange(date: DatePreset, timeZone: string, now: number): { from?: string; to?: string } {
  const today = localDate(timeZone, new Date(now));
  switch (date) {
    case "any":
      return {};
    case "week":
      return { from: shift(today, -6) };
    case "month":
      return { from: shift(today, 0, -1) };
    case "older":
      return { to: shift(shift(today, 0, -1), -1) };
  }
}

/** The query string of `GET /api/v1/search`; null when there is nothing to ask. */
export function searchPath(params: SearchParams, timeZone: string, now: number, limit = 30): `/api/v1/search?${string}` | null {
  const q = params.q.trim().slice(0, SEARCH_QUERY_MAX);
  if (q === "") return null;
  const query = new URLSearchParams({ q, limit: String(limit) });
  if (params.kind) query.set("kind", params.kind);
  const range = presetRange(params.date, timeZone, now);
  if (range.from) query.set("from", range.from);
  if (range.to) query.set("to", range.to);
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

/**
 * W103: the heading of a result: a note's or task's title, a memory's key; for a message, the
 * title of its thread (`titles` from the state's conversations; "Chat" for main or a thread not
 * known here), so two threads' messages can be told apart.
 */
export function resultHeading(result: SearchResult, titles: ReadonlyMap<string, string> = new Map()): string {
  if (result.kind === "message") return titles.get(result.conversationId ?? DEFAULT_CONVERSATION_ID) || "Chat";
  if (result.title) return result.title;
  return KIND_LABELS[result.kind].one;
}

/**
 * W102: a result may be opened (Enter, click) only when the results on screen answer the text
 * in the field: not while the debounce holds a newer text, nor while the previous answer is kept
 * on screen as a placeholder for a request still out.
 */
export function answersField(field: string, asked: string, placeholder: boolean): boolean {
  return !placeholder && field.trim() === asked.trim();
}
