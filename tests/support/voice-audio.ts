/**
 * Real audio for the voice tests (docs/PROTOCOL.md V1–V5): espeak-ng speaks a
 * sentence to a WAV (cached per text in one tmp dir), sox turns it into Ogg
 * Vorbis and measures it (`soxi -D`), and real Chromium MediaRecorder output is
 * checked in; the hand-built containers and hostile clips are re-exported from
 * tests/support/voice-builders.ts (pure, for workerd too). Without espeak-ng or
 * sox a test FAILS with a sentence saying what to install; it never skips.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bytes } from "./voice-builders.ts";

export type { Bytes };

export const JOHN = "remind me to call John tomorrow at 3pm";

let dir: string | null = null;
const workDir = () => (dir ??= mkdtempSync(join(tmpdir(), "voice-audio-")));
const cache = new Map<string, { path: string; bytes: Bytes }>();

function tool(name: string, args: string[]): string {
  try {
    return execFileSync(name, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const missing = error instanceof Error && "code" in error && error.code === "ENOENT";
    throw new Error(missing ? `${name} is not installed: apt-get install ${name === "soxi" ? "sox" : name} (the voice tests need it)` : `${name} ${args.join(" ")} failed`);
  }
}

/** espeak-ng's WAV of `text` (22.05 kHz mono 16-bit PCM), made once per text. */
export function espeakWav(text: string = JOHN): { path: string; bytes: Bytes } {
  const key = `wav:${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const path = join(workDir(), `speech-${cache.size}.wav`);
  tool("espeak-ng", ["-w", path, text]);
  const made = { path, bytes: new Uint8Array(readFileSync(path)) };
  cache.set(key, made);
  return made;
}

/** The same speech as Ogg Vorbis, made by sox. */
export function toOgg(wav: { path: string }): { path: string; bytes: Bytes } {
  const key = `ogg:${wav.path}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const path = wav.path.replace(/\.wav$/, ".ogg");
  tool("sox", [wav.path, path]);
  const made = { path, bytes: new Uint8Array(readFileSync(path)) };
  cache.set(key, made);
  return made;
}

/** What sox measures: `soxi -D` (seconds). */
export const soxiSeconds = (path: string): number => Number(tool("soxi", ["-D", path]).trim());

/**
 * Real MediaRecorder output, checked in: Chromium 2 s into a recording of the espeak-ng WAV through
 * `--use-file-for-fake-audio-capture`, as `audio/webm;codecs=opus` and as `audio/mp4` (Opus, fragmented).
 */
export const chromeRecording = (kind: "webm" | "mp4"): Bytes => new Uint8Array(readFileSync(new URL(`./voice-clips/chrome-recording.${kind}`, import.meta.url)));

export { buildMp4, buildOggOpus, buildWebm, concat, oggPage, PNG, wavHeader, type Mp4Options, type WebmOptions } from "./voice-builders.ts";
