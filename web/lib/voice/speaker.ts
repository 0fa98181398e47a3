/**
 * W121, W122, V22: this device's voice. Sentences are spoken in the order they
 * were queued: each is synthesized by the server (`POST /api/v1/speech`) into one
 * audio element, the next one fetched while the current one plays. When the
 * server has no speech provider (501, or an older server's 404) every sentence
 * after that is read by the browser's own voice (`speechSynthesis`); a sentence the
 * server fails on (budget, provider down) is read by the browser too, so a reply
 * is never silently cut. `stop()` ends everything at once: fetches aborted, audio
 * paused, the browser's queue cancelled.
 *
 * The platform pieces come in as ports, so the queue is tested in Node
 * (tests/unit/web-speaker.test.ts) with doubles that play on command.
 */

/** What a speech request gave: audio to play, no server speech at all, or a failure for this sentence. */
export type SpeechResult = { kind: "audio"; blob: Blob } | { kind: "unavailable" } | { kind: "failed" } | { kind: "signed-out" };

/** The one `<audio>` element the speaker plays through (an `HTMLAudioElement` in the browser). */
export type AudioPort = {
  src: string;
  muted: boolean;
  play(): Promise<void>;
  pause(): void;
  removeAttribute(name: "src"): void;
  addEventListener(type: "ended" | "error", listener: () => void): void;
  removeEventListener(type: "ended" | "error", listener: () => void): void;
};

/** The browser's speech synthesis, reduced to what the speaker uses. */
export type SynthesisPort = {
  /** Speaks one sentence; calls `done` when it ended or failed. */
  speak(text: string, done: () => void): void;
  cancel(): void;
};

export type SpeakerPorts = {
  fetchSpeech(text: string, signal: AbortSignal): Promise<SpeechResult>;
  audio(): AudioPort;
  /** Null when this browser has no speech synthesis. */
  synthesis: SynthesisPort | null;
  objectUrl: { create(blob: Blob): string; revoke(url: string): void };
};

export type SpeakerState = "idle" | "speaking";

type Item = { text: string; result: Promise<SpeechResult> | null };

/**
 * W121 (Safari, iOS): audio may only start from a user's gesture, so the one element is
 * created and unlocked by playing this silent clip muted during the tap that sends:
 * 0.1 s of 8 kHz 8-bit mono WAV (a clip of one sample ends before browsers report it playing).
 * Played from a blob: URL — the page's CSP allows media from 'self' and blob: only.
 */
export function silentWav(samples = 800): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(44 + samples).fill(0x80);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 8000, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, "data");
  view.setUint32(40, samples, true);
  return bytes;
}

/** How many sentences are synthesized ahead of the one playing (the next one: speech without gaps, no wasted budget on a stop). */
const PREFETCH = 1;

export class Speaker {
  readonly #ports: SpeakerPorts;
  #queue: Item[] = [];
  #abort = new AbortController();
  /** Bumped by `stop()`: a playback loop of an older generation ends at its next step. */
  #generation = 0;
  #running = false;
  /** Set once the server said it has no speech: the browser's voice from then on. */
  #serverSpeech = true;
  #audio: AudioPort | null = null;
  /** Ends the sentence playing now (its listeners removed, its URL revoked). */
  #endCurrent: (() => void) | null = null;
  #state: SpeakerState = "idle";
  /** The silent clip's URL, made once and kept (a few hundred bytes). */
  #silence: string | null = null;
  /** W120: a reply is still streaming: an empty queue between its sentences is not the end (the pill stays). */
  #open = false;
  /** W123: a sentence had no voice to read it (no server speech, no `speechSynthesis`): the pill says so. */
  #voiceless = false;
  readonly #listeners = new Set<() => void>();

  constructor(ports: SpeakerPorts) {
    this.#ports = ports;
  }

  get state(): SpeakerState {
    return this.#state;
  }

  /** Whether the server's speech is still in use (false after a 501: the browser speaks). */
  get serverSpeech(): boolean {
    return this.#serverSpeech;
  }

  /** Whether a sentence found no voice at all (the server's and the browser's both missing). */
  get voiceless(): boolean {
    return this.#voiceless;
  }

  /**
   * Safari's autoplay rule: called inside the user's gesture (Send, Enter, the mic press), it makes
   * the one audio element and plays silence on it, muted, so the reply's clips may play later.
   * While a clip plays the element is already unlocked: nothing is touched.
   */
  prime(): void {
    if (this.#endCurrent) return;
    const audio = (this.#audio ??= this.#ports.audio());
    const silence = (this.#silence ??= this.#ports.objectUrl.create(new Blob([silentWav()], { type: "audio/wav" })));
    audio.muted = true;
    audio.src = silence;
    const restore = () => {
      // A reply's clip may have taken the element meanwhile: only the silence is stopped.
      if (audio.src !== silence) return;
      audio.pause();
      audio.removeAttribute("src");
      audio.muted = false;
    };
    audio.play().then(restore, restore);
  }

  /** A reply starts streaming: the speaker stays "speaking" until `finish()`, even when its queue runs dry between sentences. */
  begin(): void {
    this.#open = true;
  }

  /** The reply streamed to its end (its last sentences queued): idle once they are spoken. */
  finish(): void {
    this.#open = false;
    if (!this.#running && this.#queue.length === 0) this.#setState("idle");
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Queues sentences, spoken after those already queued. */
  enqueue(sentences: readonly string[]): void {
    for (const text of sentences) if (text.trim()) this.#queue.push({ text, result: null });
    if (this.#queue.length === 0) return;
    this.#prefetch();
    this.#setState("speaking");
    if (!this.#running) void this.#run(this.#generation);
  }

  /** W122: stops now — the queue emptied, fetches aborted, audio paused, the browser's voice cancelled. */
  stop(): void {
    this.#generation += 1;
    this.#queue = [];
    this.#abort.abort();
    this.#abort = new AbortController();
    if (this.#audio) {
      this.#audio.pause();
      this.#audio.removeAttribute("src");
    }
    this.#endCurrent?.();
    this.#ports.synthesis?.cancel();
    this.#running = false;
    this.#open = false;
    this.#voiceless = false;
    this.#setState("idle");
  }

  #setState(state: SpeakerState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Starts the server requests of the sentence to play and the next PREFETCH ones. */
  #prefetch(): void {
    for (const item of this.#queue.slice(0, 1 + PREFETCH)) {
      if (item.result || !this.#serverSpeech) continue;
      const signal = this.#abort.signal;
      item.result = this.#ports.fetchSpeech(item.text, signal).catch((): SpeechResult => ({ kind: "failed" }));
    }
  }

  async #run(generation: number): Promise<void> {
    this.#running = true;
    while (generation === this.#generation && this.#queue.length > 0) {
      const item = this.#queue[0];
      if (!item) break;
      this.#prefetch();
      const result: SpeechResult = item.result ? await item.result : { kind: "unavailable" };
      if (generation !== this.#generation) return;
      // W122: the session ended (signed out): nothing more of this reply, not even by the browser's voice.
      if (result.kind === "signed-out") return this.stop();
      if (result.kind === "unavailable") this.#serverSpeech = false;
      // A clip the browser refuses to play (autoplay) is read by its own voice instead of being skipped.
      const played = result.kind === "audio" && (await this.#play(result.blob, generation));
      if (generation !== this.#generation) return;
      if (!played) await this.#speakInBrowser(item.text);
      if (generation !== this.#generation) return;
      this.#queue.shift();
    }
    this.#running = false;
    if (!this.#open) this.#setState("idle");
  }

  /** Plays one clip to its end (true), or false when the browser refused to play it. */
  #play(blob: Blob, generation: number): Promise<boolean> {
    const audio = (this.#audio ??= this.#ports.audio());
    const url = this.#ports.objectUrl.create(blob);
    return new Promise<boolean>((resolve) => {
      const end = (played: boolean) => {
        this.#endCurrent = null;
        audio.removeEventListener("ended", done);
        audio.removeEventListener("error", done);
        this.#ports.objectUrl.revoke(url);
        resolve(played);
      };
      const done = () => end(true);
      this.#endCurrent = done;
      audio.addEventListener("ended", done);
      audio.addEventListener("error", done);
      audio.muted = false;
      audio.src = url;
      // A refused play (autoplay policy): this sentence goes to the browser's voice; the next clip tries again.
      audio.play().catch(() => (generation === this.#generation ? end(false) : undefined));
    });
  }

  #speakInBrowser(text: string): Promise<void> {
    const synthesis = this.#ports.synthesis;
    if (!synthesis) {
      if (!this.#voiceless) {
        this.#voiceless = true;
        for (const listener of [...this.#listeners]) listener();
      }
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => synthesis.speak(text, resolve));
  }
}

/** The page's speaker for `primeSpeech` (spoken-replies.ts registers it: made on first use). */
let primed: (() => Speaker) | null = null;

export function setPrimeTarget(speaker: () => Speaker): void {
  primed = speaker;
}

/**
 * W121: call inside a user's gesture that will be answered aloud (Send, Enter in the composer,
 * the mic press): unlocks the reply's audio element for Safari's autoplay rule.
 */
export function primeSpeech(): void {
  primed?.().prime();
}
