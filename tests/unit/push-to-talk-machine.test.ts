/**
 * Push-to-talk's state machine (docs/PROTOCOL.md W115–W118) with its world
 * injected: a microphone whose permission prompt resolves when the test says,
 * an upload the test answers (or never answers), the browser's recognition
 * scripted, timers run by hand and a fixed clock. No sleeps.
 */
import { describe, expect, it } from "vitest";
import { VOICE_MAX_SECONDS } from "../../shared/voice.ts";
import type { ListenHandlers, Listening } from "../../web/lib/voice/browser-recognition.ts";
import { type MachineDeps, OFFLINE_NOTICE, PushToTalkMachine, RECOGNITION_END_MS, TAP_MS, type UploadRequest, type VoicePath } from "../../web/lib/voice/push-to-talk-machine.ts";
import { type Clip, MicError, type Recording } from "../../web/lib/voice/recorder.ts";

type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void };
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

class FakeRecording implements Recording {
  readonly type = "audio/webm;codecs=opus";
  cancelled = 0;
  stopped = 0;
  level = () => 0.5;
  stop(): Promise<Clip> {
    this.stopped++;
    return Promise.resolve({ blob: new Blob([new Uint8Array(100)], { type: "audio/webm" }), mediaType: "audio/webm", seconds: 3 });
  }
  cancel(): void {
    this.cancelled++;
  }
}

/** Settles every pending promise continuation (the machine's awaits). */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function world(options: { path?: VoicePath; review?: boolean } = {}) {
  const mics: Deferred<Recording>[] = [];
  const uploads: { blob: Blob; request: UploadRequest; answer: Deferred<string> }[] = [];
  const timers: { run: () => void; ms: number; cleared: boolean }[] = [];
  const sent: string[] = [];
  const composed: string[] = [];
  const listens: { handlers: ListenHandlers; stopped: number; cancelled: number }[] = [];
  let now = 1000;
  let spoken = 0;
  const deps: MachineDeps = {
    path: () => options.path ?? { via: "server" },
    conversationId: () => "c1",
    review: () => options.review ?? false,
    startRecording: () => {
      const mic = deferred<Recording>();
      mics.push(mic);
      return mic.promise;
    },
    upload: (blob, request) => {
      const answer = deferred<string>();
      uploads.push({ blob, request, answer });
      request.signal.addEventListener("abort", () => answer.reject(new DOMException("aborted", "AbortError")));
      return answer.promise;
    },
    listen: (handlers) => {
      const entry = { handlers, stopped: 0, cancelled: 0 };
      listens.push(entry);
      const listening: Listening = { stop: () => void entry.stopped++, cancel: () => void entry.cancelled++ };
      return listening;
    },
    send: (text) => void sent.push(text),
    toComposer: (text) => void composed.push(text),
    stopSpeaking: () => void spoken++,
    now: () => now,
    later: (run, ms) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return () => void (timer.cleared = true);
    },
    newKey: () => `k${uploads.length + 1}`,
    serverMessage: (error) => (error instanceof Error && error.name === "ApiError" ? error.message : null),
  };
  const machine = new PushToTalkMachine(deps);
  return {
    machine,
    mics,
    uploads,
    timers,
    sent,
    composed,
    listens,
    advance: (ms: number) => void (now += ms),
    fire: (ms: number) => {
      for (const t of timers.filter((x) => x.ms === ms && !x.cleared)) {
        t.cleared = true;
        t.run();
      }
    },
    spoken: () => spoken,
  };
}

describe("Push-to-talk — the machine", () => {
  it("[W115] hold, let go after a hold: the clip is uploaded once with the thread and a voice- key; back to idle on 202", async () => {
    const w = world();
    void w.machine.press("hold");
    expect(w.machine.state.phase.kind).toBe("starting");
    expect(w.spoken()).toBe(1);
    const rec = new FakeRecording();
    w.mics[0]!.resolve(rec);
    await flush();
    expect(w.machine.state.phase).toMatchObject({ kind: "recording", via: "server", mode: "hold" });
    w.advance(3000);
    w.machine.release(3000);
    await flush();
    expect(w.machine.state.phase.kind).toBe("finishing");
    expect(w.uploads).toHaveLength(1);
    expect(w.uploads[0]!.request).toMatchObject({ conversationId: "c1", review: false, idempotencyKey: "voice-k1" });
    w.uploads[0]!.answer.resolve("job-1");
    await flush();
    expect(w.machine.state.phase.kind).toBe("idle");
    expect(w.machine.state.pending).toBeNull();
  });

  it("[W115] a tap while the microphone is still opening becomes a toggle: the next press sends", async () => {
    const w = world();
    void w.machine.press("hold");
    w.machine.release(100);
    w.mics[0]!.resolve(new FakeRecording());
    await flush();
    expect(w.machine.state.phase).toMatchObject({ kind: "recording", mode: "toggle" });
    void w.machine.press("hold");
    await flush();
    expect(w.uploads).toHaveLength(1);
  });

  it("[W115] cancel while the microphone is still opening: the mic is closed the moment it opens; nothing uploaded", async () => {
    const w = world();
    void w.machine.press("hold");
    w.machine.cancel();
    expect(w.machine.state.phase.kind).toBe("idle");
    const rec = new FakeRecording();
    w.mics[0]!.resolve(rec);
    await flush();
    expect(rec.cancelled).toBe(1);
    expect(w.machine.state.phase.kind).toBe("idle");
    expect(w.uploads).toHaveLength(0);
  });

  it("[W115] the view left while the permission prompt is open: the mic that opens later is closed at once", async () => {
    const w = world();
    void w.machine.press("hold");
    w.machine.dispose();
    const rec = new FakeRecording();
    w.mics[0]!.resolve(rec);
    await flush();
    expect(rec.cancelled).toBe(1);
    expect(w.machine.state.phase.kind).not.toBe("recording");
    expect(w.uploads).toHaveLength(0);
  });

  it("[W115] the view left while recording drops it; left while sending, the complete clip is still sent (never cancelled half-way)", async () => {
    const w = world();
    void w.machine.press("toggle");
    const rec = new FakeRecording();
    w.mics[0]!.resolve(rec);
    await flush();
    w.machine.dispose();
    expect(rec.cancelled).toBe(1);

    const v = world();
    void v.machine.press("toggle");
    const rec2 = new FakeRecording();
    v.mics[0]!.resolve(rec2);
    await flush();
    void v.machine.finish();
    v.machine.dispose();
    await flush();
    expect(rec2.cancelled).toBe(0);
    expect(v.uploads).toHaveLength(1);
  });

  it("[W115] Space is hold-only: a short Space cancels (a stray press never starts a hands-free recording); a short click toggles", async () => {
    const w = world();
    void w.machine.press("hold");
    const rec = new FakeRecording();
    w.mics[0]!.resolve(rec);
    await flush();
    w.machine.release(TAP_MS - 1, { holdOnly: true });
    expect(w.machine.state.phase.kind).toBe("idle");
    expect(rec.cancelled).toBe(1);
    // Short Space while the mic is still opening: the mic is closed when it opens.
    void w.machine.press("hold");
    w.machine.release(50, { holdOnly: true });
    const rec2 = new FakeRecording();
    w.mics[1]!.resolve(rec2);
    await flush();
    expect(rec2.cancelled).toBe(1);
    expect(w.machine.state.phase.kind).toBe("idle");
    // The pointer: a short press toggles.
    void w.machine.press("hold");
    w.mics[2]!.resolve(new FakeRecording());
    await flush();
    w.machine.release(TAP_MS - 1);
    expect(w.machine.state.phase).toMatchObject({ kind: "recording", mode: "toggle" });
    expect(w.uploads).toHaveLength(0);
  });

  it("[W116] a hung upload: Cancel aborts it and gives the button back", async () => {
    const w = world();
    void w.machine.press("toggle");
    w.mics[0]!.resolve(new FakeRecording());
    await flush();
    void w.machine.finish();
    await flush();
    expect(w.machine.state.phase.kind).toBe("finishing");
    w.machine.cancel();
    expect(w.uploads[0]!.request.signal.aborted).toBe(true);
    expect(w.machine.state.phase.kind).toBe("idle");
    await flush();
    expect(w.machine.state.notice).toBeNull();
    void w.machine.press("hold");
    expect(w.machine.state.phase.kind).toBe("starting");
  });

  it("[W116] offline: the clip is kept; Retry sends it with the SAME key; a server refusal is said as a sentence and not kept", async () => {
    const w = world();
    void w.machine.press("toggle");
    w.mics[0]!.resolve(new FakeRecording());
    await flush();
    void w.machine.finish();
    await flush();
    w.uploads[0]!.answer.reject(new TypeError("Failed to fetch"));
    await flush();
    expect(w.machine.state.notice).toBe(OFFLINE_NOTICE);
    expect(w.machine.state.pending?.key).toBe("voice-k1");
    void w.machine.retry();
    await flush();
    expect(w.uploads).toHaveLength(2);
    expect(w.uploads[1]!.request.idempotencyKey).toBe("voice-k1");
    expect(w.uploads[1]!.blob).toBe(w.uploads[0]!.blob);
    w.uploads[1]!.answer.reject(Object.assign(new Error("today's voice minutes are used up"), { name: "ApiError" }));
    await flush();
    expect(w.machine.state.notice).toBe("Today's voice minutes are used up.");
    expect(w.machine.state.pending).toBeNull();
  });

  it("[W115] the 2:00 cap is a timer (it runs in a background tab): it stops and sends, saying why", async () => {
    const w = world();
    void w.machine.press("toggle");
    w.mics[0]!.resolve(new FakeRecording());
    await flush();
    expect(w.timers.filter((t) => t.ms === VOICE_MAX_SECONDS * 1000 && !t.cleared)).toHaveLength(1);
    w.advance(VOICE_MAX_SECONDS * 1000);
    w.fire(VOICE_MAX_SECONDS * 1000);
    await flush();
    expect(w.uploads).toHaveLength(1);
    expect(w.machine.state.notice).toMatch(/Stopped at 2:00/);
  });

  it("[W118] browser recognition: final text sent as a voice message; with review on it goes to the composer instead", async () => {
    const w = world({ path: { via: "browser", note: "n" } });
    void w.machine.press("hold");
    expect(w.machine.state.phase.kind).toBe("recording");
    void w.machine.finish();
    expect(w.listens[0]!.stopped).toBe(1);
    w.listens[0]!.handlers.onFinal("remind me to call John");
    expect(w.sent).toEqual(["remind me to call John"]);
    expect(w.machine.state.phase.kind).toBe("idle");

    const r = world({ path: { via: "browser", note: "n" }, review: true });
    void r.machine.press("hold");
    void r.machine.finish();
    r.listens[0]!.handlers.onFinal("remind me to call John");
    expect(r.sent).toEqual([]);
    expect(r.composed).toEqual(["remind me to call John"]);
  });

  it("[W118] recognition that never ends after stop() is aborted on a timer and the button comes back; a late onFinal sends nothing", async () => {
    const w = world({ path: { via: "browser", note: "n" } });
    void w.machine.press("toggle");
    void w.machine.finish();
    expect(w.machine.state.phase.kind).toBe("finishing");
    w.fire(RECOGNITION_END_MS);
    expect(w.listens[0]!.cancelled).toBe(1);
    expect(w.machine.state.phase.kind).toBe("idle");
    expect(w.machine.state.notice).toMatch(/did not finish/);
    w.listens[0]!.handlers.onFinal("late words");
    expect(w.sent).toEqual([]);
  });

  it("[W117] a microphone error is its sentence; the machine is idle again", async () => {
    const w = world();
    void w.machine.press("hold");
    w.mics[0]!.reject(new MicError("denied"));
    await flush();
    expect(w.machine.state.phase.kind).toBe("idle");
    expect(w.machine.state.notice).toMatch(/blocked for this site/);
  });
});
