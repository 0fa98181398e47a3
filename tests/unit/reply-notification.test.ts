/**
 * "Your assistant replied" (S8, S10): a reply that finishes while no device is
 * focused becomes an `assistant` notification for the device in use; a
 * focused device saw the reply and gets none. Run on the room core over fake
 * sockets, so nothing arrives behind the test's back.
 */
import { describe, expect, it } from "vitest";
import type { Notification } from "../../shared/domain.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

/** Sends `text` from `device`, lets the offline assistant answer, delivers everything; returns the turn. */
async function ask(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  device.sendFrame({ type: "message.send", rid: text, command: { text } });
  room.flush();
  const ack = device.of("ack").find((f) => f.rid === text);
  if (!ack) throw new Error(`no ack for ${text}: ${JSON.stringify(device.received.at(-1))}`);
  await room.room.chat.idle();
  room.flush();
  const completed = device.of("llm.completed").at(-1);
  if (!completed) throw new Error(`no reply to ${text}`);
  return completed.turnId;
}

const assistantNotes = (room: FakeRoom): Notification[] =>
  room.room.ledger.since(0, 10_000).flatMap((e) => (e.type === "notification.created" && e.payload.notification.kind === "assistant" ? [e.payload.notification] : []));

describe("Schedule — the “assistant replied” notification (S8)", () => {
  it("[S8] a reply that ends while no device is focused is notified to the device in use, once; a focused device gets none", async () => {
    // 10:00 UTC: outside the default quiet hours (S10).
    const room = new FakeRoom({ now: Date.parse("2026-11-25T10:00:00Z") });
    const phone = room.connect();
    const laptop = room.connect();
    phone.hello("phone", { focused: false });
    laptop.hello("laptop", { focused: false });
    room.flush();

    const turnId = await ask(room, laptop, "remind me to call John tomorrow at 3pm");
    const reply = laptop.of("llm.completed").at(-1)!.text;
    expect(assistantNotes(room)).toMatchObject([{ kind: "assistant", title: "Your assistant replied", body: reply.slice(0, 200), ref: turnId }]);
    // The device in use is the most recently active one (the laptop sent the message); the phone gets nothing.
    expect(laptop.of("notification").map((f) => f.notification)).toEqual(assistantNotes(room));
    expect(phone.of("notification")).toEqual([]);

    // The user is looking at the phone: the reply is seen there, nothing is notified.
    phone.sendFrame({ type: "focus", focused: true });
    room.flush();
    await ask(room, phone, "what is on my agenda?");
    expect(assistantNotes(room)).toHaveLength(1);
    // Only the first, unacknowledged, notification was sent: it followed focus to the phone (S8).
    const sent = [...phone.of("notification"), ...laptop.of("notification")].map((f) => f.notification.id);
    expect(new Set(sent)).toEqual(new Set([assistantNotes(room)[0]!.id]));
  });

  it("[S8] with no device online the reply's notification waits in the inbox", async () => {
    const room = new FakeRoom({ now: Date.parse("2026-11-25T10:00:00Z") });
    const accepted = room.room.chat.submit({ text: "what is on my agenda?", channel: "chat" }, { kind: "user" }, "req-http");
    if (!accepted.ok) throw new Error(accepted.error.message);
    await room.room.chat.idle();
    expect(Object.values(room.room.ledger.state.notifications)).toMatchObject([{ kind: "assistant", ref: accepted.value.turnId }]);
    const phone = room.connect();
    phone.hello("phone");
    room.flush();
    expect(phone.of("notification").map((f) => f.notification.ref)).toEqual([accepted.value.turnId]);
  });
});
