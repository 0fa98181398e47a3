/**
 * The smallest edit from one text to another whose ends fall between
 * characters as people see them (docs/PROTOCOL.md D17).
 *
 * Y.Text counts UTF-16 units. A diff by unit turns "😀" (D83D DE00) into "😁"
 * (D83D DE01) by replacing only the second unit: Yjs then splits the stored
 * pair, writes "�" for the orphaned half and the inserted low surrogate alone
 * is stored as another "�" — the note reads "��" after a restart. So the
 * common prefix and suffix are found by unit (fast, no copy), then both ends
 * are moved outwards to grapheme cluster boundaries (Intl.Segmenter: an emoji
 * with its skin tone, a ZWJ family, a flag, a letter with its combining
 * accents, a Hangul syllable in jamo) that hold in both texts. Where
 * Intl.Segmenter is missing, code point boundaries still keep pairs whole.
 */

/** Delete `remove` units at `index`, then insert `insert` there. */
export type TextEdit = { index: number; remove: number; insert: string };

/** Boundaries of one text: the nearest at or before / at or after a unit index. */
type Boundaries = { before(i: number): number; after(i: number): number };

const graphemes: Intl.Segmenter | null = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function codePointBoundaries(text: string): Boundaries {
  const splitsPair = (i: number) => i > 0 && i < text.length && isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i));
  return { before: (i) => (splitsPair(i) ? i - 1 : i), after: (i) => (splitsPair(i) ? i + 1 : i) };
}

function boundariesOf(text: string): Boundaries {
  if (!graphemes) return codePointBoundaries(text);
  // `containing` asks ICU for the cluster around one index; it does not walk the text from its start.
  const segments = graphemes.segment(text);
  const clusterAt = (i: number) => segments.containing(i) ?? { index: i, segment: "" };
  return {
    before: (i) => (i <= 0 || i >= text.length ? i : clusterAt(i).index),
    after: (i) => {
      if (i <= 0 || i >= text.length) return i;
      const cluster = clusterAt(i);
      return cluster.index === i ? i : cluster.index + cluster.segment.length;
    },
  };
}

/** The edit that turns `prev` into `next`, or null when they are equal. */
export function textEdit(prev: string, next: string): TextEdit | null {
  if (prev === next) return null;
  const shorter = Math.min(prev.length, next.length);
  let start = 0;
  while (start < shorter && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  // `end` counts the units of the common suffix; it never overlaps the prefix.
  let end = 0;
  while (end < shorter - start && prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  const a = boundariesOf(prev);
  const b = boundariesOf(next);
  // Both moves only widen the edit, so each loop ends (at 0 and at the full length, at worst).
  for (let s = b.before(a.before(start)); s !== start; s = b.before(a.before(start))) start = s;
  for (;;) {
    const fromA = prev.length - a.after(prev.length - end);
    const both = next.length - b.after(next.length - fromA);
    if (both === end) break;
    end = both;
  }
  return { index: start, remove: prev.length - end - start, insert: next.slice(start, next.length - end) };
}
