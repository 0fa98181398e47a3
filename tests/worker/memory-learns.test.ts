/**
 * Memory that learns, over HTTP and the socket in workerd (docs/PROTOCOL.md
 * Y1, Y3–Y5, Y11): the offer is never stored until accepted; accepted, its
 * source resolves to the message through the history API; a turn's use of
 * memories is recorded once an hour; an expired memory is unpinned by the alarm.
 */
import { describe, expect, it } from "vitest";
import type { Memory, Message } from "../../shared/domain.ts";
import { api, clockedRoom, connect, freshUser, login, type TestSocket } from "./helpers.ts";

type Event = { type: string; payload: Record<string, unknown> };
const HOUR = 60 * 60 * 1000;

async function events(token: string, type: string): Promise<Event[]> {
  const page = (await (await api(token).get("/api/v1/events?since=0&limit=1000")).json()) as { events: Event[] };
  return page.events.filter((e) => e.type === type);
}

async function state(token: string) {
  return (await (await api(token).get("/api/v1/state")).json()) as { memories: Memory[]; proposals: { id: string; tool: string; summary: string }[] };
}

/** Sends `text` over HTTP and waits for its turn to end on the socket. */
async function say(token: string, s: TestSocket, text: string): Promise<{ turnId: string; messageId: string }> {
  const res = await api(token).post("/api/v1/message", { text });
  expect(res.status).toBe(202);
  const accepted = (await res.json()) as { turnId: string; messageId: string };
  await s.next("llm.completed", (f) => f.turnId === accepted.turnId);
  return accepted;
}

describe("Memory that learns — over HTTP (Y1, Y3–Y5, Y11, Y13)", () => {
  it("[Y1][Y2][Y3][Y11][Y12][Y13] the offer waits; dismissed stores nothing and is not offered again; accepted pins with a source the history API resolves", async () => {
    const token = await login(freshUser("mem-offer"));
    const s = await connect(token, "laptop");
    await s.hello();
    const first = await say(token, s, "I live in Berlin");
    const offer = (await state(token)).proposals.find((p) => p.tool === "remember");
    expect(offer?.summary).toBe("You mentioned you live in Berlin — remember it?");
    expect((await api(token).post(`/api/v1/proposals/${offer!.id}/reject`, undefined)).status).toBe(200);
    expect(await events(token, "memory.pinned")).toEqual([]);
    expect((await state(token)).memories).toEqual([]);
    // Y13: said again, a dismissed offer is not made again.
    await say(token, s, "I live in Berlin");
    expect((await state(token)).proposals.filter((p) => p.tool === "remember")).toEqual([]);

    const said = await say(token, s, "I fly out of JFK on Friday");
    expect(said.messageId).not.toBe(first.messageId);
    const card = (await state(token)).proposals.find((p) => p.tool === "remember")!;
    expect(card.summary).toBe("You mentioned you fly out of JFK — remember it as your home airport?");
    expect((await api(token).post(`/api/v1/proposals/${card.id}/confirm`, undefined)).status).toBe(200);
    const [memory] = (await state(token)).memories;
    expect(memory).toMatchObject({ type: "place", key: "home airport", value: "JFK" });
    expect(memory!.source).toEqual({ kind: "message", messageId: said.messageId, conversationId: "main", turnId: said.turnId, proposalId: card.id });
    // The link's target: the message in its conversation's history (T), the route the chat pages it from.
    const source = memory!.source;
    if (source?.kind !== "message") throw new Error("expected a message source");
    const res = await api(token).get(`/api/v1/conversations/${encodeURIComponent(source.conversationId ?? "main")}/messages?limit=50`);
    expect(res.status).toBe(200);
    const history = (await res.json()) as { messages: Message[] };
    expect(history.messages.find((m) => m.id === source.messageId)).toMatchObject({ role: "user", text: "I fly out of JFK on Friday" });
    expect(await events(token, "memory.pinned")).toHaveLength(1);
    s.close();
  });

  it("[Y4][Y5] turns record use once an hour; the alarm unpins an expired memory with reason expired", async () => {
    const user = freshUser("mem-life");
    const token = await login(user);
    const room = await clockedRoom(user);
    const start = Date.parse("2026-12-01T09:00:00.000Z");
    await room.setClock(new Date(start).toISOString());
    const s = await connect(token, "laptop");
    await s.hello();
    const pinned = await api(token).post("/api/v1/memory/pin", { type: "fact", key: "hotel", value: "Hotel Adlon", ttlDays: 30 });
    expect(pinned.status).toBe(200);
    const memory = (await pinned.json()) as Memory;
    expect(memory).toMatchObject({ expiresAt: "2026-12-31T09:00:00.000Z", source: { kind: "user" } });
    expect((await api(token).post("/api/v1/memory/pin", { type: "fact", key: "x", value: "y", ttlDays: 3, expiresAt: null })).status).toBe(400);

    await say(token, s, "what is on today");
    await say(token, s, "and tomorrow");
    expect(await events(token, "memory.used")).toHaveLength(1);
    await room.setClock(new Date(start + HOUR).toISOString());
    await say(token, s, "and next week");
    const used = await events(token, "memory.used");
    expect(used.map((e) => e.payload.memoryIds)).toEqual([[memory.id], [memory.id]]);
    expect((await state(token)).memories[0]!.lastUsedAt).toBe(new Date(start + HOUR).toISOString());

    await room.setClock("2026-12-31T12:00:00.000Z");
    await room.alarm();
    expect((await state(token)).memories).toEqual([]);
    expect((await events(token, "memory.unpinned")).map((e) => e.payload)).toEqual([{ memoryId: memory.id, slot: "fact:hotel", reason: "expired" }]);
    s.close();
  });
});
