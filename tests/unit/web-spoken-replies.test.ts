import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../shared/events.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { VoiceJobRecord } from "../../shared/voice.ts";
import { SpokenReplies } from "../../web/lib/voice/spoken-replies.ts";

const ME = "device-me";
const OTHER = "device-other";
const at = "2026-12-07T06:00:00.000Z";
let seq = 0;

function event(type: string, payload: unknown, actor: EventEnvelope["actor"] = { kind: "system" }, clientActionId?: string): ServerFrame {
  seq += 1;
  return { type: "event", event: { id: `e${seq}`, seq, type, ts: at, actor, correlationId: `c${seq}`, payload, ...(clientActionId ? { clientActionId } : {}) } };
}
const userMessage = (id: string, turnId: string, deviceId: string | undefined, channel: "chat" | "voice" = "chat", clientActionId?: string) =>
  event("message.added", { message: { id, role: "user", text: "hi", channel, turnId, status: "complete", createdAt: at } }, deviceId ? { kind: "user", deviceId } : { kind: "system" }, clientActionId);
const token = (turnId: string, s: number, text: string): ServerFrame => ({ type: "llm.token", turnId, seq: s, token: text });
const completed = (turnId: string, text: string): ServerFrame => ({ type: "llm.completed", turnId, messageId: `a-${turnId}`, text });
const job = (id: string, deviceId: string): VoiceJobRecord => ({ id, status: "queued", review: false, deviceId, mediaType: "audio/webm", bytes: 100, seconds: 3, createdAt: at, updatedAt: at });

function setup(speak = true, visible = true) {
  const said: string[] = [];
  let stops = 0;
  /** The speaker's begin()/finish() calls, in order. */
  const spans: string[] = [];
  const replies = new SpokenReplies({
    speaker: { enqueue: (s) => void said.push(...s), stop: () => void (stops += 1), begin: () => void spans.push("begin"), finish: () => void spans.push("finish") },
    deviceId: () => ME,
    speakReplies: () => speak,
    visible: () => visible,
  });
  /** Streams `text` as tokens of a few characters each. */
  const seqs = new Map<string, number>();
  const stream = (turnId: string, text: string) => {
    for (let i = 0; i < text.length; i += 4) {
      const n = seqs.get(turnId) ?? 0;
      seqs.set(turnId, n + 1);
      replies.onFrame(token(turnId, n, text.slice(i, i + 4)));
    }
  };
  return { replies, said, stops: () => stops, stream, spans };
}

const REPLY = "I created the task Call John. It is due tomorrow at 3 p.m. Anything else for today?";

describe("Web — spoken replies on the asking device", () => {
  it("[W120] this device's turn is spoken sentence by sentence while it streams, the rest on llm.completed", () => {
    const { replies, said, stream, spans } = setup();
    replies.onFrame(userMessage("m1", "t1", ME));
    // W123: the speaker is told the reply is still streaming (it stays "speaking" between sentences)…
    expect(spans).toEqual(["begin"]);
    stream("t1", "I created the task Call John. It is due tom");
    expect(said).toEqual(["I created the task Call John."]);
    stream("t1", "orrow at 3 p.m. Anything else for today?");
    replies.onFrame(completed("t1", REPLY));
    expect(said).toEqual(["I created the task Call John.", "It is due tomorrow at 3 p.m.", "Anything else for today?"]);
    // …until its last sentences are queued.
    expect(spans).toEqual(["begin", "finish"]);
  });

  it("[W120] a reply regenerated from this tab (or, in front, from this device) is spoken; one regenerated elsewhere is not", () => {
    const regenerated = (turnId: string, deviceId: string, clientActionId?: string) =>
      event("turn.regenerated", { turnId, messageId: "m1" }, { kind: "user", deviceId }, clientActionId);
    const here = setup(true, false);
    here.replies.sentHere("web-r1");
    here.replies.onFrame(regenerated("t2", ME, "web-r1"));
    here.stream("t2", REPLY);
    expect(here.said[0]).toBe("I created the task Call John.");
    const front = setup();
    front.replies.onFrame(regenerated("t2", ME, "web-r1"));
    front.stream("t2", REPLY);
    expect(front.said[0]).toBe("I created the task Call John.");
    const elsewhere = setup();
    elsewhere.replies.onFrame(regenerated("t2", OTHER, "web-r9"));
    elsewhere.stream("t2", REPLY);
    expect(elsewhere.said).toEqual([]);
  });

  it("[W120] a turn another device asked is not spoken here", () => {
    const { replies, said, stream } = setup();
    replies.onFrame(userMessage("m1", "t1", OTHER));
    stream("t1", REPLY);
    replies.onFrame(completed("t1", REPLY));
    expect(said).toEqual([]);
  });

  it("[W120] of one browser's tabs (one device id), the tab that sent speaks even in the background; another tab only when it is in front", () => {
    const sender = setup(true, false);
    sender.replies.sentHere("web-1");
    sender.replies.onFrame(userMessage("m1", "t1", ME, "chat", "web-1"));
    sender.stream("t1", REPLY);
    expect(sender.said[0]).toBe("I created the task Call John.");
    const hiddenTab = setup(true, false);
    hiddenTab.replies.onFrame(userMessage("m1", "t1", ME, "chat", "web-1"));
    hiddenTab.stream("t1", REPLY);
    expect(hiddenTab.said).toEqual([]);
    // A voice job: the tab in front of this device speaks, a hidden one does not.
    for (const [visible, expected] of [[true, 1], [false, 0]] as const) {
      const tab = setup(true, visible);
      tab.replies.onFrame(event("voice.job.queued", { job: job("j1", ME) }));
      tab.replies.onFrame(userMessage("m1", "t1", undefined, "voice"));
      tab.replies.onFrame(event("voice.job.done", { jobId: "j1", transcript: "x", seconds: 1, messageId: "m1" }));
      tab.stream("t1", REPLY);
      expect(tab.said.length > 0 ? 1 : 0, `visible: ${visible}`).toBe(expected);
    }
  });

  it("[W121] with Speak replies off on this device, nothing is spoken", () => {
    const { replies, said, stream } = setup(false);
    replies.onFrame(userMessage("m1", "t1", ME));
    stream("t1", REPLY);
    replies.onFrame(completed("t1", REPLY));
    expect(said).toEqual([]);
  });

  it("[W120] a voice job recorded here claims its message's turn, in whichever order its events arrive", () => {
    for (const order of ["done-after-message", "done-before-message"] as const) {
      const { replies, said, stream } = setup();
      replies.onFrame(event("voice.job.queued", { job: job("j1", ME) }));
      replies.onFrame(event("voice.job.queued", { job: job("j2", OTHER) }));
      const done = event("voice.job.done", { jobId: "j1", transcript: "remind me", seconds: 3, messageId: "m1" });
      if (order === "done-before-message") replies.onFrame(done);
      // The room submits the transcript: the message's actor may not name a device.
      replies.onFrame(userMessage("m1", "t1", undefined, "voice"));
      stream("t1", "I created the task Call John. It");
      if (order === "done-after-message") replies.onFrame(done);
      stream("t1", " is due.");
      replies.onFrame(completed("t1", "I created the task Call John. It is due."));
      expect(said, order).toEqual(["I created the task Call John.", "It is due."]);
      // Another device's job does not claim its turn.
      replies.onFrame(event("voice.job.done", { jobId: "j2", transcript: "x", seconds: 1, messageId: "m2" }));
      replies.onFrame(userMessage("m2", "t2", undefined, "voice"));
      stream("t2", REPLY);
      expect(said, order).toHaveLength(2);
    }
  });

  it("[W122] llm.interrupted and llm.failed stop the speech; later tokens of that turn are not spoken", () => {
    for (const end of ["interrupted", "failed"] as const) {
      const { replies, said, stops, stream } = setup();
      replies.onFrame(userMessage("m1", "t1", ME));
      stream("t1", "I created the task Call John. It is");
      const before = stops();
      replies.onFrame(end === "interrupted" ? { type: "llm.interrupted", turnId: "t1", text: "I created", reason: "stopped" } : { type: "llm.failed", turnId: "t1", code: "provider_error", message: "x" });
      expect(stops()).toBe(before + 1);
      expect(replies.speakingTurn).toBeNull();
      stream("t1", "I created the task Call John. It is due tomorrow. And more words here.");
      expect(said).toEqual(["I created the task Call John."]);
    }
  });

  it("[W122] a new message from this device stops the reply being spoken; the Stop button's stop() ends the turn's speech", () => {
    const { replies, said, stops, stream } = setup();
    replies.onFrame(userMessage("m1", "t1", ME));
    stream("t1", "I created the task Call John. It is");
    const before = stops();
    replies.onFrame(userMessage("m2", "t2", ME));
    expect(stops()).toBe(before + 1);
    stream("t1", " due tomorrow. Another sentence follows here.");
    expect(said).toEqual(["I created the task Call John."]);
    stream("t2", "Second reply is spoken now. ");
    stream("t2", "Yes it is.");
    expect(said).toEqual(["I created the task Call John.", "Second reply is spoken now."]);
    replies.stop();
    replies.onFrame(completed("t2", "Second reply is spoken now. Yes it is."));
    expect(said).toHaveLength(2);
  });

  it("[W120] a resumed stream's repeated tokens are spoken once; a claim after the first tokens starts from the beginning", () => {
    const { replies, said } = setup();
    replies.onFrame(token("t1", 0, "Hello there my friend. "));
    replies.onFrame(userMessage("m1", "t1", ME));
    replies.onFrame(token("t1", 0, "Hello there my friend. "));
    replies.onFrame(token("t1", 1, "How are you? "));
    replies.onFrame(token("t1", 1, "How are you? "));
    replies.onFrame(completed("t1", "Hello there my friend. How are you? Fine."));
    expect(said).toEqual(["Hello there my friend.", "How are you?", "Fine."]);
  });

  it("[W120] a backfill after a reconnect bringing this device's message and its reply: the current speech goes on, nothing is claimed", () => {
    const { replies, said, stops, stream } = setup();
    replies.onFrame(userMessage("m1", "t1", ME));
    stream("t1", "I created the task Call John. It is");
    const before = stops();
    const question = userMessage("m0", "t0", ME);
    const answer = event("message.added", { message: { id: "a0", role: "assistant", text: "Old reply here.", channel: "chat", turnId: "t0", status: "complete", createdAt: at } });
    if (question.type !== "event" || answer.type !== "event") throw new Error("event frames expected");
    replies.onFrame({ type: "events", events: [question.event, answer.event], lastEventSeq: seq, hasMore: false });
    expect(stops()).toBe(before);
    expect(replies.speakingTurn).toBe("t1");
    stream("t0", "Old reply here. Said again?");
    stream("t1", " due tomorrow. Fine then.");
    expect(said).toEqual(["I created the task Call John.", "It is due tomorrow."]);
  });

  it("[W120] an old message of this device in a backfill (its turn ended) speaks nothing and stops nothing", () => {
    const { replies, said, stops } = setup();
    replies.onFrame(completed("t0", "Old reply here."));
    replies.onFrame(userMessage("m0", "t0", ME));
    expect(stops()).toBe(0);
    expect(said).toEqual([]);
  });
});
