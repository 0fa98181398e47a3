/**
 * Memory that learns, in the real room core (docs/PROTOCOL.md Y1–Y5, Y9–Y12):
 * what a message states is proposed, never stored until accepted; an accepted
 * memory names the message it came from; dismissed or expired proposals store
 * nothing; a turn records which memories it used at most once an hour; a
 * memory past its expiry is not given to the model and is unpinned.
 */
import { describe, expect, it } from "vitest";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { MEMORY_PROPOSAL_TTL_MS } from "../../party/chat/memory-proposals.ts";
import { STATEMENT } from "../../party/chat/offline-model.ts";
import { ADD_SERVER, ASK_ORIGIN } from "../../party/chat/flight-tools.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

const HOUR = 60 * 60 * 1000;

function device(): { room: FakeRoom; phone: FakeSocket } {
  const room = new FakeRoom();
  const phone = room.connect();
  phone.hello("phone");
  room.flush();
  return { room, phone };
}

async function say(room: FakeRoom, socket: FakeSocket, text: string): Promise<string> {
  const rid = `m-${socket.received.length}`;
  socket.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  const ack = socket.of("ack").find((f) => f.rid === rid);
  const turnId = ack?.result && typeof ack.result === "object" && "turnId" in ack.result ? String(ack.result.turnId) : null;
  if (!turnId) throw new Error(`message not accepted: ${JSON.stringify(socket.received.at(-1))}`);
  await room.room.chat.idle();
  room.flush();
  return turnId;
}

const events = (room: FakeRoom, type: string) => room.room.ledger.ofTypes([type as "memory.pinned"]);
const pending = (room: FakeRoom) => room.room.chat.store.pendingProposals(room.clock).filter((p) => p.tool === "remember");
const memories = (room: FakeRoom) => Object.values(room.room.ledger.state.memories);

function answer(room: FakeRoom, socket: FakeSocket, type: "proposal.confirm" | "proposal.reject", proposalId: string): void {
  socket.sendFrame({ type, rid: `${type}-${proposalId}`, proposalId });
  room.flush();
}

describe("Memory that learns — proposals with provenance (Y1–Y5, Y9–Y12)", () => {
  it("[Y1] [Y2] [Y3] [Y11] a noticed memory is proposed, stored only when accepted, with a source that resolves to the message", async () => {
    const { room, phone } = device();
    const turnId = await say(room, phone, "I fly out of JFK on Friday");
    const [proposal, ...more] = pending(room);
    expect(more).toEqual([]);
    expect(proposal).toMatchObject({ turnId, summary: "You mentioned you fly out of JFK — remember it as your home airport?" });
    expect(Date.parse(proposal!.expiresAt) - room.clock).toBe(MEMORY_PROPOSAL_TTL_MS);
    // Y1: nothing stored yet.
    expect(events(room, "memory.pinned")).toEqual([]);
    expect(memories(room)).toEqual([]);
    // The card is part of the reply, so every device shows it (C16).
    const reply = room.room.ledger.state.recentMessages.find((m) => m.role === "assistant" && m.turnId === turnId);
    expect(reply?.actions?.map((a) => [a.tool, a.status, a.proposalId])).toEqual([["remember", "proposed", proposal!.id]]);
    // The offline assistant acknowledges a statement instead of saying it did not understand (Y6).
    expect(reply?.text).toBe(STATEMENT);

    answer(room, phone, "proposal.confirm", proposal!.id);
    const [memory] = memories(room);
    expect(memory).toMatchObject({ type: "place", key: "home airport", value: "JFK" });
    const source = memory!.source;
    if (source?.kind !== "message") throw new Error(`expected a message source, got ${JSON.stringify(source)}`);
    expect(source).toEqual({ kind: "message", messageId: source.messageId, conversationId: "main", turnId, proposalId: proposal!.id });
    // Y11: the link resolves — the message is the user's, in that conversation, with those words.
    const message = room.room.ledger.state.recentMessages.find((m) => m.id === source.messageId);
    expect(message).toMatchObject({ role: "user", text: "I fly out of JFK on Friday" });
    expect(message?.conversationId ?? "main").toBe(source.conversationId);
  });

  it("[Y1] dismissing stores nothing; an expired proposal cannot be accepted and stores nothing", async () => {
    const { room, phone } = device();
    await say(room, phone, "I live in Berlin. My wife is called Anna.");
    const [home, wife] = pending(room);
    expect([home?.summary, wife?.summary]).toEqual(["You mentioned you live in Berlin — remember it?", "You mentioned your wife is called Anna — remember it?"]);
    answer(room, phone, "proposal.reject", home!.id);
    room.clock += MEMORY_PROPOSAL_TTL_MS + 1;
    answer(room, phone, "proposal.confirm", wife!.id);
    expect(phone.of("error").at(-1)?.message).toBe("This expired — ask again");
    expect(events(room, "memory.pinned")).toEqual([]);
    expect(memories(room)).toEqual([]);
    expect(pending(room)).toEqual([]);
  });

  it("[Y10] no proposal for what is pinned with that value already, nor twice for a slot waiting for an answer", async () => {
    const { room, phone } = device();
    await say(room, phone, "I live in Berlin");
    expect(pending(room)).toHaveLength(1);
    await say(room, phone, "I live in Berlin, as I said");
    expect(pending(room)).toHaveLength(1);
    answer(room, phone, "proposal.confirm", pending(room)[0]!.id);
    await say(room, phone, "I live in Berlin");
    expect(pending(room)).toEqual([]);
    // A new value of a pinned slot is worth asking about.
    await say(room, phone, "I live in Paris");
    expect(pending(room).map((p) => p.summary)).toEqual(["You mentioned you live in Paris — remember it?"]);
  });

  it("[Y9] pin_memory pins at once only when the user asked to remember; otherwise it proposes", async () => {
    const { room, phone } = device();
    const pin = { toolCalls: [{ name: "pin_memory", input: { type: "preference", key: "seat", value: "aisle" } }] };
    room.room.chat.useModel(() => scriptedModel([pin, { text: ["Done."] }]));
    await say(room, phone, "book me something for the trip");
    expect(memories(room)).toEqual([]);
    expect(pending(room).map((p) => p.summary)).toEqual(["Remember that your seat is aisle?"]);

    const { room: other, phone: laptop } = device();
    other.room.chat.useModel(() => scriptedModel([pin, { text: ["Done."] }]));
    const turnId = await say(other, laptop, "Please remember I like the aisle seat");
    const [memory] = memories(other);
    expect(memory?.source).toMatchObject({ kind: "turn", turnId, conversationId: "main" });
    expect(pending(other)).toEqual([]);
  });

  it("[Y3][Y11] the model's remember call proposes; confirmed, the source names the message, the turn and the proposal", async () => {
    const { room, phone } = device();
    room.room.chat.useModel(() => scriptedModel([{ toolCalls: [{ name: "remember", input: { type: "person", key: "dentist", value: "Dr. Lee" } }] }, { text: ["Shall I?"] }]));
    const turnId = await say(room, phone, "my dentist appointment is with Dr. Lee");
    expect(memories(room)).toEqual([]);
    const [offer] = pending(room);
    expect(offer?.summary).toBe("Remember that your dentist is Dr. Lee?");
    expect(Date.parse(offer!.expiresAt) - room.clock).toBe(MEMORY_PROPOSAL_TTL_MS);
    answer(room, phone, "proposal.confirm", offer!.id);
    const message = room.room.ledger.state.recentMessages.find((m) => m.role === "user")!;
    expect(memories(room)[0]?.source).toEqual({ kind: "message", messageId: message.id, conversationId: "main", turnId, proposalId: offer!.id });
  });

  it("[Y4] a turn records the memories it gave the model once, then not again within the hour", async () => {
    const { room, phone } = device();
    phone.sendFrame({ type: "memory.pin", rid: "pin", command: { type: "fact", key: "team", value: "Platform" } });
    room.flush();
    await say(room, phone, "what is on today");
    await say(room, phone, "and tomorrow");
    expect(events(room, "memory.used")).toHaveLength(1);
    room.clock += HOUR;
    await say(room, phone, "and next week");
    const used = events(room, "memory.used");
    expect(used).toHaveLength(2);
    expect(memories(room)[0]?.lastUsedAt).toBe(new Date(room.clock).toISOString());
    expect(memories(room)[0]?.source).toEqual({ kind: "user", deviceId: "phone" });
  });

  it("[Y5] an expired memory is not given to the model and the alarm unpins it with reason expired", async () => {
    const { room, phone } = device();
    phone.sendFrame({ type: "memory.pin", rid: "pin", command: { type: "fact", key: "hotel", value: "Hotel Adlon", ttlDays: 30 } });
    room.flush();
    const [memory] = memories(room);
    expect(memory?.expiresAt).toBe(new Date(room.clock + 30 * 24 * HOUR).toISOString());
    const calls: LanguageModelV4CallOptions[] = [];
    room.room.chat.useModel(() => scriptedModel([{ text: ["Ok."] }], calls));
    await say(room, phone, "where am I staying");
    expect(JSON.stringify(calls.at(-1)?.prompt)).toContain("Hotel Adlon");
    room.clock += 30 * 24 * HOUR;
    await say(room, phone, "where am I staying now");
    expect(JSON.stringify(calls.at(-1)?.prompt)).not.toContain("Hotel Adlon");
    await room.room.alarm();
    expect(memories(room)).toEqual([]);
    expect(events(room, "memory.unpinned").map((e) => e.payload)).toEqual([{ memoryId: memory!.id, slot: "fact:hotel", reason: "expired" }]);
  });

  it("[Y5] a re-pin keeps the source and last use when only the expiry changes; null clears the expiry", async () => {
    const { room, phone } = device();
    await say(room, phone, "I'm allergic to peanuts");
    answer(room, phone, "proposal.confirm", pending(room)[0]!.id);
    const pin = (command: Record<string, unknown>) => {
      phone.sendFrame({ type: "memory.pin", rid: `pin-${phone.received.length}`, command: { type: "fact", key: "allergy: peanuts", value: "allergic to peanuts", ...command } });
      room.flush();
      return memories(room)[0]!;
    };
    expect(pin({ ttlDays: 365 })).toMatchObject({ source: { kind: "message" }, expiresAt: new Date(room.clock + 365 * 24 * HOUR).toISOString() });
    expect(pin({})).toMatchObject({ source: { kind: "message" }, expiresAt: new Date(room.clock + 365 * 24 * HOUR).toISOString() });
    expect(pin({ expiresAt: null }).expiresAt).toBeUndefined();
    expect(pin({ value: "badly allergic to peanuts" }).source).toEqual({ kind: "user", deviceId: "phone" });
  });

  it("[Y14] no rule-made offer in a turn whose model already proposed or pinned a memory", async () => {
    const { room, phone } = device();
    // The model pins the home airport itself; the rule would otherwise offer JFK beside it.
    room.room.chat.useModel(() => scriptedModel([{ toolCalls: [{ name: "set_home_airport", input: { code: "EWR" } }] }, { text: ["Done."] }]));
    await say(room, phone, "I fly out of JFK tomorrow");
    expect(pending(room)).toEqual([]);
    // The model offers it under its own words; the rule's "home" offer would be a second card for the same thing.
    const { room: other, phone: laptop } = device();
    other.room.chat.useModel(() => scriptedModel([{ toolCalls: [{ name: "remember", input: { type: "place", key: "city", value: "Berlin" } }] }, { text: ["Shall I?"] }]));
    await say(other, laptop, "I live in Berlin");
    expect(pending(other).map((p) => p.summary)).toEqual(["Remember that your city is Berlin?"]);
  });

  it("[Y13] a dismissed offer is not made again for 90 days; another value is", async () => {
    const { room, phone } = device();
    await say(room, phone, "I live in Berlin");
    answer(room, phone, "proposal.reject", pending(room)[0]!.id);
    await say(room, phone, "I live in Berlin");
    await say(room, phone, "i live in berlin now");
    expect(pending(room)).toEqual([]);
    await say(room, phone, "I live in Paris");
    expect(pending(room).map((p) => p.summary)).toEqual(["You mentioned you live in Paris — remember it?"]);
    answer(room, phone, "proposal.reject", pending(room)[0]!.id);
    room.clock += 91 * 24 * HOUR;
    await say(room, phone, "I live in Berlin");
    expect(pending(room).map((p) => p.summary)).toEqual(["You mentioned you live in Berlin — remember it?"]);
  });

  it("[Y13] a regenerated reply never offers again what its message already offered", async () => {
    const { room, phone } = device();
    await say(room, phone, "I live in Berlin. I'm allergic to peanuts.");
    expect(pending(room)).toHaveLength(2);
    // Left unanswered past its week: neither pending nor dismissed, yet the same message must not offer it again.
    room.clock += MEMORY_PROPOSAL_TTL_MS + 1;
    const message = room.room.ledger.state.recentMessages.find((m) => m.role === "user")!;
    phone.sendFrame({ type: "message.regenerate", rid: "regen", command: { messageId: message.id } });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    expect(room.room.ledger.ofTypes(["turn.regenerated"])).toHaveLength(1);
    expect(pending(room)).toEqual([]);
    expect(room.room.ledger.ofTypes(["proposal.created"])).toHaveLength(2);
  });

  it("[Y9] pin_memory pins at once only a value the user's request names; an expired memory is not already known", async () => {
    const { room, phone } = device();
    room.room.chat.useModel(() => scriptedModel([{ toolCalls: [{ name: "pin_memory", input: { type: "place", key: "home airport", value: "EWR" } }] }, { text: ["Done."] }]));
    await say(room, phone, "Remember that my home airport is JFK");
    expect(memories(room)).toEqual([]);
    expect(pending(room).map((p) => p.summary)).toEqual(["Remember that your home airport is EWR?"]);
    // A question about remembering is no request: proposed, not pinned.
    const { room: other, phone: laptop } = device();
    laptop.sendFrame({ type: "memory.pin", rid: "pin", command: { type: "fact", key: "hotel", value: "Adlon", ttlDays: 1 } });
    other.flush();
    other.clock += 2 * 24 * HOUR;
    other.room.chat.useModel(() => scriptedModel([{ toolCalls: [{ name: "pin_memory", input: { type: "fact", key: "hotel", value: "Adlon" } }] }, { text: ["Ok."] }]));
    await say(other, laptop, "Do you remember the hotel Adlon?");
    expect(pending(other).map((p) => p.summary)).toEqual(["Remember that your hotel is Adlon?"]);
  });

  it("[Y4] memories past their expiry are not recorded as used", async () => {
    const { room, phone } = device();
    phone.sendFrame({ type: "memory.pin", rid: "a", command: { type: "fact", key: "team", value: "Platform" } });
    phone.sendFrame({ type: "memory.pin", rid: "b", command: { type: "fact", key: "hotel", value: "Adlon", ttlDays: 1 } });
    room.flush();
    room.clock += 2 * 24 * HOUR;
    await say(room, phone, "what is on today");
    const team = memories(room).find((m) => m.key === "team")!;
    expect(events(room, "memory.used").map((e) => e.payload)).toEqual([{ memoryIds: [team.id], at: new Date(room.clock).toISOString(), turnId: expect.any(String) }]);
  });

  it("[Y4][Y5] the offline assistant reads the live home airport (so its turn records the use); an expired one it neither reads nor records", async () => {
    const { room, phone } = device();
    phone.sendFrame({ type: "memory.pin", rid: "pin", command: { type: "place", key: "home airport", value: "SFO", ttlDays: 1 } });
    room.flush();
    const reply = async (text: string) => {
      const turnId = await say(room, phone, text);
      return room.room.ledger.state.recentMessages.find((m) => m.role === "assistant" && m.turnId === turnId)?.text;
    };
    // Live: the origin is the pinned airport; the search stops only for want of a flights server.
    expect(await reply("find flights to Boston next Friday")).toBe(ADD_SERVER);
    expect(events(room, "memory.used")).toHaveLength(1);
    room.clock += 2 * 24 * HOUR;
    expect(await reply("find flights to Boston next Friday")).toBe(ASK_ORIGIN);
    expect(events(room, "memory.used")).toHaveLength(1);
  });

  it("[Y13] the model's remember is refused too: not again from a regenerated message, nor what the user dismissed", async () => {
    const { room, phone } = device();
    const remember = { toolCalls: [{ name: "remember", input: { type: "person", key: "dentist", value: "Dr. Lee" } }] };
    room.room.chat.useModel(() => scriptedModel([remember, { text: ["Shall I?"] }]));
    await say(room, phone, "my dentist is Dr. Lee");
    expect(pending(room)).toHaveLength(1);
    room.clock += MEMORY_PROPOSAL_TTL_MS + 1;
    const message = room.room.ledger.state.recentMessages.find((m) => m.role === "user")!;
    phone.sendFrame({ type: "message.regenerate", rid: "regen", command: { messageId: message.id } });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    expect(room.room.ledger.ofTypes(["turn.regenerated"])).toHaveLength(1);
    expect(pending(room)).toEqual([]);
    // Said again in a new message, it may be offered; dismissed, the model's next offer is refused.
    await say(room, phone, "my dentist is still Dr. Lee");
    answer(room, phone, "proposal.reject", pending(room)[0]!.id);
    await say(room, phone, "Dr. Lee is my dentist");
    expect(pending(room)).toEqual([]);
    expect(room.room.ledger.ofTypes(["proposal.created"])).toHaveLength(2);
  });
});
