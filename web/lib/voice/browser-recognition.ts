/**
 * The browser's own speech recognition (docs/PROTOCOL.md W118): used only when
 * the server has no speech-to-text provider (V18's `transcription: null`).
 * What it hears so far is shown as it comes (interim results); the final text
 * is sent as the user's message with `channel: "voice"`. Its errors are
 * explained in words with the fix. Nothing here invents a transcript: no
 * recognition, no message.
 */

/** The part of the Web Speech API's SpeechRecognition this app uses (Chrome names it `webkitSpeechRecognition`). */
type RecognitionAlternative = { readonly transcript: string };
type RecognitionResult = { readonly isFinal: boolean; readonly length: number; readonly [index: number]: RecognitionAlternative | undefined };
type RecognitionResultList = { readonly length: number; readonly [index: number]: RecognitionResult | undefined };
export type RecognitionResultEvent = { readonly resultIndex: number; readonly results: RecognitionResultList };
export type RecognitionErrorEvent = { readonly error: string };
export type Recognition = {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  onresult: ((event: RecognitionResultEvent) => void) | null;
  onerror: ((event: RecognitionErrorEvent) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
};
type RecognitionConstructor = new () => Recognition;

/** The constructor this browser has, or null. */
export function recognitionConstructor(scope: object = globalThis): RecognitionConstructor | null {
  const found: unknown = Reflect.get(scope, "SpeechRecognition") ?? Reflect.get(scope, "webkitSpeechRecognition");
  // A browser global, not wire data: its shape is the Web Speech API's (checked above to be a constructor).
  return typeof found === "function" ? (found as RecognitionConstructor) : null;
}

/** W118: each error code of the Web Speech API in words, with what to do. */
export function recognitionErrorText(code: string): string {
  switch (code) {
    case "not-allowed":
    case "service-not-allowed":
      return "Microphone access is blocked for this site, so your browser cannot listen. Allow the microphone in the browser's site settings, then try again.";
    case "network":
      return "Your browser's speech recognition runs on an online service it could not reach. Check your connection, or type instead.";
    case "no-speech":
      return "No speech was heard. Hold the microphone button, speak, then let go.";
    case "audio-capture":
      return "No microphone was found. Connect one, then try again.";
    case "language-not-supported":
      return "Your browser's speech recognition does not support this language. Type instead.";
    default:
      return "Your browser's speech recognition stopped with an error. Try again, or type instead.";
  }
}

export type Listening = {
  /** Ends listening: what was heard is given to `onFinal` (once recognition ends). */
  stop(): void;
  /** Ends listening and drops what was heard. */
  cancel(): void;
};

export type ListenHandlers = {
  /** What is heard so far (final parts and the interim guess), as it changes. */
  onInterim(text: string): void;
  /** The final text when listening ends; empty when nothing was recognized. */
  onFinal(text: string): void;
  onError(message: string, code: string): void;
};

/**
 * Starts the browser's recognition in the page's language. `continuous`, so
 * a hold is heard to its end (the user decides when it stops); the final
 * parts are joined when it ends.
 */
export function listen(Constructor: RecognitionConstructor, handlers: ListenHandlers, lang = navigator.language): Listening {
  const recognition = new Constructor();
  recognition.lang = lang;
  recognition.continuous = true;
  recognition.interimResults = true;
  const finals: string[] = [];
  let cancelled = false;
  let failed = false;
  recognition.onresult = (event) => {
    let interim = "";
    for (let i = event.resultIndex; i < event.results.length; i++) {
      const result = event.results[i];
      const text = result?.[0]?.transcript ?? "";
      if (result?.isFinal) finals[i] = text.trim();
      else interim += text;
    }
    handlers.onInterim([...finals.filter(Boolean), interim.trim()].filter(Boolean).join(" "));
  };
  recognition.onerror = (event) => {
    // "aborted" is our own cancel.
    if (event.error === "aborted" || cancelled) return;
    failed = true;
    handlers.onError(recognitionErrorText(event.error), event.error);
  };
  recognition.onend = () => {
    if (cancelled || failed) return;
    handlers.onFinal(finals.filter(Boolean).join(" ").trim());
  };
  recognition.start();
  return {
    stop: () => recognition.stop(),
    cancel: () => {
      cancelled = true;
      recognition.abort();
    },
  };
}
