/**
 * Voice test helpers (V10–V29): transcriber doubles, clips, a FakeRoom with
 * voice providers, and a bare VoiceJobs on node:sqlite for the seams a room
 * does not expose (the timer a provider call races, keepAlive).
 */
import { parseConfig } from "../../party/config.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { VoiceJobs } from "../../party/voice/jobs.ts";
import type { After } from "../../party/voice/timeout.ts";
import type { Speaker, Transcriber, VoiceProviders, VoiceUpload } from "../../party/voice/types.ts";
import { fail, ok } from "../../shared/errors.ts";
import type { VoiceMediaType } from "../../shared/voice.ts";
import { FakeRoom } from "./fake-room.ts";
import { nodeSql } from "./node-sql.ts";

export type Heard = { text: string; seconds?: number };
export type Call = { bytes: Uint8Array; mediaType: VoiceMediaType; signal?: AbortSignal };

export function transcriber(answer: (call: Call) => Promise<Heard> | Heard) {
  const calls: Call[] = [];
  const value: Transcriber = {
    provider: "openai",
    model: "whisper-test",
    transcribe: async (bytes, mediaType, signal) => {
      const call = { bytes: bytes.slice(), mediaType, ...(signal ? { signal } : {}) };
      calls.push(call);
      return answer(call);
    },
  };
  return { value, calls };
}

/** A transcriber that never answers and ignores its abort signal (a provider stuck on the network). */
export function deaf() {
  return transcriber(() => new Promise<never>(() => {}));
}

export function speaker() {
  const calls: string[] = [];
  const value: Speaker = { provider: "openai", model: "tts-test", speak: async (text) => (calls.push(text), { audio: new Uint8Array([82, 73, 70, 70]), mediaType: "audio/wav" }) };
  return { value, calls };
}

export function roomWith(providers: Partial<{ transcriber: Transcriber; speaker: Speaker }>, env: Record<string, string> = {}, sql?: FakeRoom["sql"], now?: number): FakeRoom {
  const voice: VoiceProviders = {
    transcriber: providers.transcriber ? ok(providers.transcriber) : null,
    speaker: providers.speaker ? ok(providers.speaker) : null,
  };
  return new FakeRoom({ env: { TIMEZONE: "America/New_York", ...env }, voice: () => voice, ...(sql ? { sql } : {}), ...(now !== undefined ? { now } : {}) });
}

export function clip(bytes: number, seconds: number, over: Partial<VoiceUpload> = {}): VoiceUpload {
  const audio = new Uint8Array(bytes).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  return { audio, info: { mediaType: "audio/wav", seconds, exact: true }, review: false, ...over };
}

/** A timer the test fires by hand: `fire()` ends every wait started so far. */
export function manualTimer(): { after: After; waits: number[]; fire: () => void } {
  const pending: (() => void)[] = [];
  const waits: number[] = [];
  return {
    waits,
    after: (ms, signal) =>
      new Promise<void>((resolve) => {
        waits.push(ms);
        if (!signal.aborted) pending.push(resolve);
      }),
    fire: () => pending.splice(0).forEach((r) => r()),
  };
}

/** A room's VoiceJobs alone: review-only use (its submit refuses), with the seams given. */
export function bareJobs(providers: VoiceProviders, seams: { after?: After; keepAlive?: (work: Promise<unknown>) => void }) {
  const sql = nodeSql();
  const ledger = new Ledger(sql);
  const config = parseConfig({ LLM_PROVIDER: "offline" });
  let ids = 0;
  const jobs = new VoiceJobs({
    sql,
    ledger,
    now: () => Date.parse("2026-11-25T10:00:00.000Z"),
    newId: () => `job-${++ids}`,
    providers: () => providers,
    config: config.voice,
    dailyTokens: config.chat.dailyTokens,
    submit: () => fail("internal", "no chat here"),
    reschedule: () => {},
    log: () => {},
    ...seams,
  });
  return { sql, ledger, jobs };
}
