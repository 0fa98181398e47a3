import { describe, expect, it } from "vitest";
import { normalizeSpace, sentenceSplitter, speechText, withinSpeechCap } from "../../shared/speech-sentences.ts";
import { SPEECH_MAX_CHARS, SpeechRequestSchema } from "../../shared/voice.ts";
import { type Rng, seededRng } from "../support/random.ts";

/** The sentences of `text` fed in the given chunks, then flushed. */
function split(chunks: readonly string[]): string[] {
  const splitter = sentenceSplitter();
  const out = chunks.flatMap((c) => splitter.push(c));
  return [...out, ...splitter.flush()];
}
const whole = (text: string) => split([text]);

/** Each character its own chunk: the hardest streaming. */
const byChar = (text: string) => split([...text]);

describe("Voice — sentence splitting for speech", () => {
  it("[V21] cuts at . ! ? … followed by a space, and emits a sentence as soon as the next one starts", () => {
    const splitter = sentenceSplitter();
    expect(splitter.push("I created the task. Want me")).toEqual(["I created the task."]);
    expect(splitter.push(" to add a reminder? Sure thing")).toEqual(["Want me to add a reminder?"]);
    expect(splitter.push("… and more.")).toEqual([]);
    expect(splitter.flush()).toEqual(["Sure thing… and more."]);
  });

  it("[V21] never cuts inside decimals, times, abbreviations, URLs or emails", () => {
    expect(whole("It costs 3.5 dollars today. Call at 3 p.m. tomorrow or at 10:30 tonight, please.")).toEqual([
      "It costs 3.5 dollars today.",
      "Call at 3 p.m. tomorrow or at 10:30 tonight, please.",
    ]);
    expect(whole("Bring snacks, e.g. fruit, i.e. apples, etc. for the team. Then rest.")).toEqual(["Bring snacks, e.g. fruit, i.e. apples, etc. for the team.", "Then rest."]);
    expect(whole("Meet Dr. Smith and Mrs. Jones on Main St. today. It is cats vs. dogs again.")).toEqual([
      "Meet Dr. Smith and Mrs. Jones on Main St. today.",
      "It is cats vs. dogs again.",
    ]);
    expect(whole("Please see https://example.com/a.b?c=1. Mail john.doe@example.co.uk now.")).toEqual(["Please see https://example.com/a.b?c=1.", "Mail john.doe@example.co.uk now."]);
    expect(whole("Well... maybe later. Wait… what happened here?")).toEqual(["Well... maybe later.", "Wait… what happened here?"]);
  });

  it("[V21] a line break between paragraphs or list items ends a sentence", () => {
    expect(whole("Here is your day:\n\n- Call John at 3pm\n- Write the report today\n\nAnything else for now?")).toEqual([
      "Here is your day:",
      "Call John at 3pm",
      "Write the report today",
      "Anything else for now?",
    ]);
  });

  it("[V21] strips markdown for speech: emphasis, headings, bullets, links; code spans kept as words; code blocks skipped", () => {
    const reply = "## Your plan today\n\n1. **Call** _John_ about [the contract](https://x.test/c).\n2. Run `npm test` before lunch.\n\n```ts\nconst x = 1. + 2;\n```\nThat is all for today.";
    expect(whole(reply)).toEqual(["Your plan today", "Call John about the contract.", "Run npm test before lunch.", "That is all for today."]);
    expect(speechText(reply)).toBe("Your plan today Call John about the contract. Run npm test before lunch. That is all for today.");
  });

  it("[V21] a sentence of one or two words is joined to the next, so speech does not stutter", () => {
    expect(whole("Done. I created the task Call John. Sure! Anything else I can do?")).toEqual(["Done. I created the task Call John.", "Sure! Anything else I can do?"]);
    expect(whole("Okay.")).toEqual(["Okay."]);
  });

  it("[V21] a very long sentence is cut at a comma past 200 characters", () => {
    const long = `${"word ".repeat(45)}first part, ${"more ".repeat(10)}second part, and the end.`;
    const out = whole(long);
    expect(out).toHaveLength(2);
    expect(out[0]!.length).toBeGreaterThan(200);
    expect(out[0]!.endsWith("first part,")).toBe(true);
    expect(out[1]).toBe(normalizeSpace(`${"more ".repeat(10)}second part, and the end.`));
  });

  it("[V23] no sentence is longer than one speech request takes: cut at a space, or mid-word without one", () => {
    const endless = `${"blah ".repeat(600)}end.`;
    const out = whole(endless);
    expect(out.length).toBeGreaterThan(1);
    for (const sentence of out) {
      expect(sentence.length).toBeLessThanOrEqual(SPEECH_MAX_CHARS);
      expect(SpeechRequestSchema.safeParse({ text: sentence }).success).toBe(true);
    }
    expect(normalizeSpace(out.join(" "))).toBe(normalizeSpace(endless));
    expect(withinSpeechCap("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    expect(withinSpeechCap("ab cd ef", 5)).toEqual(["ab cd", "ef"]);
  });

  it("[V21] a cut waits for what decides it: the first letter after the period", () => {
    const splitter = sentenceSplitter();
    expect(splitter.push("Call at 3 p.m.")).toEqual([]);
    expect(splitter.push(" ")).toEqual([]);
    expect(splitter.push("tomorrow. Then")).toEqual(["Call at 3 p.m. tomorrow."]);
  });

  it("[V21] character-by-character streaming gives the same sentences as the whole text", () => {
    for (const reply of FIXED) expect(byChar(reply), reply).toEqual(whole(reply));
  });

  it("[V21] property (seeded): for random replies and random chunkings, the sentences join to the spoken text and never depend on the chunking", () => {
    const rng = seededRng("speech-sentences");
    for (let run = 0; run < 300; run += 1) {
      const reply = randomReply(rng);
      const reference = whole(reply);
      expect(normalizeSpace(reference.join(" ")), `seed ${rng.seed} run ${run}: ${JSON.stringify(reply)}`).toBe(speechText(reply));
      for (let c = 0; c < 4; c += 1) {
        const chunks = randomChunks(rng, reply);
        expect(split(chunks), `seed ${rng.seed} run ${run} chunks ${JSON.stringify(chunks)}`).toEqual(reference);
      }
      for (const sentence of reference) {
        expect(sentence).toBe(normalizeSpace(sentence));
        expect(sentence.length).toBeLessThanOrEqual(SPEECH_MAX_CHARS);
      }
    }
  });
});

const FIXED = [
  "I created the task **Call John** for tomorrow at 3 p.m. Want a reminder?",
  "# Plan\n\n- [Doc](https://a.test/x.y). Read it.\n- `x.y()` runs. Done!\n\n```\nskip. me.\n```\nBye now, friend.",
  "Prices: 3.50, 4.25 and 10.00 dollars. Meet Mr. Brown at 10:30 a.m. Then lunch.",
];

const WORDS = ["call", "John", "the", "report", "meeting", "tomorrow", "today", "at", "3pm", "3.5", "10:30", "p.m.", "e.g.", "Dr.", "vs.", "etc.", "https://ex.test/a.b", "jo.doe@mail.test", "wait…", "**bold**", "_it_", "`npm test`", "[link](https://l.test/p.q)", "Anna", "ok"];
const ENDS = [".", "!", "?", "…", "...", "", ","];

function randomSentence(rng: Rng): string {
  const n = 1 + rng.int(12);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  const first = words[0] ?? "ok";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(" ") + rng.pick(ENDS);
}

function randomReply(rng: Rng): string {
  const lines: string[] = [];
  const count = 1 + rng.int(6);
  for (let l = 0; l < count; l += 1) {
    const kind = rng.int(8);
    const body = Array.from({ length: 1 + rng.int(4) }, () => randomSentence(rng)).join(rng.pick([" ", "  ", " "]));
    if (kind === 0) lines.push(`## ${randomSentence(rng)}`);
    else if (kind === 1) lines.push(`- ${body}`);
    else if (kind === 2) lines.push(`${1 + rng.int(9)}. ${body}`);
    else if (kind === 3) lines.push("```js\nconst a = 1. + b; // skip. me.\n```");
    else if (kind === 4) lines.push("");
    else if (kind === 5) lines.push(`> ${body}`);
    else lines.push(body);
  }
  return lines.join("\n");
}

function randomChunks(rng: Rng, text: string): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    const size = 1 + rng.int(rng.next() < 0.5 ? 3 : 25);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}
