/**
 * V21, W120: a streaming reply cut into sentences to speak while the rest still
 * streams, with its markdown turned into words a voice can read.
 *
 * Chunk-independent by construction: a cut is made only once every character
 * that decides it has arrived (the terminator, what closes it, the space after
 * it and the first letter of what follows), so any chunking of a reply gives the
 * same sentences as the whole text at once (tests/unit/speech-sentences.test.ts).
 */

import { SPEECH_MAX_CHARS } from "./voice.ts";

/** Feed text as it streams; `push` returns the sentences completed so far, `flush` the rest at the end. */
export type SentenceSplitter = { push(delta: string): string[]; flush(): string[] };

/** Past this many characters without an ending, a sentence is cut at its next comma (a voice needs to breathe). */
export const SPEECH_LONG_SENTENCE = 200;
/** A sentence of this many words or fewer is spoken with the next one, so speech does not stutter ("Done." "Sure!"). */
const SHORT_WORDS = 2;

const TERMINATORS = ".!?…";
/** What may close a sentence after its terminator: quotes, brackets, emphasis. */
const CLOSERS = `)]"'”’*_`;
/** Abbreviations that never end a sentence (a name follows them). */
const TITLES = new Set(["dr.", "mr.", "mrs.", "ms.", "st.", "prof.", "jr.", "sr.", "mt."]);
/** Markdown's line prefixes: headings, bullets, numbered items, quotes (any of them nested). */
const LINE_PREFIX = /^[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,3}[.)]|>)[ \t]+|>)*/;
/** Characters a line prefix is made of: until another arrives, the prefix is not known. */
const PREFIX_CHARS = /^[\s#*+\->\d.)_]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
/** A thematic break (`---`, `***`, `___`): nothing to say. */
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Whitespace collapsed: how sentences are compared and spoken. */
export const normalizeSpace = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Inline markdown to words: links and images to their text, code spans kept as words, emphasis marks dropped. */
export function stripInline(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => {
      if (i % 2 === 1) return part.slice(1, -1);
      return part
        .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, "$1")
        .replace(/\*\*|__|~~/g, "")
        .replace(/\*/g, "")
        .replace(/(^|[\s([{"'])_+/g, "$1")
        .replace(/_+(?=[\s.,!?;:)\]}"'…]|$)/g, "");
    })
    .join("");
}

/** Whether a piece of a line leaves a code span, bold run or link open (then it is not cut there). */
function markupOpen(piece: string): boolean {
  if ((piece.match(/`/g)?.length ?? 0) % 2 === 1) return true;
  if ((piece.match(/\*\*/g)?.length ?? 0) % 2 === 1) return true;
  if (piece.lastIndexOf("[") > piece.lastIndexOf("]")) return true;
  return /\]\([^)]*$/.test(piece);
}

/** The word just before position `end` (back to whitespace or an opening bracket). */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && !/[\s([{"']/.test(text[start - 1] ?? " ")) start -= 1;
  return text.slice(start, end);
}

/** Whether the terminator run `text[from, to)` ends a sentence, given the next visible character. */
function endsSentence(text: string, from: number, to: number, next: string): boolean {
  const run = text.slice(from, to);
  if (/[!?]/.test(run)) return true;
  // A period or ellipsis followed by a lowercase letter: an abbreviation (e.g., etc., p.m.) or a pause inside the sentence.
  if (/\p{Ll}/u.test(next)) return false;
  if (run === "." && TITLES.has(`${wordBefore(text, from).toLowerCase()}.`)) return false;
  return true;
}

type Cut = { end: number; next: number };

/**
 * The first place to cut a line's body: a line break, a sentence end, or a comma
 * past SPEECH_LONG_SENTENCE. Null while what decides it has not arrived yet.
 */
function findCut(text: string): Cut | null {
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? "";
    if (c === "\n") return { end: i, next: i };
    if (TERMINATORS.includes(c)) {
      let j = i;
      while (j < text.length && TERMINATORS.includes(text[j] ?? "")) j += 1;
      let k = j;
      while (k < text.length && CLOSERS.includes(text[k] ?? "")) k += 1;
      if (k >= text.length) return null;
      if (!/\s/.test(text[k] ?? "")) {
        i = k - 1;
        continue;
      }
      let m = k;
      while (m < text.length && (text[m] === " " || text[m] === "\t")) m += 1;
      if (m >= text.length) return null;
      if (text[m] === "\n" || (endsSentence(text, i, j, text[m] ?? "") && !markupOpen(text.slice(0, k)))) return { end: k, next: m };
      i = m - 1;
      continue;
    }
    if (c === "," && i >= SPEECH_LONG_SENTENCE) {
      if (i + 2 >= text.length) return null;
      if (text[i + 1] === " " && !/\s/.test(text[i + 2] ?? "") && !markupOpen(text.slice(0, i + 1))) return { end: i + 1, next: i + 2 };
    }
  }
  return null;
}

/**
 * V23: no sentence is longer than one speech request takes (SPEECH_MAX_CHARS): a longer one
 * (no comma to cut at) is cut at the last space that fits, or mid-word when there is none.
 */
export function withinSpeechCap(sentence: string, max = SPEECH_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const space = rest.lastIndexOf(" ", max);
    const at = space > 0 ? space : max;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

export function sentenceSplitter(): SentenceSplitter {
  let buffer = "";
  let atLineStart = true;
  let inCode = false;
  let pending = "";

  const emit = (piece: string, out: string[]) => {
    const words = normalizeSpace(stripInline(piece));
    if (!words) return;
    const sentence = pending ? `${pending} ${words}` : words;
    if (sentence.split(" ").length <= SHORT_WORDS) pending = sentence;
    else {
      pending = "";
      out.push(...withinSpeechCap(sentence));
    }
  };

  /** Cuts what can be cut; `final` when the reply ended (nothing more will arrive). */
  const drain = (final: boolean): string[] => {
    const out: string[] = [];
    for (;;) {
      const newline = buffer.indexOf("\n");
      if (atLineStart) {
        const line = newline === -1 ? buffer : buffer.slice(0, newline);
        const rest = newline === -1 ? "" : buffer.slice(newline + 1);
        if (newline === -1 && !final && (inCode || FENCE.test(line) || PREFIX_CHARS.test(line) || /^ {0,3}[`~]{1,2}$/.test(line))) break;
        if (newline === -1 && buffer === "") break;
        if (FENCE.test(line)) {
          // Code blocks are skipped: a voice reading code helps nobody.
          inCode = !inCode;
          buffer = rest;
          continue;
        }
        if (inCode || RULE.test(line)) {
          buffer = rest;
          continue;
        }
        buffer = buffer.slice(LINE_PREFIX.exec(line)?.[0].length ?? 0);
        atLineStart = false;
        continue;
      }
      const cut = findCut(buffer);
      if (!cut) {
        if (final) {
          emit(buffer, out);
          buffer = "";
          atLineStart = true;
        }
        break;
      }
      emit(buffer.slice(0, cut.end), out);
      buffer = buffer.slice(cut.next);
      if (buffer.startsWith("\n")) {
        buffer = buffer.slice(1);
        atLineStart = true;
      }
    }
    return out;
  };

  return {
    push: (delta) => {
      buffer += delta;
      return drain(false);
    },
    flush: () => {
      const out = drain(true);
      if (pending) out.push(...withinSpeechCap(pending));
      pending = "";
      buffer = "";
      atLineStart = true;
      inCode = false;
      return out;
    },
  };
}

/** The whole reply as it is spoken: markdown to words, code blocks and rules skipped, whitespace collapsed. */
export function speechText(markdown: string): string {
  let inCode = false;
  const words: string[] = [];
  for (const line of markdown.split("\n")) {
    if (FENCE.test(line)) inCode = !inCode;
    else if (!inCode && !RULE.test(line)) words.push(stripInline(line.slice(LINE_PREFIX.exec(line)?.[0].length ?? 0)));
  }
  return normalizeSpace(words.join(" "));
}
