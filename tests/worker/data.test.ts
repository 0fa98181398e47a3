/**
 * Your data (docs/PROTOCOL.md U1–U17) inside workerd: the archive out, into a
 * new user's room, the same state back field by field; the import's refusals;
 * the account's deletion leaving nothing in storage.
 */
import { SELF } from "cloudflare:test";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { BrainState } from "../../shared/api.ts";
import { ExportSchema } from "../../shared/export.ts";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { readBlocks, readGoals, writeBlock, writeGoal } from "../../shared/doc-schema.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { leftover } from "./leftover.ts";

async function state(token: string): Promise<BrainState> {
  return (await (await api(token).get("/api/v1/state")).json()) as BrainState;
}

async function exportOf(token: string) {
  const res = await api(token).get("/api/v1/export");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/zip");
  const disposition = res.headers.get("content-disposition") ?? "";
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return { disposition, files, bytes: zipSync(files) };
}

async function rawImport(token: string, zip: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch("https://cos.test/api/v1/import", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/zip", ...headers },
    body: zip.slice().buffer,
  });
}

/** A user with some of everything: tasks, a note, a memory, preferences, a conversation with a reply. */
async function seeded(label: string) {
  const token = await login(freshUser(label));
  const http = api(token);
  expect((await http.put("/api/v1/preferences", { timezone: "America/New_York" })).status).toBe(200);
  for (const title of ["Book the hotel", "Call John"]) expect((await http.post("/api/v1/tasks", { action: "create", task: { title, tags: ["trip"] } })).status).toBe(201);
  expect((await http.post("/api/v1/notes", { action: "create", note: { title: "Trip plan", body: "Hotel near the station.\nTrain at 9." } })).status).toBe(201);
  expect((await http.post("/api/v1/memory/pin", { type: "place", key: "home airport", value: "JFK" })).status).toBe(200);
  // A goal and a block, written as a device's edit would be (they live in the document only).
  const at = "2026-11-20T10:00:00.000Z";
  await inRoom(await stubOf((await state(token)).userId), (brain) => {
    writeGoal(brain.document, { id: "goal-rome", title: "Trip to Rome", targetDate: "2027-03-01", status: "active", taskIds: [], createdAt: at, updatedAt: at, createdBy: "user:seed" }, { actorLabel: "user:seed" });
    writeBlock(brain.document, { id: "block-pack", title: "Pack", start: "2026-11-28T09:00:00.000Z", end: "2026-11-28T10:00:00.000Z", taskId: null, goalId: "goal-rome", source: "user", createdAt: at, updatedAt: at, createdBy: "user:seed" }, { actorLabel: "user:seed" });
  });
  const s = await connect(token, "seed");
  await s.hello();
  const res = await http.post("/api/v1/message", { text: "remind me to pack tomorrow at 9am", channel: "chat" });
  expect(res.status).toBe(202);
  const { turnId } = (await res.json()) as { turnId: string };
  await s.next("llm.completed", (f) => f.turnId === turnId);
  s.close();
  return token;
}

/** The state as the user sees it, without what belongs to the room rather than the data (U9). */
function comparable(s: BrainState) {
  const { userId: _u, devices: _d, knownDevices: _k, usage, lastEventSeq: _seq, proposals: _p, epoch: _e, ...rest } = s;
  const { tokenBudget: _b, ...used } = usage;
  return { ...rest, usage: used };
}

describe("Brain — your data", () => {
  it("[U1][U2][U3] the export is a zip of export.json (every event in seq order, the document), notes and chats as Markdown", async () => {
    const token = await seeded("export");
    const { disposition, files } = await exportOf(token);
    expect(disposition).toMatch(/^attachment; filename="micro-cos-\d{4}-\d{2}-\d{2}\.zip"$/);
    const names = Object.keys(files).sort();
    expect(names).toContain("export.json");
    expect(names.some((n) => /^notes\/trip-plan-[A-Za-z0-9-]+\.md$/.test(n))).toBe(true);
    expect(names.some((n) => /^chats\/chat-main\.md$/.test(n))).toBe(true);
    const data = ExportSchema.parse(JSON.parse(new TextDecoder().decode(files["export.json"])));
    const events = (await (await api(token).get("/api/v1/events?limit=1000")).json()) as { events: { id: string; seq: number }[] };
    expect(data.ledger.map((e) => e.id)).toEqual(events.events.map((e) => e.id));
    expect(data.ledger.map((e) => e.seq)).toEqual([...data.ledger.map((e) => e.seq)].sort((a, b) => a - b));
    expect(data.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const note = new TextDecoder().decode(files[Object.keys(files).find((n) => n.startsWith("notes/"))!]);
    expect(note).toBe("# Trip plan\n\nHotel near the station.\nTrain at 9.\n");
    const chat = new TextDecoder().decode(files["chats/chat-main.md"]);
    expect(chat).toContain("remind me to pack tomorrow at 9am");
  });

  it("[U8][U9][U10] export → import into a new user's room → the same state, field by field", async () => {
    const source = await seeded("roundtrip-from");
    const before = await state(source);
    const { bytes } = await exportOf(source);
    const target = await login(freshUser("roundtrip-to"));
    const watcher = await connect(target, "watch");
    await watcher.hello();
    const res = await rawImport(target, bytes);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: true });
    // U11: the devices are told to read their state again.
    expect((await watcher.whenClosed()).code).toBe(CLOSE_CODES.dataReplaced);
    const after = await state(target);
    expect(comparable(after)).toEqual(comparable(before));
    // The document's goals and blocks (not in the state: devices read them from Yjs) came back as they were.
    const docOf = async (tok: string) => inRoom(await stubOf((await state(tok)).userId), (brain) => ({ goals: readGoals(brain.document), blocks: readBlocks(brain.document) }));
    const docBefore = await docOf(source);
    expect(docBefore.goals.map((g) => g.title)).toEqual(["Trip to Rome"]);
    expect(await docOf(target)).toEqual(docBefore);
    // Not vacuous: the seeded room had tasks, a note, a memory, a conversation with a reply, a reminder.
    expect([after.tasks.length >= 3, after.notes.length, after.memories.length, after.recentMessages.length, after.conversations?.length, after.reminders.length]).toEqual([true, 1, 1, 2, 1, 1]);
    // U10: the document came in as stored data, not as new edits: no task.created beyond the archive's own.
    const events = (await (await api(target).get("/api/v1/events?limit=1000")).json()) as { events: { type: string }[] };
    const created = (list: { type: string }[]) => list.filter((e) => e.type === "task.created").length;
    const sourceEvents = (await (await api(source).get("/api/v1/events?limit=1000")).json()) as { events: { type: string }[] };
    expect(created(events.events)).toBe(created(sourceEvents.events));
    expect(events.events.at(-1)!.type).toBe("account.imported");
  });

  it("[U8] import into a room that has data is 409 conflict, and writes nothing", async () => {
    const source = await seeded("conflict-from");
    const { bytes } = await exportOf(source);
    const target = await login(freshUser("conflict-to"));
    expect((await api(target).post("/api/v1/tasks", { action: "create", task: { title: "Mine" } })).status).toBe(201);
    const seq = (await state(target)).lastEventSeq;
    const res = await rawImport(target, bytes);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "conflict" } });
    expect((await state(target)).lastEventSeq).toBe(seq);
  });

  it("[U7] an archive whose export.json is not valid, or not a zip, is refused 400 and writes nothing", async () => {
    const target = await login(freshUser("invalid"));
    const seq = (await state(target)).lastEventSeq;
    const bad = zipSync({ "export.json": strToU8(JSON.stringify({ format: "micro-cos-export", version: 1 })) });
    const res = await rawImport(target, bad);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    expect((await rawImport(target, strToU8("not a zip"))).status).toBe(400);
    expect((await state(target)).lastEventSeq).toBe(seq);
  });

  it("[U13][U14][U15][U16] DELETE /api/v1/account is a proposal; confirmed, every socket closes with 4410 and no row or alarm is left", async () => {
    const token = await seeded("delete");
    const user = (await state(token)).userId;
    const device = await connect(token, "phone");
    await device.hello();
    const res = await api(token).call("DELETE", "/api/v1/account");
    expect(res.status).toBe(202);
    const { proposal } = (await res.json()) as { proposal: { id: string; tool: string; expiresAt: string } };
    expect(proposal.tool).toBe("delete_account");
    // Nothing is deleted before the confirmation.
    expect((await state(token)).tasks.length).toBeGreaterThan(0);
    const confirmed = await api(token).post(`/api/v1/proposals/${proposal.id}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect((await device.whenClosed()).code).toBe(CLOSE_CODES.accountDeleted);
    // The erase runs after the confirmation's answer; its end is the storage being empty (polled, not timed).
    await expect.poll(() => leftover(user), { timeout: 20_000 }).toEqual({ rows: [], alarm: null, kv: [] });
    // Signing in again finds an empty brain.
    const again = await state(await login(user));
    expect(again.tasks).toEqual([]);
    expect(again.notes).toEqual([]);
    expect(again.memories).toEqual([]);
    expect(again.recentMessages).toEqual([]);
  });

  it("[U13] asking twice answers the same proposal; rejected, nothing is deleted and the sockets stay open", async () => {
    const token = await seeded("delete-no");
    const device = await connect(token, "phone");
    await device.hello();
    const first = (await (await api(token).call("DELETE", "/api/v1/account")).json()) as { proposal: { id: string } };
    const second = (await (await api(token).call("DELETE", "/api/v1/account")).json()) as { proposal: { id: string } };
    expect(second.proposal.id).toBe(first.proposal.id);
    expect((await state(token)).proposals.map((p) => p.tool)).toContain("delete_account");
    expect((await api(token).post(`/api/v1/proposals/${first.proposal.id}/reject`, {})).status).toBe(200);
    await device.roundTrip();
    expect(device.closed).toBeNull();
    const after = await state(token);
    expect(after.tasks.length).toBeGreaterThan(0);
    expect(after.proposals).toEqual([]);
    device.close();
  });
});
