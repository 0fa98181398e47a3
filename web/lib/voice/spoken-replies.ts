/**
 * W120, W123, V21: which replies this device speaks, fed from the live frames.
 *
 * A turn is this device's when the user message that started it was sent from
 * here: its `message.added` event's actor names this device, or it is the
 * message of a voice job recorded here (`voice.job.queued`'s `job.deviceId`, then
 * `voice.job.done`/`voice.job.sent` name the message). Tabs of one browser share
 * the device id, so of them the tab that sent the message speaks (its
 * `clientActionId`), else a visible one (a voice job, recorded in the tab in front)
 * — never every tab at once. Only that turn's reply is spoken, and only while "Speak replies" is on for this device; every other device
 * shows the text. The reply's `llm.token` deltas go through the sentence splitter
 * as they stream, so the first sentence is spoken before the turn completes; the
 * rest is flushed on `llm.completed`. `llm.interrupted` / `llm.failed`, the Stop
 * button, push-to-talk (speech-control.ts) and a new message from this device stop it.
 */
import { type SentenceSplitter, sentenceSplitter } from "../../../shared/speech-sentences.ts";
import { parseLedgerEvent } from "../../../shared/events.ts";
import type { ServerFrame } from "../../../shared/protocol.ts";
import { voiceMediaTypeOf } from "../../../shared/voice.ts";
import { session } from "../api.ts";
import { DEVICE_KEY, deviceId } from "../device.ts";
import { voiceSettings } from "./settings.ts";
import { onStopSpeaking } from "./speech-control.ts";
import { Speaker, type SpeakerPorts, type SpeechResult, setPrimeTarget } from "./speaker.ts";

/** What the tracker needs from the speaker (a `Speaker`, or a test double). */
export type SpeakPort = { enqueue(sentences: readonly string[]): void; stop(): void; begin(): void; finish(): void };

export type SpokenRepliesPorts = {
  speaker: SpeakPort;
  /** This device's id (the hello's `deviceId`). */
  deviceId(): string;
  /** This device's "Speak replies", read when a turn starts. */
  speakReplies(): boolean;
  /** Whether this tab is in front (`document.visibilityState`): of a device's tabs, a visible one speaks a voice job's reply. */
  visible(): boolean;
};

/** How many recent turns and jobs are remembered: the claim of a turn may come just after its first tokens. */
const REMEMBERED = 20;

/** The event types this module reads (the rest are not parsed twice). */
const READS = new Set(["message.added", "turn.regenerated", "voice.job.queued", "voice.job.done", "voice.job.sent"]);

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  const oldest = map.keys().next();
  if (map.size > REMEMBERED && !oldest.done) map.delete(oldest.value);
}

export class SpokenReplies {
  readonly #ports: SpokenRepliesPorts;
  /** The turn being spoken, and its splitter. */
  #active: { turnId: string; splitter: SentenceSplitter; text: string } | null = null;
  /** Text streamed so far per recent turn (a turn claimed after its first tokens starts from here), and its last token seq. */
  readonly #streamed = new Map<string, { text: string; seq: number }>();
  readonly #ended = new Map<string, true>();
  /** Voice jobs recorded on this device. */
  readonly #myJobs = new Map<string, true>();
  /** Messages of this device's voice jobs, before their `message.added` arrives. */
  readonly #myMessages = new Map<string, true>();
  /** Recent user messages' turns, for a voice job that names its message after it was added. */
  readonly #turnOf = new Map<string, string>();
  /** Client action ids of the messages this tab sent. */
  readonly #sentHere = new Map<string, true>();

  constructor(ports: SpokenRepliesPorts) {
    this.#ports = ports;
  }

  /** The turn being spoken now, if any. */
  get speakingTurn(): string | null {
    return this.#active?.turnId ?? null;
  }

  /** Every server frame, as it arrives (brain-provider). */
  onFrame(f: ServerFrame): void {
    switch (f.type) {
      case "event":
        return this.#onEvents([f.event]);
      case "events":
        return this.#onEvents(f.events);
      case "llm.token": {
        const seen = this.#streamed.get(f.turnId) ?? { text: "", seq: -1 };
        // C5: a resumed stream repeats seqs this device has.
        if (f.seq <= seen.seq) return;
        // Per token on every device: a device that does not speak replies keeps nothing of them.
        if (this.#active?.turnId !== f.turnId && !this.#ports.speakReplies()) return;
        remember(this.#streamed, f.turnId, { text: seen.text + f.token, seq: f.seq });
        if (this.#active?.turnId === f.turnId) this.#say(f.token);
        return;
      }
      case "llm.completed": {
        remember(this.#ended, f.turnId, true);
        const active = this.#active;
        if (active?.turnId !== f.turnId) return;
        // The whole reply: what did not stream here (a device that joined late) is spoken from it.
        if (f.text.startsWith(active.text)) this.#say(f.text.slice(active.text.length));
        this.#ports.speaker.enqueue(active.splitter.flush());
        this.#ports.speaker.finish();
        this.#active = null;
        return;
      }
      case "llm.interrupted":
      case "llm.failed":
        remember(this.#ended, f.turnId, true);
        if (this.#active?.turnId === f.turnId) this.stop();
        return;
      default:
        return;
    }
  }

  /** A message (or a regeneration) this tab sends (brain-provider): its turn is this tab's, even if the tab is in the background when it starts. */
  sentHere(clientActionId: string): void {
    remember(this.#sentHere, clientActionId, true);
  }

  /** W122: nothing more of the current reply is spoken. */
  stop(): void {
    this.#active = null;
    this.#ports.speaker.stop();
  }

  #say(delta: string): void {
    const active = this.#active;
    if (!active) return;
    active.text += delta;
    this.#ports.speaker.enqueue(active.splitter.push(delta));
  }

  #onEvents(events: readonly { type: string }[]): void {
    const parsed = events.flatMap((raw) => {
      const event = READS.has(raw.type) ? parseLedgerEvent(raw) : null;
      return event ? [event] : [];
    });
    // A turn whose reply is in the ledger has ended (a backfill after a reconnect brings both): its question claims nothing.
    for (const event of parsed) {
      if (event.type === "message.added" && event.payload.message.role === "assistant" && event.payload.message.turnId) remember(this.#ended, event.payload.message.turnId, true);
    }
    for (const event of parsed) {
      const me = this.#ports.deviceId();
      switch (event.type) {
        case "turn.regenerated": {
          // W120: a reply regenerated from here is this device's like a message sent from here.
          const sentHere = event.clientActionId !== undefined && this.#sentHere.has(event.clientActionId);
          const thisDevice = event.actor.kind === "user" && event.actor.deviceId === me;
          if (sentHere || (thisDevice && (event.clientActionId === undefined || this.#ports.visible()))) this.#claim(event.payload.turnId);
          break;
        }
        case "message.added": {
          const { message } = event.payload;
          if (message.role !== "user" || !message.turnId) break;
          remember(this.#turnOf, message.id, message.turnId);
          const sentHere = event.clientActionId !== undefined && this.#sentHere.has(event.clientActionId);
          const thisDevice = event.actor.kind === "user" && event.actor.deviceId === me;
          // Another tab of this device sent it (its id is not ours): that tab speaks, unless this one is the one in front.
          const mine = sentHere || (thisDevice && (event.clientActionId === undefined || this.#ports.visible())) || (this.#myMessages.has(message.id) && this.#ports.visible());
          if (mine) this.#claim(message.turnId);
          break;
        }
        case "voice.job.queued":
          if (event.payload.job.deviceId === me) remember(this.#myJobs, event.payload.job.id, true);
          break;
        case "voice.job.done":
        case "voice.job.sent": {
          const { jobId, messageId } = event.payload;
          if (!messageId || !this.#myJobs.has(jobId)) break;
          const turnId = this.#turnOf.get(messageId);
          if (!turnId) remember(this.#myMessages, messageId, true);
          else if (this.#ports.visible()) this.#claim(turnId);
          break;
        }
        default:
          break;
      }
    }
  }

  /** This device asked: its reply is spoken (from what already streamed), and whatever it was saying stops. */
  #claim(turnId: string): void {
    // An ended turn is an old message (a backfill after a reconnect): nothing to say, nothing to stop.
    if (this.#active?.turnId === turnId || this.#ended.has(turnId)) return;
    this.stop();
    if (!this.#ports.speakReplies()) return;
    this.#active = { turnId, splitter: sentenceSplitter(), text: "" };
    this.#ports.speaker.begin();
    const streamed = this.#streamed.get(turnId);
    if (streamed) this.#say(streamed.text);
  }
}

/** V22: one sentence from the server: audio, or "no server speech" (501; 404 from a server without the route), or a failure. */
async function fetchSpeech(text: string, signal: AbortSignal): Promise<SpeechResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  const device = localStorage.getItem(DEVICE_KEY);
  if (device) headers["x-device-id"] = device;
  const res = await fetch("/api/v1/speech", { method: "POST", headers, body: JSON.stringify({ text }), signal });
  if (res.status === 501 || res.status === 404) return { kind: "unavailable" };
  // W122: the session ended (signed out here or elsewhere): the rest of that user's reply is not read.
  if (res.status === 401) return { kind: "signed-out" };
  const type = res.headers.get("content-type") ?? "";
  if (!res.ok || !(type.startsWith("audio/") || voiceMediaTypeOf(type))) return { kind: "failed" };
  return { kind: "audio", blob: await res.blob() };
}

/** The browser's pieces: the speech route, one hidden `<audio>` in the page, `speechSynthesis`. */
function browserPorts(): SpeakerPorts {
  const synth = typeof speechSynthesis === "undefined" ? null : speechSynthesis;
  // Chrome drops an utterance's events when nothing references it (crbug.com/509488): held until it ends.
  const speaking = new Set<SpeechSynthesisUtterance>();
  return {
    fetchSpeech,
    audio: () => {
      const audio = document.createElement("audio");
      audio.hidden = true;
      audio.dataset.testid = "reply-audio";
      document.body.appendChild(audio);
      return audio;
    },
    synthesis: synth && {
      speak: (text, done) => {
        const utterance = new SpeechSynthesisUtterance(text);
        speaking.add(utterance);
        const end = () => {
          speaking.delete(utterance);
          done();
        };
        utterance.onend = end;
        utterance.onerror = end;
        synth.speak(utterance);
      },
      cancel: () => synth.cancel(),
    },
    objectUrl: { create: (blob) => URL.createObjectURL(blob), revoke: (url) => URL.revokeObjectURL(url) },
  };
}

let instance: { speaker: Speaker; replies: SpokenReplies } | null = null;

/** This page's speaker and tracker, made on first use (wired to speech-control's stop). */
export function spokenReplies(): { speaker: Speaker; replies: SpokenReplies } {
  if (instance) return instance;
  const speaker = new Speaker(browserPorts());
  const replies = new SpokenReplies({ speaker, deviceId, speakReplies: () => voiceSettings().speakReplies, visible: () => document.visibilityState === "visible" });
  onStopSpeaking(() => replies.stop());
  instance = { speaker, replies };
  return instance;
}

setPrimeTarget(() => spokenReplies().speaker);
