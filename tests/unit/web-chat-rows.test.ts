/** The chat view's rows (docs/PROTOCOL.md W12, W14): stored, acked, live and queued messages as one conversation. */
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/domain.ts";
import { chatRows, deliveryOf, keepUnchanged, type RowsInput } from "../../web/components/chat/chat-rows.ts";

const NOW = Date.parse("2026-11-25T10:00:00.000Z");
const user = (id: string, text: string, turnId: string): Message => ({ id, role: "user", text, channel: "chat", turnId, status: "complete", createdAt: "2026-11-25T09:00:00.000Z" });
const reply = (id: string, text: string, turnId: string): Message => ({ id, role: "assistant", text, channel: "chat", turnId, status: "complete", createdAt: "2026-11-25T09:00:01.000Z" });
const input = (over: Partial<RowsInput> = {}): RowsInput => ({ older: [], recent: [], replies: [], outbox: [], sent: [], proposals: [], undoneTurns: [], live: true, now: NOW, ...over });
const shape = (rows: ReturnType<typeof chatRows>) => rows.map((r) => (r.kind === "user" ? `user:${r.text}:${r.delivery}` : `reply:${r.text}:${r.status}`));

describe("Web — chat rows", () => {
  it("[W12] a stored question and answer, then a live reply streaming, then the outbox in its states", () => {
    const rows = chatRows(
      input({
        recent: [user("u1", "hi", "t1"), reply("a1", "Hello", "t1"), user("u2", "plan my day", "t2")],
        replies: [{ turnId: "t2", text: "Here is", status: "streaming", actions: [] }],
        outbox: [
          { text: "queued", clientActionId: "c1", createdAt: "2026-11-25T09:59:00.000Z" },
          { text: "refused", clientActionId: "c2", createdAt: "2026-11-25T09:59:00.000Z", failed: "too long" },
          { text: "slow down", clientActionId: "c3", createdAt: "2026-11-25T09:59:00.000Z", retryAt: NOW + 5_000 },
        ],
      }),
    );
    expect(shape(rows)).toEqual(["user:hi:sent", "reply:Hello:completed", "user:plan my day:sent", "reply:Here is:streaming", "user:queued:sending", "reply::streaming", "user:refused:failed", "user:slow down:rate-limited"]);
    expect(deliveryOf({ text: "x", clientActionId: "c", createdAt: "" }, false, NOW)).toBe("waiting");
    expect(deliveryOf({ text: "x", clientActionId: "c", createdAt: "", retryAt: NOW - 1 }, true, NOW)).toBe("sending");
  });

  it("[W14] an acked message shows before its event, once; a reply streaming before its question shows at the end", () => {
    const sent = [{ clientActionId: "c9", messageId: "u9", turnId: "t9", text: "remember Rex", createdAt: "2026-11-25T09:59:00.000Z" }];
    const early = chatRows(input({ sent, replies: [{ turnId: "t9", text: "Got", status: "streaming", actions: [] }, { turnId: "tX", text: "Other", status: "streaming", actions: [] }] }));
    expect(shape(early)).toEqual(["user:remember Rex:sent", "reply:Got:streaming", "reply:Other:streaming"]);
    const stored = chatRows(input({ sent, recent: [user("u9", "remember Rex", "t9"), reply("a9", "Got it", "t9")] }));
    expect(shape(stored)).toEqual(["user:remember Rex:sent", "reply:Got it:completed"]);
    // The ids it had in the outbox, from the send to the stored reply: nothing remounts.
    const queued = chatRows(input({ outbox: [{ text: "remember Rex", clientActionId: "c9", createdAt: "2026-11-25T09:59:00.000Z" }] }));
    expect(queued.map((r) => r.id)).toEqual(["out-c9", "reply-out-c9"]);
    expect(early.slice(0, 2).map((r) => r.id)).toEqual(["out-c9", "reply-out-c9"]);
    expect(stored.map((r) => r.id)).toEqual(["out-c9", "reply-out-c9"]);
  });

  it("[W12] an outbox entry is matched to stored messages by client action id only: the same text stored and queued shows twice", () => {
    // The stored "yes" is dated after the queued one (clock skew between devices); the queued one is a new message all the same.
    const stored = { ...user("u1", "yes", "t1"), createdAt: "2026-11-25T09:59:30.000Z" };
    const rows = chatRows(input({ recent: [stored, reply("a1", "Done", "t1")], outbox: [{ text: "yes", clientActionId: "c1", createdAt: "2026-11-25T09:59:00.000Z", failed: "too long" }] }));
    expect(shape(rows)).toEqual(["user:yes:sent", "reply:Done:completed", "user:yes:failed"]);
    // Acked (its client action id is in the ack map): shown once, from the ack, even before the outbox let go of it.
    const sent = [{ clientActionId: "c1", messageId: "u1", turnId: "t1", text: "yes", createdAt: "2026-11-25T09:59:00.000Z" }];
    const acked = chatRows(input({ sent, recent: [stored], outbox: [{ text: "yes", clientActionId: "c1", createdAt: "2026-11-25T09:59:00.000Z" }] }));
    expect(shape(acked)).toEqual(["user:yes:sent", "reply::streaming"]);
  });

  it("[W14] rows that did not change keep their object, so a token re-renders one reply", () => {
    const base = input({ recent: [user("u1", "hi", "t1"), reply("a1", "Hello", "t1"), user("u2", "more", "t2")], replies: [{ turnId: "t2", text: "A", status: "streaming", actions: [] }] });
    const first = keepUnchanged(new Map(), chatRows(base));
    const second = keepUnchanged(first.index, chatRows({ ...base, replies: [{ turnId: "t2", text: "AB", status: "streaming", actions: [] }] }));
    expect(second.rows.slice(0, 3)).toEqual(first.rows.slice(0, 3));
    second.rows.slice(0, 3).forEach((row, i) => expect(row).toBe(first.rows[i]));
    expect(second.rows[3]).not.toBe(first.rows[3]);
  });
});
