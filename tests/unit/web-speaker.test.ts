import { describe, expect, it } from "vitest";
import { type AudioPort, Speaker, type SpeechResult, type SynthesisPort } from "../../web/lib/voice/speaker.ts";

/** Runs every pending promise callback (setImmediate comes after the microtask queue): no clock involved. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A speech request the test answers when it wants. */
type Request = { text: string; signal: AbortSignal; answer(result: SpeechResult): void };

/** An audio element that "plays" until the test ends it. */
class FakeAudio implements AudioPort {
  src = "";
  muted = false;
  played: string[] = [];
  /** Whether each play was muted. */
  mutedPlays: boolean[] = [];
  paused = 0;
  refuse = false;
  /** When set, play() waits for the test (a Safari play of the silent clip that resolves late). */
  hold: (() => void) | null = null;
  holdPlays = false;
  readonly #listeners = new Map<string, Set<() => void>>();
  play(): Promise<void> {
    if (this.refuse) return Promise.reject(new Error("NotAllowedError"));
    this.played.push(this.src);
    this.mutedPlays.push(this.muted);
    if (this.holdPlays) return new Promise<void>((resolve) => (this.hold = resolve));
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
  let made = 0;
  const synthesis = options.synthesis === false ? null : new FakeSynthesis();
  const urls = new Map<string, Blob>();
  const revoked: string[] = [];
  let n = 0;
  const speaker = new Speaker({
    fetchSpeech: (text, signal) =>
      new Promise<SpeechResult>((resolve) => {
        requests.push({ text, signal, answer: resolve });
      }),
    audio: () => {
      made += 1;
      return audio;
    },
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
  return { speaker, requests, audio, synthesis, playing, revoked, made: () => made };
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
    expect(audio.played).toHaveLength(1);
    expect(await playing()).toBe("one");
    // While the first plays, only the second is fetched ahead.
    expect(requests).toHaveLength(2);
    audio.end();
    await settle();
    expect(audio.played).toHaveLength(2);
    expect(await playing()).toBe("two");
    expect(requests).toHaveLength(3);
    expect(revoked).toEqual(["blob:1"]);
    audio.end();
    await settle();
    expect(requests).toHaveLength(3);
    expect(audio.played).toHaveLength(2);
    requests[2]!.answer(audioOf("three"));
    await settle();
    expect(audio.played).toHaveLength(3);
    expect(await playing()).toBe("three");
    audio.end();
    await settle();
    expect(speaker.state).toBe("idle");
  });

  it("[W121] sentences queued while one plays are spoken after it", async () => {
    const { speaker, requests, audio, playing } = setup();
    speaker.enqueue(["Alpha sentence one."]);
    requests[0]!.answer(audioOf("a"));
    await settle();
    expect(audio.played).toHaveLength(1);
    speaker.enqueue(["Beta sentence two."]);
    expect(requests.map((r) => r.text)).toEqual(["Alpha sentence one.", "Beta sentence two."]);
    requests[1]!.answer(audioOf("b"));
    await Promise.resolve();
    expect(audio.played).toHaveLength(1);
    audio.end();
    await settle();
    expect(audio.played).toHaveLength(2);
    expect(await playing()).toBe("b");
  });

  it("[W122] [V24] stop() aborts the fetches, pauses the audio, cancels the browser's voice, empties the queue and drops the clip", async () => {
    const { speaker, requests, audio, synthesis, revoked } = setup();
    const changes: string[] = [];
    speaker.subscribe(() => changes.push(speaker.state));
    speaker.enqueue(["One sentence to say.", "Two sentence to say.", "Three sentence to say."]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    expect(audio.played).toHaveLength(1);
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
    expect(audio.played).toHaveLength(2);
  });

  it("[V22] no server speech (501): the browser's voice reads this sentence and every later one, with no more requests", async () => {
    const { speaker, requests, synthesis, audio } = setup();
    speaker.enqueue(["Hello there my friend.", "How are you today?"]);
    requests[0]!.answer({ kind: "unavailable" });
    requests[1]!.answer({ kind: "unavailable" });
    await settle();
    expect(synthesis!.spoken).toHaveLength(1);
    expect(synthesis!.spoken).toEqual(["Hello there my friend."]);
    synthesis!.end();
    await settle();
    expect(synthesis!.spoken).toHaveLength(2);
    speaker.enqueue(["Later sentence to read."]);
    synthesis!.end();
    await settle();
    expect(synthesis!.spoken).toHaveLength(3);
    expect(requests).toHaveLength(2);
    expect(speaker.serverSpeech).toBe(false);
    expect(audio.played).toEqual([]);
    synthesis!.end();
    await settle();
    expect(speaker.state).toBe("idle");
  });

  it("[V22] a sentence the server fails on is read by the browser; the next goes to the server again", async () => {
    const { speaker, requests, synthesis, audio } = setup();
    speaker.enqueue(["Budget ran out here.", "Next sentence is fine."]);
    requests[0]!.answer({ kind: "failed" });
    await settle();
    expect(synthesis!.spoken).toHaveLength(1);
    requests[1]!.answer(audioOf("fine"));
    synthesis!.end();
    await settle();
    expect(audio.played).toHaveLength(1);
    expect(speaker.serverSpeech).toBe(true);
  });

  it("[W121] a play the browser refuses (autoplay) is read by the browser's voice instead, and the queue goes on", async () => {
    const { speaker, requests, audio, synthesis } = setup();
    audio.refuse = true;
    speaker.enqueue(["Refused sentence here.", "Allowed sentence here."]);
    requests[0]!.answer(audioOf("refused"));
    await settle();
    expect(synthesis!.spoken).toEqual(["Refused sentence here."]);
    expect(requests).toHaveLength(2);
    audio.refuse = false;
    requests[1]!.answer(audioOf("allowed"));
    synthesis!.end();
    await settle();
    expect(audio.played).toHaveLength(1);
  });

  it("[W121] primeSpeech in the user's gesture makes the one audio element and plays silence on it muted (Safari's autoplay), then releases it", async () => {
    const { speaker, requests, audio, made, playing } = setup();
    speaker.prime();
    expect(made()).toBe(1);
    expect(audio.played).toEqual(["blob:1"]);
    expect(audio.mutedPlays).toEqual([true]);
    // A real WAV (the riff header of a short clip of silence), from a blob: URL as the page's CSP requires.
    expect((await playing())?.slice(0, 4)).toBe("RIFF");
    await settle();
    expect(audio.src).toBe("");
    expect(audio.muted).toBe(false);
    expect(audio.paused).toBe(1);
    // The reply's clip plays on that same element, unmuted.
    speaker.enqueue(["First sentence here."]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    expect(made()).toBe(1);
    expect(audio.mutedPlays).toEqual([true, false]);
    expect(await playing()).toBe("one");
    // Primed again while a clip plays: the clip is not touched.
    speaker.prime();
    expect(audio.played).toHaveLength(2);
    expect(audio.paused).toBe(1);
  });

  it("[W121] a silent prime that resolves after a clip took the element does not pause the clip", async () => {
    const { speaker, requests, audio } = setup();
    audio.holdPlays = true;
    speaker.prime();
    const silence = audio.hold!;
    audio.holdPlays = false;
    speaker.enqueue(["First sentence here."]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    expect(audio.src).toBe("blob:2");
    silence();
    await settle();
    expect(audio.paused).toBe(0);
    expect(audio.src).toBe("blob:2");
  });

  it("[W122] a speech request refused for the session (401: signed out) stops the reply: nothing is read by the browser either", async () => {
    const { speaker, requests, synthesis, audio } = setup();
    speaker.enqueue(["Old user's sentence.", "More of the old reply."]);
    requests[0]!.answer({ kind: "signed-out" });
    await settle();
    expect(synthesis!.spoken).toEqual([]);
    expect(audio.played).toEqual([]);
    expect(speaker.state).toBe("idle");
    expect(requests.every((r) => r.signal.aborted)).toBe(true);
  });

  it("[W123] between begin() and finish() the speaker stays speaking when its queue runs dry between sentences (no flicker of the pill)", async () => {
    const { speaker, requests, audio } = setup();
    const changes: string[] = [];
    speaker.subscribe(() => changes.push(speaker.state));
    speaker.begin();
    speaker.enqueue(["First sentence here."]);
    requests[0]!.answer(audioOf("one"));
    await settle();
    audio.end();
    await settle();
    expect(speaker.state).toBe("speaking");
    speaker.enqueue(["Second sentence here."]);
    requests[1]!.answer(audioOf("two"));
    await settle();
    speaker.finish();
    expect(speaker.state).toBe("speaking");
    audio.end();
    await settle();
    expect(speaker.state).toBe("idle");
    expect(changes).toEqual(["speaking", "idle"]);
    // finish() with nothing left: idle at once.
    speaker.begin();
    speaker.finish();
    expect(speaker.state).toBe("idle");
  });

  it("[W123] no server speech and no browser voice: the speaker says it is voiceless (the pill shows it) instead of going silent unnoticed", async () => {
    const { speaker, requests } = setup({ synthesis: false });
    let notified = 0;
    speaker.subscribe(() => void (notified += 1));
    speaker.begin();
    speaker.enqueue(["Hello there my friend."]);
    expect(speaker.voiceless).toBe(false);
    requests[0]!.answer({ kind: "unavailable" });
    await settle();
    expect(speaker.voiceless).toBe(true);
    expect(speaker.state).toBe("speaking");
    expect(notified).toBe(2);
    speaker.stop();
    expect(speaker.voiceless).toBe(false);
  });
});
