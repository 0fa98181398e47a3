import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { replaceText } from "../../shared/doc-schema.ts";
import { textEdit } from "../../shared/text-diff.ts";
import { seededRng } from "../support/random.ts";

/**
 * Pieces of text people type. Several emoji share their high surrogate
 * (😀 😁 🙂 👍 all start with U+D83D), which is what makes a diff by UTF-16
 * unit split them; the rest are clusters of several code points.
 */
const ATOMS = [
  "a", "b", " ", "\n", "ok", "é",
  "😀", "😁", "🙂", "👍", "👍🏽", "👍🏿", // one code point; with a skin tone
  "👨‍👩‍👧", "👨‍👩‍👦", "👩‍💻", "🏳️‍🌈", // ZWJ sequences
  "🇫🇷", "🇫🇮", "🇩🇪", // flags: regional indicator pairs
  "e\u0301", "e\u0301\u0323", "a\u0308", // combining marks
  "漢", "字", "日本語", "한", "\u1100\u1161\u11A8", // CJK, a Hangul syllable, the same in jamo
  "𠀋", "𩸽", // CJK outside the BMP (surrogate pairs)
] as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const isBoundary = (text: string, i: number) => i === 0 || i === text.length || graphemes.segment(text).containing(i)?.index === i;

describe("Text — the smallest edit, on character boundaries (D13)", () => {
  it("[D17] 😀 → 😁 is one whole emoji replaced, not its second UTF-16 unit", () => {
    expect(textEdit("mood: 😀 ok", "mood: 😁 ok")).toEqual({ index: 6, remove: 2, insert: "😁" });
    expect(textEdit("👍", "👍🏽")).toEqual({ index: 0, remove: 2, insert: "👍🏽" });
    expect(textEdit("same", "same")).toBeNull();
  });

  it("[D17][G1] seeded: random edits of emoji, ZWJ sequences, flags, combining marks and CJK reach the target in a Y.Text, never hold a lone surrogate, and survive a reload", () => {
    const rng = seededRng("text diff");
    const word = (n: number) => Array.from({ length: n }, () => rng.pick(ATOMS)).join("");
    /** A new text from `prev`: an atom replaced, inserted or deleted somewhere, at an atom boundary of the generator. */
    const mutate = (atoms: string[]): string[] => {
      const next: string[] = [...atoms];
      const at = rng.int(next.length + 1);
      const roll = rng.int(4);
      if (roll === 0 || next.length === 0) next.splice(at, 0, ...Array.from({ length: 1 + rng.int(3) }, () => rng.pick(ATOMS)));
      else if (roll === 1) next.splice(Math.min(at, next.length - 1), 1 + rng.int(2));
      else next[Math.min(at, next.length - 1)] = rng.pick(ATOMS);
      return next;
    };
    let edits = 0;
    let unitsMoved = 0;
    const texts = 300;
    for (let n = 0; n < texts; n++) {
      const doc = new Y.Doc();
      const text = doc.getText("body");
      let atoms: string[] = Array.from({ length: 1 + rng.int(12) }, () => rng.pick(ATOMS));
      text.insert(0, atoms.join(""));
      const fail = (step: number, detail: string) => `seed ${rng.seed}, text ${n}, step ${step}: ${detail}`;
      for (let step = 0; step < 15; step++) {
        const prev = text.toString();
        atoms = mutate(atoms);
        // Sometimes a whole new text, so prefix and suffix share surrogates by chance too.
        const next = rng.int(8) === 0 ? word(rng.int(10)) : atoms.join("");
        if (next !== atoms.join("")) atoms = [...next];
        const edit = textEdit(prev, next);
        if (edit) {
          expect(isBoundary(prev, edit.index) && isBoundary(prev, edit.index + edit.remove), fail(step, "edit ends inside a cluster of the old text")).toBe(true);
          expect(isBoundary(next, edit.index + edit.insert.length), fail(step, "edit ends inside a cluster of the new text")).toBe(true);
          unitsMoved += edit.remove + edit.insert.length;
          edits++;
        }
        replaceText(text, next);
        expect(text.toString(), fail(step, `${JSON.stringify(prev)} → ${JSON.stringify(next)}`)).toBe(next);
        expect(LONE_SURROGATE.test(text.toString()), fail(step, "lone surrogate in the Y.Text")).toBe(false);
        // A restart: the document is encoded (UTF-8) and read back.
        const reloaded = new Y.Doc();
        Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
        expect(reloaded.getText("body").toString(), fail(step, "after reload")).toBe(next);
      }
    }
    console.log(`[D17] ${texts} texts, ${edits} edits, ${unitsMoved} UTF-16 units deleted or inserted, 0 corrupted`);
    expect(edits).toBeGreaterThan(texts * 10);
  });

  it("[D17] an edit stays local: text typed concurrently before and after it survives the merge", () => {
    const a = new Y.Doc();
    a.getText("body").insert(0, "start 🙂 middle 😀 end");
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    replaceText(a.getText("body"), "start 🙂 middle 😁 end");
    b.getText("body").insert(0, ">> ");
    b.getText("body").insert(b.getText("body").length, " <<");
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText("body").toString()).toBe(">> start 🙂 middle 😁 end <<");
    expect(b.getText("body").toString()).toBe(a.getText("body").toString());
  });
});
