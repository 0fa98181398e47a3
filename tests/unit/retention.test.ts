import { describe, expect, it } from "vitest";
import { ARCHIVE_RETENTION_MS, maintain, PRUNED_TEXT } from "../../party/chat/retention.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";

describe("Assistant — retention", () => {
  it("[C12] archives beyond the hot 100, prunes after 90 days, removes old text from the ledger, idempotently", () => {
    const room = nodeRoom(() => scriptedModel([{ text: ["x"] }]));
    const now = Date.UTC(2026, 10, 21);
    const at = (daysAgo: number, i: number) => new Date(now - daysAgo * 86_400_000 + i * 1000).toISOString();
    for (let i = 0; i < 150; i++) {
      const daysAgo = i < 20 ? 120 : 10;
      room.ledger.append({ type: "message.added", actor: { kind: "system" }, correlationId: "seed", payload: { message: { id: `m${String(i).padStart(3, "0")}`, role: "user", text: `secret ${i}`, channel: "chat", status: "complete", createdAt: at(daysAgo, i) } } });
    }
    const first = maintain({ sql: room.sql, ledger: room.ledger, store: room.chat.store, now });
    expect(first).toEqual({ archived: 30, pruned: 0, redacted: 20 });
    expect(maintain({ sql: room.sql, ledger: room.ledger, store: room.chat.store, now })).toEqual({ archived: 0, pruned: 0, redacted: 0 });
    const archived = room.chat.store.history("9999", "\uffff", 1000);
    expect(archived.map((m) => m.id)).toEqual(Array.from({ length: 30 }, (_, i) => `m${String(49 - i).padStart(3, "0")}`));
    const texts = room.sql.exec<{ t: string }>("SELECT json_extract(payload, '$.message.text') AS t FROM ledger_events ORDER BY seq LIMIT 20").toArray();
    expect(new Set(texts.map((r) => r.t))).toEqual(new Set([PRUNED_TEXT]));
    // Ninety days on, the archived ones go too.
    const later = maintain({ sql: room.sql, ledger: room.ledger, store: room.chat.store, now: now + ARCHIVE_RETENTION_MS });
    expect(later.pruned).toBe(30);
  });
});
