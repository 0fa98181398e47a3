import { readFileSync } from "node:fs";
import { it } from "vitest";
import { probeAudio } from "../../party/voice/audio.ts";
it("chrome", () => {
  const b = new Uint8Array(readFileSync("/tmp/va/chrome-audio-mp4"));
  for (let cut of [b.length]) console.log(JSON.stringify(probeAudio(b.subarray(0, cut), null)));
});
