/**
 * Conversations and branches over the room core in Node (docs/PROTOCOL.md
 * T1–T16): the HTTP routes and socket frames, branches by edit and
 * regenerate, the context of a turn, delete (small at once, big by proposal).
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { maintain } from "../../party/chat/retention.ts";
import { DELETED_TEXT } from "../../party/chat/conversations.ts";
import { branchPath } from "../../party/chat/branches.ts";
import { HistoryPageSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { ConversationSchema, ConversationsPageSchema } from "../../shared/conversations.ts";
import type { Message } from "../../shared/domain.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

async function http(room: FakeRoom, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${Math.random()}`);
  return { status: res.status, body: await res.json() };
}

function twoDevices(room = new FakeRoom()): { room: FakeRoom; a: FakeSocket; b: FakeSocket } {
  const a = room.connect();
  a.hello("laptop");
  const b = room.connect();
  b.hello("phone");
  room.flush();
  return { room, a, b };
}

async function send(room: FakeRoom, body: Record<string, unknown>): Promise<{ messageId: string; turnId: string }> {
  const res = await http(room, "POST", "/api/v1/message", body);
  if (res.status !== 202) throw new Error(`send refused: ${JSON.stringify(res.body)}`);
  await room.room.chat.idle();
  room.flush();
  return AcceptedSchema.parse(res.body);
}

const messages = (room: FakeRoom): Message[] => room.room.ledger.state.recentMessages;
const replyOf = (room: FakeRoom, turnId: string) => messages(room).find((m) => m.role === "assistant" && m.turnId === turnId);

describe("Conversations — list, create, rename, archive (HTTP and socket)", () => {
  it("[T1][T2][T3][T5] a thread created, renamed and archived over HTTP reaches the other device as events, and lists so", async () => {
    const { room, b } = twoDevices();
    const created = await http(room, "POST", "/api/v1/conversations", { title: "Trip" });
    expect(created.status).toBe(201);
    const trip = ConversationSchema.parse(created.body);
    expect(trip).toMatchObject({ title: "Trip", archived: false });
    room.clock += 1000;
    const renamed = await http(room, "PATCH", `/api/v1/conversations/${trip.id}`, { title: "Lisbon trip" });
    expect(renamed.status).toBe(200);
    room.clock += 1000;
    expect((await http(room, "PATCH", `/api/v1/conversations/${trip.id}`, { archived: true })).status).toBe(200);
    room.flush();
    const types = b.of("event").map((f) => f.event.type);
    expect(types).toEqual(["conversation.created", "conversation.updated", "conversation.updated"]);
    const list = ConversationsPageSchema.parse((await http(room, "GET", "/api/v1/conversations")).body);
    expect(list.conversations).toEqual([{ ...trip, title: "Lisbon trip", archived: true, updatedAt: new Date(room.clock).toISOString() }]);
    expect(ConversationsPageSchema.parse((await http(room, "GET", "/api/v1/conversations?archived=false")).body).conversations).toEqual([]);
    expect(ConversationsPageSchema.parse((await http(room, "GET", "/api/v1/conversations?archived=true")).body).conversations).toHaveLength(1);
    expect((await http(room, "GET", "/api/v1/conversations?archived=maybe")).status).toBe(400);
  });

  it("[T2][T3] the same over the socket: command frames acked with the conversation; unknown id 404", async () => {
    const { room, a, b } = twoDevices();
    a.sendFrame({ type: "conversation.create", rid: "c1", command: { id: "work", title: "Work" } });
    a.sendFrame({ type: "conversation.update", rid: "c2", conversationId: "work", command: { archived: true } });
    a.sendFrame({ type: "conversation.update", rid: "c3", conversationId: "nope", command: { title: "x" } });
    room.flush();
    expect(a.of("ack").find((f) => f.rid === "c1")?.result).toMatchObject({ id: "work", title: "Work" });
    expect(a.of("ack").find((f) => f.rid === "c2")?.result).toMatchObject({ id: "work", archived: true });
    expect(a.of("error").find((f) => f.rid === "c3")?.code).toBe("not_found");
    expect(b.of("event").map((f) => f.event.type)).toEqual(["conversation.created", "conversation.updated"]);
    expect((await http(room, "PATCH", "/api/v1/conversations/nope", { title: "x" })).status).toBe(404);
    // Names of Object.prototype members are no conversations (found by the HTTP fuzz).
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      expect((await http(room, "DELETE", `/api/v1/conversations/${name}`)).status).toBe(404);
      expect((await http(room, "PATCH", `/api/v1/conversations/${name}`, { title: "x" })).status).toBe(404);
      expect((await http(room, "GET", `/api/v1/conversations/${name}/messages`)).status).toBe(404);
      expect((await http(room, "POST", "/api/v1/message", { text: "x", conversationId: name })).status).toBe(404);
    }
    expect((await http(room, "POST", "/api/v1/conversations", { id: "work" })).status).toBe(409);
    // T5: create and update are command frames a batch may hold.
    a.sendFrame({
      type: "batch",
      rid: "b1",
      frames: [
        { type: "conversation.create", rid: "b1.0", command: { id: "trip", title: "Trip" } },
        { type: "conversation.update", rid: "b1.1", conversationId: "trip", command: { title: "Lisbon" } },
      ],
    });
    room.flush();
    expect(a.of("batch.result").find((f) => f.rid === "b1")?.results.map((r) => r.type)).toEqual(["ack", "ack"]);
    expect(room.room.ledger.state.conversations?.trip?.title).toBe("Lisbon");
  });

  it("[T2] idempotent by Idempotency-Key: a repeat answers the same conversation, once", async () => {
    const room = new FakeRoom();
    const first = await http(room, "POST", "/api/v1/conversations", { title: "Trip" }, { "idempotency-key": "create-trip-1" });
    const again = await http(room, "POST", "/api/v1/conversations", { title: "Trip" }, { "idempotency-key": "create-trip-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(Object.keys(room.room.ledger.state.conversations ?? {})).toHaveLength(1);
  });
});

describe("Conversations — messages", () => {
  it("[T10] messages into two conversations stay apart; an unknown conversation is 404", async () => {
    const room = new FakeRoom();
    await http(room, "POST", "/api/v1/conversations", { id: "work", title: "Work" });
    await http(room, "POST", "/api/v1/conversations", { id: "trip", title: "Trip" });
    await send(room, { text: "standup at 9", conversationId: "work" });
    await send(room, { text: "book the hotel", conversationId: "trip" });
    await send(room, { text: "hello" });
    const work = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/work/messages")).body);
    const trip = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/trip/messages")).body);
    const main = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/main/messages")).body);
    expect(work.messages.map((m) => [m.role, m.conversationId])).toEqual([["assistant", "work"], ["user", "work"]]);
    expect(trip.messages.map((m) => m.conversationId)).toEqual(["trip", "trip"]);
    expect(trip.messages[1]?.text).toBe("book the hotel");
    expect(main.messages.map((m) => m.conversationId)).toEqual([undefined, undefined]);
    expect((await http(room, "POST", "/api/v1/message", { text: "x", conversationId: "nope" })).status).toBe(404);
    expect((await http(room, "GET", "/api/v1/conversations/nope/messages")).status).toBe(404);
  });

  it("[T8][T9] a conversation's history pages through hot and archived messages, newest first, with no gap or repeat", async () => {
    const room = new FakeRoom({ env: { LLM_DAILY_TOKEN_BUDGET: "100000000" } });
    await http(room, "POST", "/api/v1/conversations", { id: "work", title: "Work" });
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      room.clock += 1000;
      sent.push((await send(room, { text: `work ${i}`, conversationId: i % 2 === 0 ? "work" : "main" })).messageId);
    }
    // 120 messages: 20 leave the hot 100 and are archived.
    maintain({ sql: room.sql, ledger: room.room.ledger, store: room.room.chat.store, now: room.clock });
    expect(room.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_archive").toArray()[0]?.n).toBeGreaterThan(0);
    const seen: Message[] = [];
    let before: string | null = "";
    while (before !== null) {
      const page = HistoryPageSchema.parse((await http(room, "GET", `/api/v1/conversations/work/messages?limit=7${before ? `&before=${encodeURIComponent(before)}` : ""}`)).body);
      seen.push(...page.messages);
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((m) => m.id)).size).toBe(60);
    expect(seen.every((m) => m.conversationId === "work")).toBe(true);
    expect(seen.at(-1)?.text).toBe("work 0");
    expect(seen.filter((m) => m.role === "user").map((m) => m.id)).toEqual(sent.filter((_, i) => i % 2 === 0).reverse());
  });
});

describe("Branches — edit and regenerate", () => {
  it("[T11][T13] an edit is a sibling of the edited message; both stay after a restart", async () => {
    const room = new FakeRoom();
    const first = await send(room, { text: "plan a trip" });
    const second = await send(room, { text: "to Rome" });
    const edit = await send(room, { text: "to Lisbon", editOf: second.messageId });
    const byId = new Map(messages(room).map((m) => [m.id, m]));
    const firstReply = replyOf(room, first.turnId)!;
    expect(byId.get(second.messageId)?.parentId).toBe(firstReply.id);
    expect(byId.get(edit.messageId)).toMatchObject({ parentId: firstReply.id, editOf: second.messageId });
    expect(replyOf(room, edit.turnId)?.parentId).toBe(edit.messageId);
    const again = new FakeRoom({ sql: room.sql, now: room.clock });
    const ids = again.room.ledger.state.recentMessages.map((m) => m.id);
    expect(ids).toContain(second.messageId);
    expect(ids).toContain(edit.messageId);
    const page = HistoryPageSchema.parse((await http(again, "GET", "/api/v1/conversations/main/messages")).body);
    expect(page.messages.filter((m) => m.parentId === firstReply.id).map((m) => m.id).sort()).toEqual([second.messageId, edit.messageId].sort());
    expect((await http(room, "POST", "/api/v1/message", { text: "x", editOf: firstReply.id })).status).toBe(400);
  });

  it("[T12][T14] regenerate: a sibling reply; its context and an edited branch's exclude the abandoned branch", async () => {
    const room = new FakeRoom();
    const calls: LanguageModelV4CallOptions[] = [];
    room.room.chat.useModel(() => scriptedModel([{ text: ["answer ", String(calls.length)] }], calls));
    const first = await send(room, { text: "alpha question" });
    const firstReply = replyOf(room, first.turnId)!;
    const res = await http(room, "POST", `/api/v1/messages/${firstReply.id}/regenerate`, undefined, { "idempotency-key": "regen-0001" });
    expect(res.status).toBe(202);
    const regen = AcceptedSchema.parse(res.body);
    expect(regen.messageId).toBe(first.messageId);
    await room.room.chat.idle();
    room.flush();
    const sibling = replyOf(room, regen.turnId)!;
    expect(sibling.parentId).toBe(first.messageId);
    expect(firstReply.parentId).toBe(first.messageId);
    // Repeated with the same key: the same turn, no new one.
    expect(AcceptedSchema.parse((await http(room, "POST", `/api/v1/messages/${firstReply.id}/regenerate`, undefined, { "idempotency-key": "regen-0001" })).body).turnId).toBe(regen.turnId);
    const prompt = (call: LanguageModelV4CallOptions | undefined) => JSON.stringify(call?.prompt ?? []);
    expect(prompt(calls.at(-1))).toContain("alpha question");
    expect(prompt(calls.at(-1))).not.toContain(firstReply.text);
    // Follow the regenerated reply, then edit that question: the edited branch's context has neither "beta" nor its reply.
    const beta = await send(room, { text: "beta question", parentId: sibling.id });
    expect(prompt(calls.at(-1))).toContain(sibling.text);
    expect(prompt(calls.at(-1))).not.toContain(firstReply.text);
    const betaReply = replyOf(room, beta.turnId)!;
    await send(room, { text: "gamma instead", editOf: beta.messageId });
    expect(prompt(calls.at(-1))).toContain("gamma instead");
    expect(prompt(calls.at(-1))).not.toContain("beta question");
    expect(prompt(calls.at(-1))).not.toContain(betaReply.text);
    const events = room.room.ledger.since(0, 10_000).map((e) => e.type);
    expect(events.filter((t) => t === "turn.regenerated")).toHaveLength(1);
  });

  it("[T12][C13] a regenerate counts against the per-minute message limit", async () => {
    const room = new FakeRoom({ env: { MESSAGES_PER_MINUTE: "2" } });
    const first = await send(room, { text: "hello" });
    expect((await http(room, "POST", `/api/v1/messages/${first.messageId}/regenerate`)).status).toBe(202);
    await room.room.chat.idle();
    const over = await http(room, "POST", `/api/v1/messages/${first.messageId}/regenerate`);
    expect(over.status).toBe(429);
    expect((await http(room, "POST", "/api/v1/message", { text: "again" })).status).toBe(429);
    room.clock += 61_000;
    expect((await http(room, "POST", `/api/v1/messages/${first.messageId}/regenerate`)).status).toBe(202);
    expect((await http(room, "POST", "/api/v1/messages/nope-nope/regenerate")).status).toBe(404);
  });

  it("[T9][T11][T13] a room from before branches: the index is built from its ledger once, and its messages follow one another", async () => {
    const old = new FakeRoom();
    const legacy = (id: string, role: "user" | "assistant", i: number) =>
      old.room.ledger.append({
        type: "message.added",
        actor: role === "user" ? { kind: "user" } : { kind: "assistant", turnId: `t-${id}` },
        correlationId: "legacy",
        payload: { message: { id, role, text: `legacy ${id}`, channel: "chat", status: "complete", createdAt: new Date(old.clock + i * 1000).toISOString() } },
      });
    legacy("u1", "user", 0);
    legacy("a1", "assistant", 1);
    legacy("u2", "user", 2);
    // As a room stored before the index existed.
    old.sql.exec("DROP TABLE chat_message_index");
    old.sql.exec("DROP TABLE chat_message_cursor");
    const room = new FakeRoom({ sql: old.sql, now: old.clock + 10_000 });
    const edit = await send(room, { text: "u2, edited", editOf: "u2" });
    expect(messages(room).find((m) => m.id === edit.messageId)).toMatchObject({ parentId: "a1", editOf: "u2" });
    const page = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/main/messages")).body);
    expect(page.messages.map((m) => m.id).slice(-3)).toEqual(["u2", "a1", "u1"]);
    const next = await send(room, { text: "and then" });
    expect(messages(room).find((m) => m.id === next.messageId)?.parentId).toBe(replyOf(room, edit.turnId)?.id);
  });

  it("[T14] branchPath follows parents, and the previous message of the conversation for messages stored before branches", () => {
    const at = (i: number) => `2026-11-25T10:00:0${i}.000Z`;
    const m = (id: string, i: number, over: Partial<Message> = {}): Message => ({ id, role: "user", text: id, channel: "chat", status: "complete", createdAt: at(i), ...over });
    const list = [m("old1", 0), m("other", 1, { conversationId: "x" }), m("old2", 2), m("a", 3, { parentId: "old2" }), m("b", 4, { parentId: "old2" }), m("c", 5, { parentId: "a" })];
    expect(branchPath(list, "c").map((x) => x.id)).toEqual(["old1", "old2", "a", "c"]);
    expect(branchPath(list, "b").map((x) => x.id)).toEqual(["old1", "old2", "b"]);
    expect(branchPath(list, "other").map((x) => x.id)).toEqual(["other"]);
  });
});

describe("Conversations — delete", () => {
  it("[T6][T7] a small conversation is deleted at once, its messages gone from the state and its text from the ledger", async () => {
    const { room, b } = twoDevices();
    await http(room, "POST", "/api/v1/conversations", { id: "tiny", title: "Tiny" });
    await send(room, { text: "secret hotel code 4711", conversationId: "tiny" });
    const res = await http(room, "DELETE", "/api/v1/conversations/tiny");
    expect(res).toEqual({ status: 200, body: { deleted: true, conversationId: "tiny", messages: 2 } });
    room.flush();
    expect(b.of("event").at(-1)?.event.type).toBe("conversation.deleted");
    expect(room.room.ledger.state.conversations?.tiny).toBeUndefined();
    expect(messages(room).some((m) => m.conversationId === "tiny")).toBe(false);
    const payloads = room.sql.exec<{ payload: string }>("SELECT payload FROM ledger_events").toArray().map((r) => r.payload).join("\n");
    expect(payloads).not.toContain("4711");
    expect(payloads).toContain(DELETED_TEXT);
    const snapshots = room.sql.exec<{ state: string }>("SELECT state FROM ledger_snapshots").toArray().map((r) => r.state).join("\n");
    expect(snapshots).not.toContain("4711");
    const turns = room.sql.exec<{ text: string }>("SELECT text FROM chat_turns").toArray().map((r) => r.text).join("\n");
    expect(turns).not.toContain("4711");
    // L5: replaying the redacted ledger gives the live state.
    expect(room.room.ledger.replayFromZero()).toEqual(room.room.ledger.state);
    expect((await http(room, "DELETE", "/api/v1/conversations/tiny")).status).toBe(404);
  });

  it("[T6][T7] a big one is a proposal; confirmed, it is gone, its archived messages too", async () => {
    const room = new FakeRoom();
    await http(room, "POST", "/api/v1/conversations", { id: "big", title: "Big" });
    await send(room, { text: "hotel one", conversationId: "big" });
    await send(room, { text: "hotel two", conversationId: "big" });
    const res = await http(room, "DELETE", "/api/v1/conversations/big", undefined, { "idempotency-key": "delete-big-1" });
    expect(res.status).toBe(202);
    const proposal = (res.body as { proposal: { id: string; tool: string; summary: string } }).proposal;
    expect(proposal).toMatchObject({ tool: "delete_conversation", summary: expect.stringContaining("4 messages") });
    expect((await http(room, "DELETE", "/api/v1/conversations/big", undefined, { "idempotency-key": "delete-big-1" })).body).toEqual(res.body);
    expect(room.room.ledger.state.conversations?.big).toBeDefined();
    const confirmed = await http(room, "POST", `/api/v1/proposals/${proposal.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(room.room.ledger.state.conversations?.big).toBeUndefined();
    const deleted = room.room.ledger.since(0, 10_000).find((e) => e.type === "conversation.deleted");
    expect(deleted?.actor.kind).toBe("user");
    const payloads = room.sql.exec<{ payload: string }>("SELECT payload FROM ledger_events").toArray().map((r) => r.payload).join("\n");
    expect(payloads).not.toContain("hotel");
    expect(room.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chat_message_index WHERE conversation_id = 'big'").toArray()[0]?.n).toBe(0);
  });
});
