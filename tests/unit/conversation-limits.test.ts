/**
 * Bounds and defaults of the conversations (docs/PROTOCOL.md T17–T20): a cap
 * on how many, "New chat" clicked twice opens the same empty thread, an
 * automatic title from the first words, and deleting `main`.
 */
import { describe, expect, it } from "vitest";
import { AUTO_TITLE_MAX, MAX_CONVERSATIONS } from "../../party/core/conversation-commands.ts";
import { ConversationSchema, ConversationsPageSchema } from "../../shared/conversations.ts";
import { HistoryPageSchema } from "../../shared/api.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom } from "../support/fake-room.ts";

async function http(room: FakeRoom, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${Math.random()}`);
  return { status: res.status, body: await res.json() };
}

async function send(room: FakeRoom, body: Record<string, unknown>) {
  const res = await http(room, "POST", "/api/v1/message", { channel: "chat", ...body });
  expect(res.status).toBe(202);
  await room.room.chat.idle();
  room.flush();
}

const titleOf = (room: FakeRoom, id: string) => room.room.ledger.state.conversations?.[id]?.title;

describe("Conversation bounds and defaults", () => {
  it("[T17] at most MAX_CONVERSATIONS conversations: one more is a typed 409 conflict that says why", async () => {
    const room = new FakeRoom();
    // Through the one write path, not HTTP: a thousand requests a minute would be rate limited first.
    for (let i = 0; i < MAX_CONVERSATIONS; i++) {
      expect(room.room.execute({ kind: "conversation.create", id: `c${i}`, title: `Thread ${i}` }, { actor: { kind: "user" }, correlationId: `seed-${i}` }).ok).toBe(true);
    }
    const refused = await http(room, "POST", "/api/v1/conversations", { title: "One too many" });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: "conflict", message: expect.stringContaining(`at most ${MAX_CONVERSATIONS}`) } });
    expect(Object.keys(room.room.ledger.state.conversations ?? {})).toHaveLength(MAX_CONVERSATIONS);
    expect((await http(room, "DELETE", "/api/v1/conversations/c0")).status).toBe(200);
    expect((await http(room, "POST", "/api/v1/conversations", { title: "Room again" })).status).toBe(201);
  });

  it("[T18] \"New chat\" clicked twice opens the same empty untitled thread; once it holds a message, a new one", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    const first = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", {})).body);
    room.clock += 1000;
    const again = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", {})).body);
    expect(again.id).toBe(first.id);
    expect(again.updatedAt > first.updatedAt).toBe(true);
    // A titled one is always new.
    const titled = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", { title: "Trip" })).body);
    expect(titled.id).not.toBe(first.id);
    await send(room, { text: "hello there", conversationId: first.id });
    const third = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", {})).body);
    expect(third.id).not.toBe(first.id);
    const list = ConversationsPageSchema.parse((await http(room, "GET", "/api/v1/conversations")).body);
    expect(list.conversations.map((c) => c.id).sort()).toEqual([first.id, titled.id, third.id].sort());
  });

  it("[T19] a \"New chat\" is named after its first message's first words; a title the user set is never replaced", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    const blank = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", {})).body);
    await send(room, { text: "  Plan   the Lisbon trip for May with the kids please ", conversationId: blank.id });
    expect(titleOf(room, blank.id)).toBe("Plan the Lisbon trip for May");
    const event = room.room.ledger.since(0, 10_000).filter((e) => e.type === "conversation.updated").at(-1);
    expect(event?.actor.kind).toBe("system");
    await send(room, { text: "second message changes nothing", conversationId: blank.id });
    expect(titleOf(room, blank.id)).toBe("Plan the Lisbon trip for May");

    const long = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", {})).body);
    await send(room, { text: `${"Supercalifragilisticexpialidocious".repeat(3)} is a long word`, conversationId: long.id });
    const title = titleOf(room, long.id) ?? "";
    expect(title.length).toBeLessThanOrEqual(AUTO_TITLE_MAX);
    expect(title.endsWith("…")).toBe(true);

    const named = ConversationSchema.parse((await http(room, "POST", "/api/v1/conversations", { title: "Work" })).body);
    await send(room, { text: "status report for Monday", conversationId: named.id });
    expect(titleOf(room, named.id)).toBe("Work");
    // `main` keeps its own title.
    await send(room, { text: "hello main" });
    expect(titleOf(room, "main")).toBe("Chat");
  });

  it("[T20] deleting main deletes its messages; main is there again, empty, and takes new messages", async () => {
    const room = new FakeRoom();
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }]));
    await send(room, { text: "a main message" });
    const deleted = await http(room, "DELETE", "/api/v1/conversations/main");
    expect(deleted.status).toBe(200);
    const list = ConversationsPageSchema.parse((await http(room, "GET", "/api/v1/conversations")).body);
    expect(list.conversations.find((c) => c.id === "main")).toBeUndefined();
    expect(HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/main/messages")).body).messages).toEqual([]);
    await send(room, { text: "main again" });
    const page = HistoryPageSchema.parse((await http(room, "GET", "/api/v1/conversations/main/messages")).body);
    expect(page.messages.map((m) => m.text)).toEqual(["ok", "main again"]);
  });
});
