/**
 * The upload reader inside workerd (docs/PROTOCOL.md V1, V2, V5): the
 * platform's own FormData encoding and streams, as the voice-upload route runs
 * it. The espeak-ng and sox clips need processes, so the clips here are the
 * pure builders' (tests/support/voice-builders.ts).
 */
import { describe, expect, it } from "vitest";
import { readVoiceUpload } from "../../party/voice/upload.ts";
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS } from "../../shared/voice.ts";
import { buildMp4, buildOggOpus, buildWebm, concat, PNG, text, wavHeader } from "../support/voice-builders.ts";

const LIMITS = { maxBytes: VOICE_MAX_BYTES, maxSeconds: VOICE_MAX_SECONDS };
const URL = "https://cos.test/api/v1/voice-upload";

const form = (blob: Blob, fields: Record<string, string> = {}) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("audio", blob, "clip");
  return new Request(URL, { method: "POST", body });
};

describe("Voice — reading an upload in workerd", () => {
  it("[V2][V5] FormData uploads of WebM (as MediaRecorder writes it), Ogg Opus and MP4 read with their lengths and fields", async () => {
    const cases = [
      { clip: buildWebm({ clusters: [{ timecode: 0, blocks: [0, 20] }, { timecode: 2_640, blocks: [0, 20] }] }), type: "audio/webm;codecs=opus", seconds: 2.66 },
      { clip: buildOggOpus(2.7), type: "audio/ogg", seconds: 2.7 },
      { clip: buildMp4({ kind: "movie", timescale: 1000, duration: 2700 }), type: "audio/mp4", seconds: 2.7 },
    ];
    for (const { clip, type, seconds } of cases) {
      const result = await readVoiceUpload(form(new Blob([clip], { type }), { conversationId: "main", review: "true" }), LIMITS);
      if (!result.ok) throw new Error(`${type}: ${result.error.message}`);
      expect(result.value.audio).toEqual(clip);
      expect(result.value.info.seconds).toBeCloseTo(seconds, 6);
      expect([result.value.conversationId, result.value.review]).toEqual(["main", true]);
    }
  });

  it("[V1] a WAV header declaring 130 s is 413 from the first chunk, the rest never read", async () => {
    const head = concat(text('--b\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n'), wavHeader(130), new Uint8Array(1000));
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          if (pulls === 1) controller.enqueue(head);
          else controller.error(new Error("read past the first chunk"));
        },
      },
      { highWaterMark: 0 },
    );
    const result = await readVoiceUpload(new Request(URL, { method: "POST", body, headers: { "content-type": "multipart/form-data; boundary=b" } }), LIMITS);
    expect(result.ok ? "ok" : result.error).toEqual({ code: "too_large", message: "the recording is longer than 120 seconds" });
    expect(pulls).toBe(1);
  });

  it("[V2] a PNG is 415; a raw audio body is 415", async () => {
    expect(await readVoiceUpload(form(new Blob([PNG])), LIMITS)).toMatchObject({ ok: false, error: { code: "unsupported_media_type" } });
    const raw = new Request(URL, { method: "POST", body: buildOggOpus(1), headers: { "content-type": "audio/ogg" } });
    expect(await readVoiceUpload(raw, LIMITS)).toMatchObject({ ok: false, error: { code: "unsupported_media_type" } });
  });
});
