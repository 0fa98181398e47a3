/**
 * Runs in Node before the worker tests: workerd cannot start a process, so
 * espeak-ng speaks the voice tests' sentence here and the WAV reaches them
 * through vitest's `provide` / `inject` (tests/worker/voice.test.ts). Without
 * espeak-ng the voice tests fail with this reason; the other tests run on.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export const VOICE_SENTENCE = "remind me to call John tomorrow at 3pm";

declare module "vitest" {
  export interface ProvidedContext {
    /** The espeak-ng WAV of VOICE_SENTENCE, base64; or `error:` and why there is none. */
    voiceWav: string;
  }
}

export default function setup(project: TestProject): void {
  try {
    // A file, as a recorder saves one: `--stdout` writes a streaming header whose sizes are placeholders.
    const dir = mkdtempSync(join(tmpdir(), "voice-wav-"));
    const path = join(dir, "john.wav");
    execFileSync("espeak-ng", ["-w", path, VOICE_SENTENCE]);
    project.provide("voiceWav", readFileSync(path).toString("base64"));
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    project.provide("voiceWav", `error: espeak-ng is needed for the voice tests (apt-get install espeak-ng): ${error instanceof Error ? error.message : String(error)}`);
  }
}
