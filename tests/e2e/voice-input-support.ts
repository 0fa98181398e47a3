/**
 * Init scripts and probes for tests/e2e/voice-input.test.ts (docs/PROTOCOL.md
 * W115–W118): a spy on the microphone's streams, the meter's AudioContexts and
 * the page's requests; a scripted stand-in for the Web Speech API.
 */
import type { Page } from "playwright-core";

/** Watches the microphone's streams, the meter's AudioContexts and the page's requests (an init script). */
export function micSpy() {
  const streams: MediaStream[] = [];
  const contexts: AudioContext[] = [];
  const fetched: string[] = [];
  Reflect.set(window, "micSpy", { streams, contexts, fetched });
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    streams.push(stream);
    return stream;
  };
  const Context = window.AudioContext;
  window.AudioContext = class extends Context {
    constructor(options?: AudioContextOptions) {
      super(options);
      contexts.push(this);
    }
  };
  const fetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    fetched.push(`${init?.method ?? "GET"} ${typeof input === "string" ? input : input instanceof URL ? input.pathname : input.url}`);
    return fetch(input, init);
  };
}

/** The microphone's tracks' states, the meter contexts' states and the voice requests the page made. */
export const micState = (page: Page) =>
  page.evaluate(() => {
    const spy: { streams: MediaStream[]; contexts: AudioContext[]; fetched: string[] } = Reflect.get(window, "micSpy");
    return {
      tracks: spy.streams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
      contexts: spy.contexts.map((c) => c.state),
      voiceRequests: spy.fetched.filter((f) => f.includes("/voice")),
    };
  });

/** A stand-in for the Web Speech API (headless Chromium has no recognition service): hears SAID as it is told. */
export function stubRecognition() {
  const log = { starts: 0, stops: 0, aborts: 0 };
  Reflect.set(window, "recognitionLog", log);
  class FakeRecognition {
    lang = "";
    continuous = false;
    interimResults = false;
    onresult: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onend: (() => void) | null = null;
    #said = "remind me to call John tomorrow at 3pm";
    start() {
      log.starts++;
      setTimeout(() => this.onresult?.({ resultIndex: 0, results: { length: 1, 0: { isFinal: false, length: 1, 0: { transcript: "remind me to call" } } } }), 50);
    }
    stop() {
      log.stops++;
      setTimeout(() => {
        this.onresult?.({ resultIndex: 0, results: { length: 1, 0: { isFinal: true, length: 1, 0: { transcript: this.#said } } } });
        this.onend?.();
      }, 10);
    }
    abort() {
      log.aborts++;
      setTimeout(() => {
        this.onerror?.({ error: "aborted" });
        this.onend?.();
      }, 10);
    }
  }
  Object.defineProperty(window, "webkitSpeechRecognition", { value: FakeRecognition, configurable: true });
  Object.defineProperty(window, "SpeechRecognition", { value: undefined, configurable: true });
}

export function noRecognition() {
  Object.defineProperty(window, "webkitSpeechRecognition", { value: undefined, configurable: true });
  Object.defineProperty(window, "SpeechRecognition", { value: undefined, configurable: true });
}
