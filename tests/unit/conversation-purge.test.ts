/**
 * A deleted conversation leaves no word of it anywhere in the room's storage
 * (docs/PROTOCOL.md T7): every table and every column is read back, like a
 * grep over the database — the ledger's payloads and the requests its client
 * action ids were checked against, titles, proposals, turns, the archive and
 * the search index.
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../party/core/sql.ts";
import { maintain } from "../../party/chat/retention.ts";
import { HistoryPageSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { ConversationSchema } from "../../shared/conversations.ts";
import { gatedModel, scriptedModel } from "../support/fake-models.ts";
import { FakeRoom } from "../support/fake-room.ts";

async function http(room: FakeRoom, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${Math.random()}`);
  return { status: res.status, body: await res.json() };
}

/** Every table and column holding `needle`, as `table.column` (blobs read as bytes). */
export function tablesHolding(room: FakeRoom, needle: string): string[] {
  const tables = room.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
  const found = new Set<string>();
  for (const { name } of tables) {
    for (const row of room.sql.exec<Record<string, SqlValue>>(`SELECT * FROM "${name}"`).toArray()) {
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : String(value);
        if (text.toLowerCase().includes(needle.toLowerCase())) found.add(`${name}.${column}`);
      }
    }
  }
  return [...found].sort();
}

async function sendTo(room: FakeRoom, conversationId: string, text: string, clientActionId: string) {
  const res = await http(room, "POST", "/api/v1/message", { text, conversationId, channel: "chat", clientActionId });
  expect(res.status).toBe(202);
  await room.room.chat.idle();
  room.flush();
  return AcceptedSchema.parse(res.body);
}

describe("Deleting a conversation removes its words from every table", () => {
  it("[T7] messages sent with client action ids, a title set, a big thread deleted by proposal: no table holds a word of it", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["Noted: zanzibar code 4711"] }]));
    const created = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", { title: "Quokka plans", clientActionId: "web-create-000001" })).body);
    expect((await http(room, "PATCH", `/api/v1/conversations/${created.id}`, { title: "Quokka trip", clientActionId: "web-rename-000001" })).status).toBe(200);
    await sendTo(room, created.id, "secret zanzibar code 4711", "web-send-0000001");
    room.clock += 1000;
    await sendTo(room, created.id, "and the zanzibar pin", "web-send-0000002");
    // Another thread's words stay.
    room.room.chat.useModel(() => scriptedModel([{ text: ["fine"] }]));
    await sendTo(room, "main", "keep this walrus", "web-send-0000003");
    room.flush();
    expect(tablesHolding(room, "zanzibar").length).toBeGreaterThan(0);
    const found = (await http(room, "GET", "/api/v1/search?q=zanzibar")).body as { results: unknown[] };
    expect(found.results.length).toBeGreaterThan(0);

    const asked = await http(room, "DELETE", `/api/v1/conversations/${created.id}`);
    expect(asked.status).toBe(202);
    const proposalId = (asked.body as { proposal: { id: string } }).proposal.id;
    expect(tablesHolding(room, "quokka")).toContain("chat_proposals.summary");
    expect((await http(room, "POST", `/api/v1/proposals/${proposalId}/confirm`, {})).status).toBe(200);
    room.flush();

    expect(tablesHolding(room, "zanzibar")).toEqual([]);
    expect(tablesHolding(room, "4711")).toEqual([]);
    expect(tablesHolding(room, "quokka")).toEqual([]);
    expect(tablesHolding(room, "walrus").length).toBeGreaterThan(0);
    // The search index answers nothing of it, at once.
    expect(((await http(room, "GET", "/api/v1/search?q=zanzibar")).body as { results: unknown[] }).results).toEqual([]);
  });

  it("[T7] a retry of a deleted message's client action id is refused as a conflict, not answered from its text", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    await http(room, "POST", "/api/v1/conversations", { id: "tiny", title: "Tiny" });
    await sendTo(room, "tiny", "secret hotel code 4711", "web-abc-123456");
    expect((await http(room, "DELETE", "/api/v1/conversations/tiny")).status).toBe(200);
    expect(tablesHolding(room, "4711")).toEqual([]);
    const again = await http(room, "POST", "/api/v1/message", { text: "secret hotel code 4711", conversationId: "tiny", channel: "chat", clientActionId: "web-abc-123456" });
    expect(again.status).toBe(409);
  });

  it("[C12][T16] the 90-day redaction removes a message's text from the request its client action id was checked against", async () => {
    const room = new FakeRoom({ env: { MESSAGES_PER_MINUTE: "1000" } });
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    await sendTo(room, "main", "old ocelot secret", "web-old-0000001");
    for (let i = 0; i < 55; i++) {
      room.clock += 1000;
      await sendTo(room, "main", `filler ${i}`, `web-fill-${String(i).padStart(6, "0")}`);
    }
    room.clock += 91 * 24 * 60 * 60 * 1000;
    const done = maintain({ sql: room.sql, ledger: room.room.ledger, store: room.room.chat.store, now: room.clock, index: room.room.chat.conversations });
    expect(done.redacted).toBeGreaterThan(0);
    expect(room.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ledger_events WHERE request LIKE '%ocelot%'").toArray()[0]?.n).toBe(0);
  });
});

describe("Deleting a conversation with a pending proposal of its turn", () => {
  it("[T7] a memory proposal made from its message expires (proposal.settled) and keeps no word of it", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    await http(room, "POST", "/api/v1/conversations", { id: "fly", title: "Fly" });
    await sendTo(room, "fly", "I fly out of JFK on Friday", "web-fly-0000001");
    const proposed = room.sql.exec<{ id: string; status: string }>("SELECT id, status FROM chat_proposals").toArray();
    expect(proposed).toHaveLength(1);
    expect((await http(room, "DELETE", "/api/v1/conversations/fly")).status).toBe(200);
    expect(tablesHolding(room, "JFK")).toEqual([]);
    const settled = room.room.ledger.since(0, 10_000).find((e) => e.type === "proposal.settled");
    expect(settled?.payload).toMatchObject({ proposalId: proposed[0]!.id, status: "expired" });
    expect((await http(room, "POST", `/api/v1/proposals/${proposed[0]!.id}/confirm`, {})).status).toBe(409);
  });
});

describe("Deleting a conversation while its turns run", () => {
  it("[T7] the streaming and the queued turn of a deleted thread stop; no reply lands in main; another thread's queued turn still runs", async () => {
    const room = new FakeRoom();
    const gates = [gatedModel(), gatedModel()];
    let n = 0;
    room.room.chat.useModel(() => {
      const base = gates[0]!.model;
      return { ...base, doStream: (call: LanguageModelV4CallOptions) => gates[Math.min(n++, 1)]!.model.doStream(call) };
    });
    await http(room, "POST", "/api/v1/conversations", { id: "tiny", title: "Tiny" });
    expect((await http(room, "POST", "/api/v1/message", { text: "secret hotel code 4711", conversationId: "tiny", channel: "chat" })).status).toBe(202);
    room.flush();
    await gates[0]!.ready;
    gates[0]!.push("your code 4711 ", "is noted");
    const queued = AcceptedSchema.parse((await http(room, "POST", "/api/v1/message", { text: "and 4711 again", conversationId: "tiny", channel: "chat" })).body);
    const other = AcceptedSchema.parse((await http(room, "POST", "/api/v1/message", { text: "hello main", channel: "chat" })).body);
    const deleted = await http(room, "DELETE", "/api/v1/conversations/tiny");
    expect(deleted.status).toBe(200);
    // The thread's queued turn never reaches the model: the next one to stream is main's.
    await gates[1]!.ready;
    gates[1]!.push("hi");
    gates[1]!.end();
    await room.room.chat.idle();
    room.flush();
    expect(room.room.chat.store.turn(queued.turnId)?.status).toBe("interrupted");
    const state = room.room.ledger.state.recentMessages;
    expect(state.map((m) => [m.role, m.text])).toEqual([["user", "hello main"], ["assistant", "hi"]]);
    expect(state.find((m) => m.role === "assistant")?.turnId).toBe(other.turnId);
    const main = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/main/messages")).body);
    expect(main.messages.map((m) => m.text)).toEqual(["hi", "hello main"]);
    expect(tablesHolding(room, "4711")).toEqual([]);
  });
});

describe("Small or big is decided by every message of the thread, archived ones too", () => {
  it("[T6][T7] a thread whose messages were all archived by retention is still big: a proposal; confirmed, its archive rows go", async () => {
    const room = new FakeRoom({ env: { MESSAGES_PER_MINUTE: "1000" } });
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    await http(room, "POST", "/api/v1/conversations", { id: "old", title: "Old" });
    const first = await sendTo(room, "old", "archived aardvark one", "web-old-0000001");
    await sendTo(room, "old", "archived aardvark two", "web-old-0000002");
    for (let i = 0; i < 52; i++) {
      room.clock += 1000;
      await sendTo(room, "main", `filler ${i}`, `web-fill-${String(i).padStart(6, "0")}`);
    }
    const done = maintain({ sql: room.sql, ledger: room.room.ledger, store: room.room.chat.store, now: room.clock, index: room.room.chat.conversations });
    expect(done.archived).toBeGreaterThanOrEqual(4);
    const state = room.room.ledger.state.recentMessages;
    expect(state.some((m) => m.conversationId === "old")).toBe(false);
    expect(room.sql.exec<{ n: number }>("SELECT count(*) AS n FROM chat_archive WHERE id = ?", first.messageId).toArray()[0]?.n).toBe(1);
    const asked = await http(room, "DELETE", "/api/v1/conversations/old");
    expect(asked.status).toBe(202);
    const proposal = (asked.body as { proposal: { id: string; summary: string } }).proposal;
    expect(proposal.summary).toContain("4 messages");
    expect((await http(room, "POST", `/api/v1/proposals/${proposal.id}/confirm`, {})).status).toBe(200);
    expect(tablesHolding(room, "aardvark")).toEqual([]);
  });
});
