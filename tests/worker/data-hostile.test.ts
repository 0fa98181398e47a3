/**
 * Your data (docs/PROTOCOL.md U5, U7–U9): archives that pass the schema but
 * lie — a conversation named like an Object.prototype key, a forged or edited
 * archived message, a document of bad base64 — and the import's answers to a
 * retry and to what the archive cannot carry (credentials).
 */
import { SELF } from "cloudflare:test";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { BrainState } from "../../shared/api.ts";
import type { Message } from "../../shared/domain.ts";
import type { EventEnvelope } from "../../shared/events.ts";
import { ExportSchema } from "../../shared/export.ts";
import { maintain } from "../../party/chat/retention.ts";
import type { SqlCursor, SqlStore, SqlValue } from "../../party/core/sql.ts";
import { api, freshUser, inRoom, login, stubOf } from "./helpers.ts";

const state = async (token: string) => (await (await api(token).get("/api/v1/state")).json()) as BrainState;

async function exportJson(token: string) {
  const res = await api(token).get("/api/v1/export");
  expect(res.status).toBe(200);
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return ExportSchema.parse(JSON.parse(strFromU8(files["export.json"]!)));
}

const zipOf = (data: unknown) => zipSync({ "export.json": strToU8(JSON.stringify(data)) });

function rawImport(token: string, zip: Uint8Array): Promise<Response> {
  return SELF.fetch("https://cos.test/api/v1/import", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/zip" },
    body: zip.slice().buffer,
  });
}

const message = (i: number, role: Message["role"], parentId: string | null): Message => ({
  id: `m-${String(i).padStart(4, "0")}`,
  role,
  text: `message number ${i} about the harbour`,
  channel: "chat",
  status: "complete",
  createdAt: new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString(),
  parentId,
});

/** A room with `n` messages in `main`, those past the hot 100 moved to the archive by retention (C12). */
async function withMessages(label: string, n: number) {
  const token = await login(freshUser(label));
  const user = (await state(token)).userId;
  const stub = await stubOf(user);
  await inRoom(stub, (brain, ctx) => {
    const ledger = brain.debugLedger();
    let parent: string | null = null;
    for (let i = 0; i < n; i++) {
      const m = message(i, i % 2 === 0 ? "user" : "assistant", parent);
      ledger.append({ type: "message.added", actor: m.role === "user" ? { kind: "user" } : { kind: "assistant", turnId: `t-${i}` }, correlationId: "seed", payload: { message: m } });
      parent = m.id;
    }
    const sql: SqlStore = {
      exec: <T extends Record<string, SqlValue>>(q: string, ...b: SqlValue[]) => ctx.storage.sql.exec(q, ...b) as unknown as SqlCursor<T>,
      transactionSync: (fn) => ctx.storage.transactionSync(fn),
    };
    maintain({ sql, ledger, store: brain.debugChat().store, now: Date.UTC(2026, 10, 2), index: brain.debugChat().conversations });
  });
  return { token, user };
}

async function page(token: string, conversationId = "main") {
  const all: Message[] = [];
  for (let before = ""; ; ) {
    const res = await api(token).get(`/api/v1/conversations/${conversationId}/messages?limit=50${before ? `&before=${encodeURIComponent(before)}` : ""}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: Message[]; nextBefore: string | null };
    all.push(...body.messages);
    if (!body.nextBefore) return all;
    before = body.nextBefore;
  }
}

describe("your data — archives that lie", () => {
  it("[U7] events that replay into a conversation keyed `constructor` are refused 400 and nothing is written", async () => {
    const { token } = await withMessages("proto-from", 2);
    const data = await exportJson(token);
    const hostile = {
      ...data,
      ledger: data.ledger.map((e): EventEnvelope => (e.type === "message.added" ? { ...e, payload: { message: { ...(e.payload as { message: Message }).message, conversationId: "constructor" } } } : e)),
    };
    const target = await login(freshUser("proto-to"));
    const seq = (await state(target)).lastEventSeq;
    const res = await rawImport(target, zipOf(hostile));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request", message: expect.stringContaining("conversation the events never create") } });
    expect((await state(target)).lastEventSeq).toBe(seq);
    expect((await state(target)).conversations ?? []).toEqual([]);
  });

  it("[U7] a document of bad base64 is 400 invalid_request, not 500", async () => {
    const { token } = await withMessages("b64-from", 2);
    const data = await exportJson(token);
    const target = await login(freshUser("b64-to"));
    for (const document of ["abcde", "abc", "ab=c"]) {
      const res = await rawImport(target, zipOf({ ...data, document }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });

  it("[U9] archived messages come back as the ledger has them: a forged one is dropped, an edited text restored", async () => {
    const { token } = await withMessages("forge-from", 130);
    const before = await page(token);
    expect(before.length).toBe(130);
    const data = await exportJson(token);
    const forged: Message = { ...message(9999, "assistant", "m-0000"), id: "forged", text: "a reply nobody sent" };
    const lying = { ...data, messages: [forged, ...data.messages.map((m) => (m.id === "m-0003" ? { ...m, text: "words put in my mouth" } : m))] };
    const target = await login(freshUser("forge-to"));
    expect((await rawImport(target, zipOf(lying))).status).toBe(200);
    const after = await page(target);
    expect(after.map((m) => m.id)).not.toContain("forged");
    expect(after.find((m) => m.id === "m-0003")?.text).toBe("message number 3 about the harbour");
    expect(after).toEqual(before);
  });

  it("[U8] the same archive imported again (a retry) answers 200 with the first answer and writes nothing", async () => {
    const { token } = await withMessages("retry-from", 4);
    const data = await exportJson(token);
    const target = await login(freshUser("retry-to"));
    const first = await rawImport(target, zipOf(data));
    expect(first.status).toBe(200);
    const answer = await first.json();
    const seq = (await state(target)).lastEventSeq;
    const again = await rawImport(target, zipOf(data));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(answer);
    expect((await state(target)).lastEventSeq).toBe(seq);
    // Another archive into the now full room is still a conflict.
    expect((await rawImport(target, zipOf({ ...data, exportedAt: "2026-01-01T00:00:00.000Z" }))).status).toBe(409);
  });

  it("[U5] calendar sources come back marked to reconnect, push subscriptions dropped (their credentials never left)", async () => {
    const { token, user } = await withMessages("creds-from", 2);
    await inRoom(await stubOf(user), (brain) => {
      const ledger = brain.debugLedger();
      ledger.append({ type: "calendar.source.added", actor: { kind: "user" }, correlationId: "seed", payload: { source: { id: "cal-1", kind: "ics", name: "Work", status: "ok", lastSyncAt: "2026-11-01T08:00:00.000Z", writable: false } } });
      ledger.append({ type: "push.subscribed", actor: { kind: "user" }, correlationId: "seed", payload: { subscription: { id: "push-1", deviceId: "d1", origin: "https://fcm.googleapis.com", createdAt: "2026-11-01T08:00:00.000Z" } } });
    });
    const data = await exportJson(token);
    const target = await login(freshUser("creds-to"));
    expect((await rawImport(target, zipOf(data))).status).toBe(200);
    const after = await state(target);
    expect(after.calendarSources).toEqual([expect.objectContaining({ id: "cal-1", status: "error", error: "reconnect after import" })]);
    expect(after.pushSubscriptions ?? []).toEqual([]);
  });

  it("[U1] exports count in the write rate limit: past it, 429 rate_limited with Retry-After", async () => {
    const { token, user } = await withMessages("export-limit", 2);
    // A fixed room clock: the bucket does not refill while the test runs.
    await inRoom(await stubOf(user), (brain) => brain.debugSetClock(Date.UTC(2026, 10, 25, 10)));
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 45 && !limited; i++) {
      const res = await api(token).get("/api/v1/export");
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited!.json()).toMatchObject({ error: { code: "rate_limited" } });
  });
});
