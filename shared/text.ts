/**
 * Text a person could have typed (docs/PROTOCOL.md D15, D16). Every string a
 * client or the assistant writes — titles, tags, memory keys and values, note
 * titles and bodies, message text — passes one of two zod checks:
 *
 * - `plainText`: well-formed UTF-16 (no lone surrogate: Yjs and SQLite both
 *   store UTF-8, where half an emoji becomes "�", so what was acknowledged
 *   would not be what comes back) and no C0 control character except tab,
 *   line feed and carriage return (NUL and friends break terminals, logs and
 *   C-string consumers, and no keyboard types them);
 * - `titleText`: the same, and a title that is not blank must show something:
 *   only zero-width, format or filler characters (U+200B, U+2060, U+FEFF,
 *   U+3164…) make an entry that looks empty or can pass for another.
 */
import { z } from "zod";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 controls other than \t (U+0009), \n (U+000A) and \r (U+000D). */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const CONTROL = new RegExp(CONTROL_CHARS.source);
export const hasControl = (text: string) => CONTROL.test(text);
/** A character that draws something: not whitespace, a control, a default-ignorable (zero-width, format, filler) or the blank braille cell. */
const VISIBLE = /[^\s\p{Cc}\p{Default_Ignorable_Code_Point}\u2800]/u;

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** Printable ASCII with tab and line breaks: most text, and nothing in it can be wrong (a fast path for the checks below). */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

/** What is wrong with `text` as stored text, or null (D15). */
export function textProblem(text: string): string | null {
  if (PLAIN_ASCII.test(text)) return null;
  const lone = LONE_SURROGATE.exec(text);
  if (lone) return `contains a lone surrogate (${hex(lone[0].charCodeAt(0))}) at ${lone.index}: half of a character`;
  const control = CONTROL.exec(text);
  if (control) return `contains the control character ${hex(control[0].charCodeAt(0))} at ${control.index}`;
  return null;
}

/** What is wrong with `text` as a title, or null (D15, D16). Blank ("" or spaces) is for the field's own min length to judge. */
export function titleProblem(text: string): string | null {
  // Non-blank printable ASCII always shows a character.
  if (PLAIN_ASCII.test(text)) return null;
  const problem = textProblem(text);
  if (problem) return problem;
  if (text.trim() !== "" && !VISIBLE.test(text)) return "has only invisible characters (zero-width, format or filler)";
  return null;
}

const check = (problemOf: (text: string) => string | null) =>
  z.superRefine<string>((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== null) ctx.addIssue({ code: "custom", message: `text ${problem}`, input: text });
  });

/** D15: `z.string().max(n).check(plainText)`. */
export const plainText = check(textProblem);
/** D15, D16: for titles, tags, memory keys, plan items. */
export const titleText = check(titleProblem);

/** The first `max` UTF-16 units of `text`, one less when the cut would split a surrogate pair (for inputs with a length cap). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
