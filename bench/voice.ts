/**
 * Voice benchmark (docs/PROTOCOL.md V1, V21): each metric beside a reference
 * measured in the same run.
 * - `upload`: `readVoiceUpload` — the streaming multipart reader with its caps,
 *   the early length check and the probe of the whole clip — on a 10 MiB WAV form,
 *   beside the platform's `Request.formData()` + `arrayBuffer()` of the same body
 *   (what a route without caps or probing would do).
 * - `firstSentence`: how much of a streamed reply has arrived when the first
 *   sentence goes to speech (V21), as a share of the reply, beside 1.0 — speaking
 *   the whole reply once it is complete; and the splitter's cost per reply beside
 *   one regex split of the finished text.
 */
import { readVoiceUpload } from "../party/voice/upload.ts";
import { sentenceSplitter } from "../shared/speech-sentences.ts";
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS } from "../shared/voice.ts";
import { seededRng } from "../tests/support/random.ts";
import { concat, wavHeader } from "../tests/support/voice-builders.ts";
import { percentile, round, time, timeAsync } from "./stats.ts";

function form(): { body: Uint8Array; type: string } {
  const seconds = 100; // 16 kHz mono 16-bit: 3.2 MB; three of them make 9.6 MB of audio
  const header = wavHeader(seconds * 3, 16_000);
  const samples = new Uint8Array(seconds * 3 * 32_000);
  const rng = seededRng("bench voice", 18);
  for (let i = 0; i < samples.length; i += 64) samples[i] = rng.int(256);
  const boundary = "----bench-voice-boundary";
  const enc = new TextEncoder();
  const head = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="clip.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
  const tail = enc.encode(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="review"\r\n\r\nfalse\r\n--${boundary}--\r\n`);
  return { body: concat(head, header, samples, tail), type: `multipart/form-data; boundary=${boundary}` };
}

/** A request whose body arrives in 64 KiB chunks, as a socket delivers it. */
function request(body: Uint8Array, type: string): Request {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= body.length) return controller.close();
      controller.enqueue(body.slice(at, at + 65_536));
      at += 65_536;
    },
  });
  return new Request("http://bench/api/v1/voice-upload", { method: "POST", body: stream, duplex: "half", headers: { "content-type": type, "content-length": String(body.length) } } as RequestInit);
}

async function uploadBench(repeats = 20) {
  const { body, type } = form();
  const ours: number[] = [];
  const platform: number[] = [];
  for (let i = 0; i < repeats; i++) {
    ours.push(
      await timeAsync(async () => {
        const read = await readVoiceUpload(request(body, type), { maxBytes: VOICE_MAX_BYTES, maxSeconds: VOICE_MAX_SECONDS * 3 });
        if (!read.ok) throw new Error(`bench upload refused: ${read.error.message}`);
      }),
    );
    platform.push(
      await timeAsync(async () => {
        const data = await request(body, type).formData();
        const file = data.get("audio");
        if (!(file instanceof Blob)) throw new Error("no audio part");
        await file.arrayBuffer();
      }),
    );
  }
  const p50 = percentile(ours, 50);
  const ref = percentile(platform, 50);
  return { voiceUpload: { bytes: body.length, p50Ms: round(p50), p99Ms: round(percentile(ours, 99)), formDataP50Ms: round(ref), ratio: round(p50 / ref, 2) } };
}

const REPLY =
  "Done — I added **Call John** for tomorrow at 3 p.m. and set a reminder 10 minutes before. " +
  "You also have the dentist at 4:30, so I left 45 minutes between them. " +
  "Want me to move the gym session to Thursday? It clashes with the team retro (see https://example.com/retro). " +
  "Here is the rest of your week:\n- Mon: budget review with Dr. Alvarez\n- Tue: flight to Lisbon, e.g. TP 1351 at 7.45\n- Wed: nothing planned yet.\n";

function sentenceBench(repeats = 200) {
  const rng = seededRng("bench sentences", 21);
  const reply = REPLY.repeat(10);
  const chunks: string[] = [];
  for (let at = 0; at < reply.length; ) {
    const n = 1 + rng.int(8); // streamed tokens are 1–8 characters
    chunks.push(reply.slice(at, at + n));
    at += n;
  }
  let arrivedAtFirst = 0;
  const ours: number[] = [];
  const naive: number[] = [];
  for (let i = 0; i < repeats; i++) {
    ours.push(
      time(() => {
        const split = sentenceSplitter();
        let arrived = 0;
        let first = -1;
        for (const chunk of chunks) {
          arrived += chunk.length;
          if (split.push(chunk).length > 0 && first < 0) first = arrived;
        }
        split.flush();
        arrivedAtFirst = first;
      }),
    );
    naive.push(time(() => void reply.split(/(?<=[.!?])\s+|\n+/)));
  }
  const share = arrivedAtFirst / reply.length;
  return {
    speechFirstSentence: {
      replyChars: reply.length,
      chunks: chunks.length,
      shareStreamedBeforeFirstSpeech: round(share, 4),
      wholeReplyReference: 1,
      ratio: round(share, 4),
      splitterP50Ms: round(percentile(ours, 50), 4),
      regexSplitP50Ms: round(percentile(naive, 50), 4),
      splitterRatio: round(percentile(ours, 50) / percentile(naive, 50), 1),
    },
  };
}

export async function voiceBench() {
  return { ...(await uploadBench()), ...sentenceBench() };
}
