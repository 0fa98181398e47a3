/**
 * The context of a turn is its branch (docs/PROTOCOL.md T11, T14), even where
 * the branch leaves the hot 100 messages, and the reply to a question that was
 * still streaming when the next one was sent stays on the next one's path.
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { branchPath } from "../../party/chat/branches.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { gatedModel, scriptedModel } from "../support/fake-models.ts";
import { FakeRoom } from "../support/fake-room.ts";

async function http(room: FakeRoom, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${Math.random()}`);
  return { status: res.status, body: await res.json() };
}

const promptOf = (call: LanguageModelV4CallOptions | undefined) => JSON.stringify(call?.prompt.filter((p) => p.role !== "system"));

describe("Context of a turn across the hot set and a streaming reply", () => {
  it("[T11][T14] a message sent while the previous reply streams has that reply in its context once stored", async () => {
    const room = new FakeRoom();
    const gates = [gatedModel(), gatedModel()];
    const calls: LanguageModelV4CallOptions[] = [];
    let n = 0;
    room.room.chat.useModel(() => ({
      ...gates[0]!.model,
      doStream: (c: LanguageModelV4CallOptions) => {
        calls.push(c);
        return gates[Math.min(n++, 1)]!.model.doStream(c);
      },
    }));
    await http(room, "POST", "/api/v1/message", { text: "book the hotel in Rome", channel: "chat" });
    room.flush();
    await gates[0]!.ready;
    const second = AcceptedSchema.parse((await http(room, "POST", "/api/v1/message", { text: "and make it two nights", channel: "chat" })).body);
    gates[0]!.push("Booked Hotel Roma for you");
    gates[0]!.end();
    await gates[1]!.ready;
    const prompt = promptOf(calls.at(-1));
    expect(prompt).toContain("book the hotel");
    expect(prompt).toContain("Booked Hotel Roma");
    expect(prompt.indexOf("Booked Hotel Roma")).toBeLessThan(prompt.indexOf("two nights"));
    gates[1]!.push("ok");
    gates[1]!.end();
    await room.room.chat.idle();
    const path = branchPath(room.room.ledger.state.recentMessages, room.room.ledger.state.recentMessages.at(-1)!.id).map((m) => m.text);
    expect(path).toEqual(["book the hotel in Rome", "Booked Hotel Roma for you", "and make it two nights", "ok"]);
    expect(second.messageId).toBeTruthy();
  });

  it("[T14] a thread pushed out of the hot 100 by another keeps its context; regenerating its old message sends its text", async () => {
    const room = new FakeRoom({ env: { MESSAGES_PER_MINUTE: "1000" } });
    const calls: LanguageModelV4CallOptions[] = [];
    room.room.chat.useModel(() => scriptedModel([{ text: ["ok"] }], calls));
    await http(room, "POST", "/api/v1/conversations", { id: "trip", title: "Trip" });
    const first = AcceptedSchema.parse((await http(room, "POST", "/api/v1/message", { text: "we stay at Hotel Adlon in Berlin", channel: "chat", conversationId: "trip" })).body);
    await room.room.chat.idle();
    for (let i = 0; i < 55; i++) {
      room.clock += 2000;
      await http(room, "POST", "/api/v1/message", { text: `work item ${i}`, channel: "chat" });
      await room.room.chat.idle();
    }
    expect(room.room.ledger.state.recentMessages.some((m) => m.id === first.messageId)).toBe(false);
    room.clock += 2000;
    await http(room, "POST", "/api/v1/message", { text: "what is the name of our hotel?", channel: "chat", conversationId: "trip" });
    await room.room.chat.idle();
    const next = promptOf(calls.at(-1));
    expect(next).toContain("Adlon");
    expect(next).toContain("name of our hotel");
    expect(next).not.toContain("work item");
    const regen = await http(room, "POST", `/api/v1/messages/${first.messageId}/regenerate`, {});
    expect(regen.status).toBe(202);
    await room.room.chat.idle();
    const again = calls.at(-1)?.prompt.filter((p) => p.role !== "system") ?? [];
    expect(JSON.stringify(again)).toContain("we stay at Hotel Adlon in Berlin");
    expect(JSON.stringify(again)).not.toContain("name of our hotel");
  });

  it("[T14] the walk beyond the hot set is bounded: a long archived thread gives at most PATH_MAX_MESSAGES messages", () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({ id: `m${i}`, role: i % 2 ? ("assistant" as const) : ("user" as const), text: `t${i}`, channel: "chat" as const, status: "complete" as const, createdAt: new Date(i * 1000).toISOString(), parentId: i === 0 ? null : `m${i - 1}` }));
    const byId = new Map(messages.map((m) => [m.id, m]));
    let lookups = 0;
    const older = { message: (id: string) => (lookups++, byId.get(id) ?? null), parentOf: (id: string) => byId.get(id)?.parentId ?? null };
    const path = branchPath(messages.slice(190), "m199", older);
    expect(path).toHaveLength(40);
    expect(path.at(-1)?.id).toBe("m199");
    expect(lookups).toBeLessThanOrEqual(41);
  });
});
