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

  it("[C12] the boundary is 90 days: a message 89.9 days old is kept, one 90.1 days old is pruned", () => {
    const room = nodeRoom(() => scriptedModel([{ text: ["x"] }]));
    const DAY = 86_400_000;
    const now = Date.UTC(2026, 10, 21);
    const ages = (i: number) => (i < 10 ? 90.1 : i < 20 ? 89.9 : 1);
    for (let i = 0; i < 150; i++) {
      // The oldest 50 are beyond the hot 100; each a second apart, far less than the 0.1 day margins.
      const createdAt = new Date(now - ages(i) * DAY + i * 1000).toISOString();
      room.ledger.append({ type: "message.added", actor: { kind: "system" }, correlationId: "seed", payload: { message: { id: `m${String(i).padStart(3, "0")}`, role: "user", text: `secret ${i}`, channel: "chat", status: "complete", createdAt } } });
    }
    const run = (at: number) => maintain({ sql: room.sql, ledger: room.ledger, store: room.chat.store, now: at });
    const textOf = (i: number) => room.sql.exec<{ t: string }>("SELECT json_extract(payload, '$.message.text') AS t FROM ledger_events WHERE json_extract(payload, '$.message.id') = ?", `m${String(i).padStart(3, "0")}`).toArray()[0]?.t;
    const archivedIds = () => new Set(room.chat.store.history("9999", "\uffff", 1000).map((m) => m.id));

    // 90.1 days: redacted in the ledger, never archived. 89.9 days: archived, text kept.
    expect(run(now)).toEqual({ archived: 40, pruned: 0, redacted: 10 });
    expect([textOf(0), textOf(9)]).toEqual([PRUNED_TEXT, PRUNED_TEXT]);
    expect([textOf(10), textOf(19)]).toEqual(["secret 10", "secret 19"]);
    expect(archivedIds().has("m000")).toBe(false);
    expect(archivedIds().has("m010")).toBe(true);

    // A fifth of a day later the 89.9-day ones are 90.1 days old: pruned from the archive and the ledger.
    expect(run(now + 0.2 * DAY)).toEqual({ archived: 0, pruned: 10, redacted: 10 });
    expect([textOf(10), textOf(19)]).toEqual([PRUNED_TEXT, PRUNED_TEXT]);
    expect(archivedIds().has("m010")).toBe(false);
    expect(archivedIds().has("m020")).toBe(true);
    expect(textOf(20)).toBe("secret 20");
  });
});
