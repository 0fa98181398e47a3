/**
 * U9: the round trip over the hard data — archived messages past the hot 100,
 * branches (an edit, a regenerated reply), a second and an archived
 * conversation, memories with a message source, last use and expiry — equal
 * field by field after the import, the history pages too, and search finds an
 * archived message in the new room.
 */
import { SELF } from "cloudflare:test";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { BrainState } from "../../shared/api.ts";
import type { Message } from "../../shared/domain.ts";
import { maintain } from "../../party/chat/retention.ts";
import type { SqlCursor, SqlStore, SqlValue } from "../../party/core/sql.ts";
import { api, connect, freshUser, inRoom, login, stubOf, type TestSocket } from "./helpers.ts";

const state = async (token: string) => (await (await api(token).get("/api/v1/state")).json()) as BrainState;

function comparable(s: BrainState) {
  const { userId: _u, devices: _d, knownDevices: _k, usage, lastEventSeq: _seq, proposals: _p, epoch: _e, ...rest } = s;
  const { tokenBudget: _b, ...used } = usage;
  return { ...rest, usage: used };
}

async function pages(token: string, conversationId: string): Promise<Message[][]> {
  const out: Message[][] = [];
  for (let before = ""; ; ) {
    const res = await api(token).get(`/api/v1/conversations/${conversationId}/messages?limit=40${before ? `&before=${encodeURIComponent(before)}` : ""}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: Message[]; nextBefore: string | null };
    out.push(body.messages);
    if (!body.nextBefore) return out;
    before = body.nextBefore;
  }
}

async function searchIds(token: string, q: string): Promise<string[]> {
  const res = await api(token).get(`/api/v1/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { id: string }[] }).results.map((r) => r.id);
}

async function turn(s: TestSocket, res: Response): Promise<{ messageId: string; turnId: string }> {
  expect(res.status).toBe(202);
  const accepted = (await res.json()) as { messageId: string; turnId: string };
  await s.next("llm.completed", (f) => f.turnId === accepted.turnId);
  return accepted;
}

async function seeded() {
  const token = await login(freshUser("hard-from"));
  const http = api(token);
  expect((await http.put("/api/v1/preferences", { timezone: "Europe/Lisbon" })).status).toBe(200);
  const user = (await state(token)).userId;
  // 130 messages in main: those past the hot 100 move to the archive (C12), as retention does it.
  await inRoom(await stubOf(user), (brain, ctx) => {
    const ledger = brain.debugLedger();
    // Written a month ago on the room's clock: the per-minute message limit counts only this minute's.
    brain.debugSetClock(Date.UTC(2026, 9, 1, 8));
    let parent: string | null = null;
    for (let i = 0; i < 130; i++) {
      const role = i % 2 === 0 ? "user" : "assistant";
      const m: Message = { id: `m-${String(i).padStart(4, "0")}`, role, text: `message ${i} about the harbour zq${i}x`, channel: "chat", status: "complete", createdAt: new Date(Date.UTC(2026, 9, 1, 8, 0, i)).toISOString(), parentId: parent };
      ledger.append({ type: "message.added", actor: role === "user" ? { kind: "user" } : { kind: "assistant", turnId: `t-${i}` }, correlationId: "seed", payload: { message: m } });
      parent = m.id;
    }
    const sql: SqlStore = {
      exec: <T extends Record<string, SqlValue>>(q: string, ...b: SqlValue[]) => ctx.storage.sql.exec(q, ...b) as unknown as SqlCursor<T>,
      transactionSync: (fn) => ctx.storage.transactionSync(fn),
    };
    maintain({ sql, ledger, store: brain.debugChat().store, now: Date.UTC(2026, 9, 2), index: brain.debugChat().conversations });
    ledger.append({
      type: "memory.pinned",
      actor: { kind: "user" },
      correlationId: "seed",
      payload: { memory: { id: "mem-1", type: "place", key: "home airport", value: "JFK", pinnedAt: "2026-10-01T09:00:00.000Z", updatedAt: "2026-10-01T09:00:00.000Z", source: { kind: "message", messageId: "m-0002", conversationId: "main" }, expiresAt: "2027-10-01T09:00:00.000Z" } },
    });
    ledger.append({ type: "memory.used", actor: { kind: "system" }, correlationId: "seed", payload: { memoryIds: ["mem-1"], at: "2026-10-01T10:00:00.000Z" } });
    brain.debugSetClock(null);
  });
  // A second conversation with an edit and a regenerated reply; a third, archived.
  const s = await connect(token, "seed");
  await s.hello();
  const trip = (await (await http.post("/api/v1/conversations", { title: "Lisbon trip" })).json()) as { id: string };
  const first = await turn(s, await http.post("/api/v1/message", { text: "what should I pack", channel: "chat", conversationId: trip.id }));
  await turn(s, await http.post("/api/v1/message", { text: "what should I pack for rain", channel: "chat", conversationId: trip.id, editOf: first.messageId }));
  await turn(s, await http.post(`/api/v1/messages/${first.messageId}/regenerate`, {}));
  const old = (await (await http.post("/api/v1/conversations", { title: "Old plans" })).json()) as { id: string };
  await turn(s, await http.post("/api/v1/message", { text: "an old plan", channel: "chat", conversationId: old.id }));
  expect((await SELF.fetch(`https://cos.test/api/v1/conversations/${old.id}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ archived: true }) })).status).toBe(200);
  s.close();
  return { token, conversations: ["main", trip.id, old.id] };
}

describe("your data — the hard round trip", () => {
  it("[U3][U9] archived messages, branches, conversations, memories with provenance: the same state, pages and search after import", async () => {
    const { token, conversations } = await seeded();
    const before = await state(token);
    // Not vacuous: the archive, the branches, the archived conversation and the memory's provenance are there.
    const mainPages = await pages(token, "main");
    expect(mainPages.flat().length).toBe(130);
    expect(before.recentMessages.length).toBe(100);
    const tripMessages = (await pages(token, conversations[1]!)).flat();
    expect(tripMessages.filter((m) => m.role === "user").length).toBe(2);
    expect(tripMessages.some((m) => m.editOf)).toBe(true);
    expect(tripMessages.filter((m) => m.role === "assistant").length).toBe(3);
    expect(before.conversations?.find((c) => c.id === conversations[2])?.archived).toBe(true);
    // lastUsedAt: the seeded use, or a later one by the turns above (Y4).
    expect(before.memories[0]).toMatchObject({ source: { kind: "message", messageId: "m-0002" }, lastUsedAt: expect.any(String), expiresAt: "2027-10-01T09:00:00.000Z" });
    await expect.poll(() => searchIds(token, "zq3x"), { timeout: 20_000 }).toContain("m-0003");

    // C12: the archive table came back too (it serves the history and the next export).
    const messagesOf = async (tok: string) => {
      const r = await api(tok).get("/api/v1/export");
      expect(r.status).toBe(200);
      return JSON.parse(strFromU8(unzipSync(new Uint8Array(await r.arrayBuffer()))["export.json"]!)).messages as Message[];
    };
    const kept = await messagesOf(token);
    // Every kept message: 130 in main (30 archived by retention, 7 more left the hot window since), the trip's and the old plan's.
    expect(kept.length).toBe(130 + tripMessages.length + 2);
    const res = await api(token).get("/api/v1/export");
    expect(res.status).toBe(200);
    const zip = new Uint8Array(await res.arrayBuffer());
    const target = await login(freshUser("hard-to"));
    const imported = await SELF.fetch("https://cos.test/api/v1/import", { method: "POST", headers: { authorization: `Bearer ${target}`, "content-type": "application/zip" }, body: zip.slice().buffer });
    expect(imported.status).toBe(200);

    expect(comparable(await state(target))).toEqual(comparable(before));
    // C11, C12: the history (hot + archive table) reads the same before any maintenance ran in the new room.
    const history = async (tok: string) => {
      const all: Message[] = [];
      for (let before = ""; ; ) {
        const r = await api(tok).get(`/api/v1/messages?limit=50${before ? `&before=${encodeURIComponent(before)}` : ""}`);
        expect(r.status).toBe(200);
        const body = (await r.json()) as { messages: Message[]; nextBefore: string | null };
        all.push(...body.messages);
        if (!body.nextBefore) return all;
        before = body.nextBefore;
      }
    };
    // Every kept message of the archive (hot and archived), newest first.
    expect(await history(target)).toEqual([...kept].reverse());
    for (const id of conversations) expect(await pages(target, id)).toEqual(await pages(token, id));
    expect(await messagesOf(target)).toEqual(kept);
    // Q: the search index rebuilds from the imported ledger; an archived message is found.
    await expect.poll(() => searchIds(target, "zq3x"), { timeout: 20_000 }).toContain("m-0003");
  }, 120_000);
});
