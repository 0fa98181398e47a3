import { describe, expect, it } from "vitest";
import { type AudioPort, Speaker, type SpeechResult, type SynthesisPort } from "../../web/lib/voice/speaker.ts";

/** Runs every pending promise callback (setImmediate comes after the microtask queue): no clock involved. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A speech request the test answers when it wants. */
type Request = { text: string; signal: AbortSignal; answer(result: SpeechResult): void };

/** An audio element that "plays" until the test ends it. */
class FakeAudio implements AudioPort {
  src = "";
  played: string[] = [];
  paused = 0;
  refuse = false;
  readonly #listeners = new Map<string, Set<() => void>>();
  play(): Promise<void> {
    if (this.refuse) return Promise.reject(new Error("NotAllowedError"));
    this.played.push(this.src);
    return Promise.resolve();
  }
  pause(): void {
    this.paused += 1;
  }
  removeAttribute(_name: "src"): void {
    this.src = "";
  }
  addEventListener(type: "ended" | "error", listener: () => void): void {
    const set = this.#listeners.get(type) ?? new Set();
    set.add(listener);
    this.#listeners.set(type, set);
  }
  removeEventListener(type: "ended" | "error", listener: () => void): void {
    this.#listeners.get(type)?.delete(listener);
  }
  /** The current clip played to its end. */
  end(): void {
    for (const l of [...(this.#listeners.get("ended") ?? [])]) l();
  }
}

class FakeSynthesis implements SynthesisPort {
  spoken: string[] = [];
  cancelled = 0;
  #done: (() => void) | null = null;
  speak(text: string, done: () => void): void {
    this.spoken.push(text);
    this.#done = done;
  }
  cancel(): void {
    this.cancelled += 1;
    this.#done?.();
  }
  end(): void {
    const done = this.#done;
    this.#done = null;
    done?.();
  }
}

function setup(options: { synthesis?: boolean } = {}) {
  const requests: Request[] = [];
  const audio = new FakeAudio();
  const synthesis = options.synthesis === false ? null : new FakeSynthesis();
  const urls = new Map<string, Blob>();
  const revoked: string[] = [];
  let n = 0;
  const speaker = new Speaker({
    fetchSpeech: (text, signal) =>
      new Promise<SpeechResult>((resolve) => {
        requests.push({ text, signal, answer: resolve });
      }),
    audio: () => audio,
    synthesis,
    objectUrl: {
      create: (blob) => {
        n += 1;
        urls.set(`blob:${n}`, blob);
        return `blob:${n}`;
      },
      revoke: (url) => void revoked.push(url),
    },
  });
  /** The text of the blob playing now. */
  const playing = async () => (await urls.get(audio.played.at(-1) ?? "")?.text()) ?? null;
  return { speaker, requests, audio, synthesis, playing, revoked };
}

const audioOf = (text: string): SpeechResult => ({ kind: "audio", blob: new Blob([text], { type: "audio/wav" }) });

describe("Web — the speaker's queue", () => {
  it("[W121] [V24] sentences play in order, one audio element, the next one fetched while the current one plays", async () => {
    const { speaker, requests, audio, playing, revoked } = setup();
    speaker.enqueue(["First sentence here.", "Second sentence here.", "Third sentence here."]);
    expect(speaker.state).toBe("speaking");
    // The one playing and the next one are requested; the third waits (no budget spent ahead).
    expect(requests.map((r) => r.text)).toEqual(["First sentence here.", "Second sentence here."]);
    // The second answers first: it still waits for the first.
    requests[1]!.answer(audioOf("two"));
    await Promise.resolve();
    expect(audio.played).toEqual([]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    expect(audio.played.length === 1).toBe(true);
    expect(await playing()).toBe("one");
    // While the first plays, only the second is fetched ahead.
    expect(requests).toHaveLength(2);
    audio.end();
    await settle();
    expect(audio.played.length === 2).toBe(true);
    expect(await playing()).toBe("two");
    expect(requests).toHaveLength(3);
    expect(revoked).toEqual(["blob:1"]);
    audio.end();
    await settle();
    expect(requests.length === 3 && audio.played.length === 2).toBe(true);
    requests[2]!.answer(audioOf("three"));
    await settle();
    expect(audio.played.length === 3).toBe(true);
    expect(await playing()).toBe("three");
    audio.end();
    await settle();
    expect(speaker.state === "idle").toBe(true);
  });

  it("[W121] sentences queued while one plays are spoken after it", async () => {
    const { speaker, requests, audio, playing } = setup();
    speaker.enqueue(["Alpha sentence one."]);
    requests[0]!.answer(audioOf("a"));
    await settle();
    expect(audio.played.length === 1).toBe(true);
    speaker.enqueue(["Beta sentence two."]);
    expect(requests.map((r) => r.text)).toEqual(["Alpha sentence one.", "Beta sentence two."]);
    requests[1]!.answer(audioOf("b"));
    await Promise.resolve();
    expect(audio.played).toHaveLength(1);
    audio.end();
    await settle();
    expect(audio.played.length === 2).toBe(true);
    expect(await playing()).toBe("b");
  });

  it("[W122] [V24] stop() aborts the fetches, pauses the audio, cancels the browser's voice, empties the queue and drops the clip", async () => {
    const { speaker, requests, audio, synthesis, revoked } = setup();
    const changes: string[] = [];
    speaker.subscribe(() => changes.push(speaker.state));
    speaker.enqueue(["One sentence to say.", "Two sentence to say.", "Three sentence to say."]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    expect(audio.played.length === 1).toBe(true);
    speaker.stop();
    expect(requests.every((r) => r.signal.aborted)).toBe(true);
    expect(audio.paused).toBe(1);
    expect(audio.src).toBe("");
    expect(synthesis!.cancelled).toBe(1);
    expect(speaker.state).toBe("idle");
    expect(changes).toEqual(["speaking", "idle"]);
    // V24: the clip that was playing is released at once, not kept for later.
    expect(revoked).toEqual(["blob:1"]);
    // Nothing of the stopped reply plays later, even when its answers arrive.
    requests[1]!.answer(audioOf("two"));
    audio.end();
    await settle();
    expect(audio.played).toHaveLength(1);
    // A new reply speaks normally after a stop.
    speaker.enqueue(["A new reply to say."]);
    const fresh = requests.at(-1)!;
    expect(fresh.text).toBe("A new reply to say.");
    expect(fresh.signal.aborted).toBe(false);
    fresh.answer(audioOf("new"));
    await settle();
    expect(audio.played.length === 2).toBe(true);
  });

  it("[V22] no server speech (501): the browser's voice reads this sentence and every later one, with no more requests", async () => {
    const { speaker, requests, synthesis, audio } = setup();
    speaker.enqueue(["Hello there my friend.", "How are you today?"]);
    requests[0]!.answer({ kind: "unavailable" });
    requests[1]!.answer({ kind: "unavailable" });
    await settle();
    expect(synthesis!.spoken.length === 1).toBe(true);
    expect(synthesis!.spoken).toEqual(["Hello there my friend."]);
    synthesis!.end();
    await settle();
    expect(synthesis!.spoken.length === 2).toBe(true);
    speaker.enqueue(["Later sentence to read."]);
    synthesis!.end();
    await settle();
    expect(synthesis!.spoken.length === 3).toBe(true);
    expect(requests).toHaveLength(2);
    expect(speaker.serverSpeech).toBe(false);
    expect(audio.played).toEqual([]);
    synthesis!.end();
    await settle();
    expect(speaker.state === "idle").toBe(true);
  });

  it("[V22] a sentence the server fails on is read by the browser; the next goes to the server again", async () => {
    const { speaker, requests, synthesis, audio } = setup();
    speaker.enqueue(["Budget ran out here.", "Next sentence is fine."]);
    requests[0]!.answer({ kind: "failed" });
    await settle();
    expect(synthesis!.spoken.length === 1).toBe(true);
    requests[1]!.answer(audioOf("fine"));
    synthesis!.end();
    await settle();
    expect(audio.played.length === 1).toBe(true);
    expect(speaker.serverSpeech).toBe(true);
  });

  it("[W121] a play the browser refuses (autoplay) skips that sentence instead of hanging the queue", async () => {
    const { speaker, requests, audio } = setup();
    audio.refuse = true;
    speaker.enqueue(["Refused sentence here.", "Allowed sentence here."]);
    requests[0]!.answer(audioOf("refused"));
    await settle();
    expect(requests.length === 2).toBe(true);
    audio.refuse = false;
    requests[1]!.answer(audioOf("allowed"));
    await settle();
    expect(audio.played.length === 1).toBe(true);
  });
});
