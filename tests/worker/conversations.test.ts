/**
 * Conversations and branches through the real worker and Brain (docs/PROTOCOL.md
 * T1–T14): two devices' sockets and HTTP, eviction in between.
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HistoryPageSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { ConversationSchema, ConversationsPageSchema } from "../../shared/conversations.ts";
import type { Message } from "../../shared/domain.ts";
import { api, connect, freshUser, inRoom, login, stubOf, type TestSocket } from "./helpers.ts";

async function sendOn(s: TestSocket, command: Record<string, unknown>) {
  const rid = `m-${Math.random()}`;
  s.send({ type: "message.send", rid, command: { channel: "chat", ...command } });
  const ack = await s.next("ack", (f) => f.rid === rid);
  const accepted = AcceptedSchema.parse(ack.result);
  await s.next("llm.completed", (f) => f.turnId === accepted.turnId);
  return accepted;
}

async function page(token: string, conversationId: string): Promise<Message[]> {
  const res = await api(token).get(`/api/v1/conversations/${conversationId}/messages?limit=200`);
  expect(res.status).toBe(200);
  return HistoryPageSchema.parse(await res.json()).messages;
}

describe("Conversations — two devices (workerd)", () => {
  it("[T1][T2][T3] a thread created and renamed over HTTP and archived over one device's socket appears so on the other device", async () => {
    const token = await login(freshUser("threads"));
    const laptop = await connect(token, "laptop");
    const phone = await connect(token, "phone");
    await laptop.hello();
    await phone.hello();
    const http = api(token);
    const created = await http.post("/api/v1/conversations", { title: "Trip" });
    expect(created.status).toBe(201);
    const trip = ConversationSchema.parse(await created.json());
    const renamed = await http.call("PATCH", `/api/v1/conversations/${trip.id}`, { title: "Lisbon trip" });
    expect(renamed.status).toBe(200);
    await renamed.body?.cancel();
    laptop.send({ type: "conversation.update", rid: "arch", conversationId: trip.id, command: { archived: true } });
    expect((await laptop.next("ack", (f) => f.rid === "arch")).result).toMatchObject({ id: trip.id, archived: true });
    const seen = [
      await phone.next("event", (f) => f.event.type === "conversation.created"),
      await phone.next("event", (f) => f.event.type === "conversation.updated" && JSON.stringify(f.event.payload).includes("Lisbon trip")),
      await phone.next("event", (f) => f.event.type === "conversation.updated" && JSON.stringify(f.event.payload).includes('"archived":true')),
    ];
    expect(seen.map((f) => f.event.actor.kind)).toEqual(["user", "user", "user"]);
    const list = ConversationsPageSchema.parse(await (await http.get("/api/v1/conversations")).json());
    expect(list.conversations).toEqual([expect.objectContaining({ id: trip.id, title: "Lisbon trip", archived: true })]);
    const state = (await (await http.get("/api/v1/state")).json()) as { conversations: unknown[] };
    expect(state.conversations).toEqual(list.conversations);
    laptop.close();
    phone.close();
  });

  it("[T10][T11][T13][T9] work and trip keep their messages apart; an edit's branch and the old one are both there after eviction", async () => {
    const user = freshUser("branches");
    const token = await login(user);
    const laptop = await connect(token, "laptop");
    await laptop.hello();
    const http = api(token);
    await (await http.post("/api/v1/conversations", { id: "work", title: "Work" })).body?.cancel();
    await (await http.post("/api/v1/conversations", { id: "trip", title: "Trip" })).body?.cancel();
    await sendOn(laptop, { text: "standup moved to 9", conversationId: "work" });
    const hotel = await sendOn(laptop, { text: "which hotel in Rome?", conversationId: "trip" });
    const edit = await sendOn(laptop, { text: "which hotel in Lisbon?", conversationId: "trip", editOf: hotel.messageId });
    const notThere = await http.post("/api/v1/message", { text: "x", conversationId: "nope" });
    expect(notThere.status).toBe(404);
    await notThere.body?.cancel();

    await evictDurableObject(await stubOf(user));

    const trip = await page(token, "trip");
    const work = await page(token, "work");
    expect(work.map((m) => m.conversationId)).toEqual(["work", "work"]);
    expect(trip.every((m) => m.conversationId === "trip")).toBe(true);
    const questions = trip.filter((m) => m.role === "user");
    expect(questions.map((m) => m.text).sort()).toEqual(["which hotel in Lisbon?", "which hotel in Rome?"]);
    // Siblings: both first in their conversation.
    expect(questions.map((m) => m.parentId)).toEqual([null, null]);
    expect(questions.find((m) => m.id === edit.messageId)?.editOf).toBe(hotel.messageId);
    const replies = trip.filter((m) => m.role === "assistant");
    expect(replies.map((m) => m.parentId).sort()).toEqual([hotel.messageId, edit.messageId].sort());
    laptop.close();
  });

  it("[T8][T9] 150 messages of a conversation page whole after eviction: hot ones and those beyond the hot 100, every one once", async () => {
    const user = freshUser("paging");
    const token = await login(user);
    const http = api(token);
    await (await http.post("/api/v1/conversations", { id: "trip", title: "Trip" })).body?.cancel();
    const stub = await stubOf(user);
    const t0 = Date.parse("2026-11-01T09:00:00.000Z");
    await inRoom(stub, (brain) => {
      const ledger = brain.debugLedger();
      ledger.transaction(() => {
        for (let i = 0; i < 150; i++) {
          const message = { id: `trip-${i}`, role: "user" as const, text: `hotel note ${i}`, channel: "chat" as const, status: "complete" as const, createdAt: new Date(t0 + i * 60_000).toISOString(), conversationId: i % 3 === 0 ? "main" : "trip" };
          ledger.append({ type: "message.added", actor: { kind: "user" }, correlationId: "seed", payload: { message } });
        }
      });
    });
    await evictDurableObject(stub);
    const seen: Message[] = [];
    let before: string | null = "";
    while (before !== null) {
      const res = await http.get(`/api/v1/conversations/trip/messages?limit=40${before ? `&before=${encodeURIComponent(before)}` : ""}`);
      const page = HistoryPageSchema.parse(await res.json());
      seen.push(...page.messages);
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(100);
    expect(new Set(seen.map((m) => m.id)).size).toBe(100);
    expect(seen.at(-1)?.id).toBe("trip-1");
    expect(seen[0]?.id).toBe("trip-149");
  });

  it("[T12] regenerate over the socket: a sibling reply, streamed to the other device, both kept", async () => {
    const token = await login(freshUser("regen"));
    const laptop = await connect(token, "laptop");
    const phone = await connect(token, "phone");
    await laptop.hello();
    await phone.hello();
    const first = await sendOn(laptop, { text: "hello" });
    laptop.send({ type: "message.regenerate", rid: "again", command: { messageId: first.messageId, clientActionId: "regen-hello-1" } });
    const accepted = AcceptedSchema.parse((await laptop.next("ack", (f) => f.rid === "again")).result);
    expect(accepted.messageId).toBe(first.messageId);
    expect(accepted.turnId).not.toBe(first.turnId);
    await phone.next("event", (f) => f.event.type === "turn.regenerated" && JSON.stringify(f.event.payload).includes(accepted.turnId));
    await phone.next("llm.completed", (f) => f.turnId === accepted.turnId);
    const replies = (await page(token, "main")).filter((m) => m.role === "assistant");
    expect(replies.map((m) => m.turnId).sort()).toEqual([first.turnId, accepted.turnId].sort());
    expect(replies.every((m) => m.parentId === first.messageId)).toBe(true);
    laptop.close();
    phone.close();
  });

  it("[T6][T7] a big conversation's delete is a proposal; confirmed, the conversation and its text are gone from storage", async () => {
    const user = freshUser("delete");
    const token = await login(user);
    const laptop = await connect(token, "laptop");
    await laptop.hello();
    const http = api(token);
    await (await http.post("/api/v1/conversations", { id: "old", title: "Old" })).body?.cancel();
    await sendOn(laptop, { text: "the hotel code is 4711", conversationId: "old" });
    await sendOn(laptop, { text: "and the gate is B52", conversationId: "old" });
    const asked = await http.call("DELETE", "/api/v1/conversations/old");
    expect(asked.status).toBe(202);
    const { proposal } = (await asked.json()) as { proposal: { id: string; tool: string } };
    expect(proposal.tool).toBe("delete_conversation");
    const confirmed = await http.post(`/api/v1/proposals/${proposal.id}/confirm`, undefined);
    expect(confirmed.status).toBe(200);
    await confirmed.body?.cancel();
    await laptop.next("event", (f) => f.event.type === "conversation.deleted");
    expect((await http.get("/api/v1/conversations/old/messages")).status).toBe(404);
    const stored = await inRoom(await stubOf(user), (_brain, state) =>
      [...state.storage.sql.exec<{ payload: string }>("SELECT payload FROM ledger_events")].map((r) => r.payload).join("\n"),
    );
    expect(stored).not.toContain("4711");
    expect(stored).not.toContain("B52");
    laptop.close();
  });
});
