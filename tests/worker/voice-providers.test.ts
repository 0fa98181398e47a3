/**
 * V6, V7 inside workerd: the providers and the fake Workers AI binding run in the
 * worker runtime as part C's job tests use them (no Node APIs on this path). The
 * clip is a WAV built here (espeak-ng is a Node-side tool): 1.5 s of a 440 Hz tone.
 */
import { describe, expect, it } from "vitest";
import { voiceConfig } from "../../party/voice/config.ts";
import { voiceProviders } from "../../party/voice/providers.ts";
import { AURA_MODEL, fakeWorkersAi, WHISPER_MODEL } from "../support/fake-workers-ai.ts";

function toneWav(seconds: number, rate = 16_000): Uint8Array {
  const samples = Math.round(seconds * rate);
  const out = new Uint8Array(44 + samples * 2);
  const view = new DataView(out.buffer);
  const put = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  put(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  put(8, "WAVE");
  put(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, "data");
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return out;
}

describe("voice providers in workerd", () => {
  it("[V6][V7] Workers AI whisper and aura through the fake binding", async () => {
    const fake = fakeWorkersAi({ transcript: "Remind me to call John tomorrow at 3pm." });
    const providers = voiceProviders(voiceConfig({ STT_PROVIDER: "workers-ai", TTS_PROVIDER: "workers-ai", TTS_VOICE: "luna", hasAi: true }), { AI: fake.binding });
    if (!providers.transcriber?.ok || !providers.speaker?.ok) throw new Error("providers not built");
    const wav = toneWav(1.5);
    const heard = await providers.transcriber.value.transcribe(wav, "audio/wav");
    expect(heard).toEqual({ text: "Remind me to call John tomorrow at 3pm.", seconds: 1.5 });
    expect(fake.calls[0]).toMatchObject({ model: WHISPER_MODEL, inputKeys: ["audio"], seconds: 1.5, outcome: "ok" });
    expect(fake.calls[0]?.audio).toEqual(wav);
    const spoken = await providers.speaker.value.speak("Done: Call John tomorrow at 3 PM.");
    expect(spoken.mediaType).toBe("audio/mpeg");
    expect(spoken.audio.length).toBeGreaterThan(0);
    expect(fake.calls[1]).toMatchObject({ model: AURA_MODEL, inputKeys: ["speaker", "text"], speaker: "luna", outcome: "ok" });
  });
});
