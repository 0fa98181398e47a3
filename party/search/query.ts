/**
 * The user's search text made safe for FTS5 (docs/PROTOCOL.md Q5–Q7), and
 * FTS5 snippets turned into plain text plus highlight offsets (Q9). Pure.
 */
import { zonedToUtc } from "../../shared/dates.ts";

/** Private-use characters that mark a match in `snippet()`; stripped from indexed text so a user cannot forge one. */
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";
const MARKS = /[\uE000\uE001]/g;

/** Text as it goes into the index: the marker characters removed. */
export const indexable = (text: string): string => text.replace(MARKS, "");

/** Tokens the way FTS5's unicode61 tokenizer sees words: runs of letters, marks and digits. */
const tokens = (text: string): string[] => text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];

/** Most terms in one query: a bound on the MATCH expression whatever the 200 characters hold. */
export const MAX_TERMS = 16;

/**
 * Q5: every word becomes a quoted token and every "quoted phrase" a quoted
 * phrase of tokens; the last bare word matches as a prefix (`"wor"*`). FTS5
 * syntax in the text (`OR`, `NEAR(`, `*`, `^`, `-`, `:` …) is never operator:
 * only letters and digits reach the expression, always inside quotes. Null
 * when nothing searchable is left (the route answers 400).
 */
export function toMatch(q: string): string | null {
  const terms: { text: string; phrase: boolean }[] = [];
  const parts = q.split('"');
  // Odd parts sit between quotes; an unclosed quote leaves its tail as plain words.
  parts.forEach((part, i) => {
    const quoted = i % 2 === 1 && i < parts.length - 1;
    const words = tokens(part);
    if (quoted && words.length > 1) terms.push({ text: words.join(" "), phrase: true });
    else for (const word of words) terms.push({ text: word, phrase: quoted });
  });
  const kept = terms.slice(0, MAX_TERMS);
  if (kept.length === 0) return null;
  return kept
    .map((term, i) => {
      const prefix = i === kept.length - 1 && !term.phrase && kept.length === terms.length;
      return `"${term.text}"${prefix ? "*" : ""}`;
    })
    .join(" ");
}

/** Q9: a snippet with match markers → the plain text and the [start, end) offsets of its matches. */
export function highlighted(marked: string): { snippet: string; highlights: [number, number][] } {
  let snippet = "";
  const highlights: [number, number][] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === MARK_OPEN) open = snippet.length;
    else if (ch === MARK_CLOSE) {
      if (open >= 0 && snippet.length > open) {
        const last = highlights.at(-1);
        // Adjacent matches (a phrase's words) read as one highlight.
        if (last && (last[1] === open || snippet.slice(last[1], open).trim() === "")) last[1] = snippet.length;
        else highlights.push([open, snippet.length]);
      }
      open = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

/** Q8: inclusive local dates in `timeZone` → the ISO instants [from, to) the `at` column is compared with. */
export function dateRange(timeZone: string, from?: string, to?: string): { from?: string; to?: string } {
  const start = (date: string, plusDays: number) => {
    const [y, m, d] = date.split("-").map(Number);
    return zonedToUtc(timeZone, y!, m!, d! + plusDays, 0, 0).toISOString();
  };
  return { ...(from ? { from: start(from, 0) } : {}), ...(to ? { to: start(to, 1) } : {}) };
}

/** Q10: a mild recency boost: ×1.25 for today, ×1.125 a month old, → ×1 with age. */
export function boosted(bm25: number, at: string, now: number): number {
  const ageDays = Math.max(0, (now - Date.parse(at)) / 86_400_000);
  return -bm25 * (1 + 0.25 / (1 + ageDays / 30));
}
