/**
 * The message index of a room older than it is backfilled in bounded chunks
 * (docs/PROTOCOL.md T9): one `sync` reads at most SYNC_CHUNK_EVENTS ledger
 * events, the alarm's maintenance advances it, and a reader (a history page)
 * answers only from a complete index.
 */
import { describe, expect, it } from "vitest";
import { SYNC_CHUNK_EVENTS } from "../../party/chat/conversations.ts";
import { maintain } from "../../party/chat/retention.ts";
import { HistoryPageSchema } from "../../shared/api.ts";
import { FakeRoom } from "../support/fake-room.ts";

const cursorOf = (room: FakeRoom) => room.sql.exec<{ seq: number }>("SELECT seq FROM chat_message_cursor WHERE one = 1").toArray()[0]?.seq ?? 0;
const indexed = (room: FakeRoom) => room.sql.exec<{ n: number }>("SELECT count(*) AS n FROM chat_message_index").toArray()[0]?.n ?? 0;

describe("Backfilling the message index of an old room", () => {
  it("[T9] 12,500 messages stored before the index: a sync reads one chunk, the alarm another, a history page completes it and answers right", async () => {
    const room = new FakeRoom();
    const ledger = room.room.ledger;
    const total = 12_500;
    const start = ledger.lastSeq;
    ledger.transaction(() => {
      for (let i = 0; i < total; i++) {
        const createdAt = new Date(room.clock - (total - i) * 1000).toISOString();
        // Stored before branches: no parentId, no conversationId (main).
        ledger.append({ type: "message.added", actor: { kind: "user" }, correlationId: `seed-${i}`, payload: { message: { id: `m${String(i).padStart(6, "0")}`, role: "user", text: `old ${i}`, channel: "chat", status: "complete", createdAt } } });
      }
    });
    // The rows were written behind the index's back, as by a room from before it.
    room.sql.exec("DELETE FROM chat_message_index");
    room.sql.exec("INSERT INTO chat_message_cursor (one, seq) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET seq = excluded.seq", start);
    const index = room.room.chat.conversations;

    expect(index.sync()).toBe(false);
    expect(cursorOf(room)).toBe(start + SYNC_CHUNK_EVENTS);
    expect(indexed(room)).toBe(SYNC_CHUNK_EVENTS);
    maintain({ sql: room.sql, ledger, store: room.room.chat.store, now: room.clock, index });
    expect(cursorOf(room)).toBe(start + 2 * SYNC_CHUNK_EVENTS);

    const res = await room.room.request(new Request("http://room.test/api/v1/conversations/main/messages?limit=3"), "req-page");
    const page = HistoryPageSchema.parse(await res.json());
    expect(page.messages.map((m) => m.id)).toEqual(["m012499", "m012498", "m012497"]);
    expect(cursorOf(room)).toBe(ledger.lastSeq);
    expect(indexed(room)).toBe(total);
    // Parents across chunk boundaries follow the previous message, as if indexed in one pass.
    expect(index.entry(`m${String(SYNC_CHUNK_EVENTS).padStart(6, "0")}`)?.parentId).toBe(`m${String(SYNC_CHUNK_EVENTS - 1).padStart(6, "0")}`);
    expect(index.count("main")).toBe(total);
  });
});
