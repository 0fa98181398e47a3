import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MessageSendSchema } from "../../shared/chat.ts";
import { MemoryPinSchema, NoteActionSchema, PlanItemActionSchema, ReminderSetSchema, TaskActionSchema } from "../../shared/commands.ts";
import { DueSchema, NoteSchema, TaskSchema } from "../../shared/domain.ts";
import { notesOf, tasksOf } from "../../shared/doc-schema.ts";
import { clipText, textProblem, titleProblem } from "../../shared/text.ts";
import { DocWatch } from "../../party/core/doc-watch.ts";
import { executeCommand } from "../../party/core/commands.ts";
import { handleApi } from "../../party/api/routes.ts";
import type { ApiDeps } from "../../party/api/route-table.ts";
import { ok } from "../../shared/errors.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";

/** Strings shown as JSON, so a lone surrogate prints as `\udXXX` in a failure. */
const shown = (value: unknown) => JSON.stringify(value);

const LONE = ["\ud83d", "\ude00", "a\ud83db", "😀\ude01", "\udc00😀"];
const CONTROLS = ["\u0000", "a\u0000b", "\u0007", "\u001b[31m", "\u000b", "\u000c", "\u001f"];
const INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u2060", "\u3164", "\u115f\u1160", "\u2800", "\ufe0f", "\u00ad", " \u200b "];
const FINE = ["😀", "👨‍👩‍👧", "🇫🇷", "e\u0301", "日本語", "한", "עברית", "a\u200db", "tab\there", "❤️", "👍🏽"];

describe("Text — what a schema accepts (D11, D12)", () => {
  it("[D15] lone surrogates and C0 controls other than tab, LF and CR are named problems; line breaks and tabs are text", () => {
    for (const s of [...LONE, ...CONTROLS]) expect(textProblem(s), shown(s)).not.toBeNull();
    for (const s of [...FINE, "line\nbreak", "crlf\r\n", "", ...INVISIBLE]) expect(textProblem(s), shown(s)).toBeNull();
    expect(textProblem("mood: \ude01")).toBe("contains a lone surrogate (U+DE01) at 6: half of a character");
    expect(textProblem("a\u0000")).toBe("contains the control character U+0000 at 1");
  });

  it("[D16] a title of only zero-width, format or filler characters is refused; blank is left to the field's min length", () => {
    for (const s of INVISIBLE) expect(titleProblem(s), shown(s)).toBe("has only invisible characters (zero-width, format or filler)");
    for (const s of [...FINE, "", "   "]) expect(titleProblem(s), shown(s)).toBeNull();
  });

  it("[D15][D16][H3] every text field of every input refuses them, with the path of the field", () => {
    const bad = [...LONE, ...CONTROLS.filter((c) => c !== "\u000b" && c !== "\u000c")];
    let refused = 0;
    const refuses = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, path: string) => {
      const result = schema.safeParse(value);
      expect(result.success, `${path} ${shown(value)}`).toBe(false);
      expect(result.error!.issues[0]!.path.join("."), shown(value)).toBe(path);
      expect(result.error!.issues[0]!.message).toMatch(/^text /);
      refused++;
    };
    for (const s of [...bad, ...INVISIBLE.filter((i) => i.trim() !== "")]) {
      refuses(TaskActionSchema, { action: "create", task: { title: s } }, "task.title");
      refuses(TaskActionSchema, { action: "create", task: { title: "ok", tags: [s] } }, "task.tags.0");
      refuses(TaskActionSchema, { action: "update", taskId: "t", patch: { title: s } }, "patch.title");
      refuses(NoteActionSchema, { action: "create", note: { title: s } }, "note.title");
      refuses(MemoryPinSchema, { type: "fact", key: s, value: "v" }, "key");
      refuses(MemoryPinSchema, { type: "fact", key: "k", value: s }, "value");
      refuses(ReminderSetSchema, { at: "2026-11-21T10:00:00Z", title: s }, "title");
      refuses(PlanItemActionSchema, { date: "2026-11-21", itemId: "i", action: "edit", text: s }, "text");
    }
    for (const s of bad) {
      refuses(NoteActionSchema, { action: "update", noteId: "n", patch: { body: `x${s}y` } }, "patch.body");
      refuses(MessageSendSchema, { text: `hi ${s}` }, "text");
    }
    // A body may be only invisible characters, or have line breaks and tabs; a note title may be empty.
    expect(NoteActionSchema.safeParse({ action: "create", note: { title: "", body: "\u200b\n\t\r\n" } }).success).toBe(true);
    for (const s of FINE) expect(TaskActionSchema.safeParse({ action: "create", task: { title: s, tags: [s] } }).success, shown(s)).toBe(true);
    console.log(`[D15][D16] ${refused} invalid inputs refused across 10 fields`);
  });

  it("[D6][D15] the document schemas refuse them too, so a device's edit is repaired: a lone surrogate title made in the room is reverted", () => {
    const task = { id: "t1", title: "Valid", status: "open", due: null, tags: [], order: 1, createdAt: "2026-11-21T10:00:00Z", updatedAt: "2026-11-21T10:00:00Z", createdBy: "user:d" };
    expect(TaskSchema.safeParse({ ...task, title: "\ud83d" }).success).toBe(false);
    expect(NoteSchema.safeParse({ id: "n", title: "", body: "a\u0000", pinned: false, createdAt: task.createdAt, updatedAt: task.createdAt, createdBy: "x" }).success).toBe(false);
    const doc = new Y.Doc();
    const watch = new DocWatch(doc, (origin) => origin === "trusted");
    doc.transact(() => {
      const entry = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(task)) entry.set(k, v);
      tasksOf(doc).set("t1", entry);
    }, "trusted");
    watch.take();
    // Not possible over the wire (UTF-8), but a device edit applied in the room is checked the same way.
    doc.transact(() => tasksOf(doc).get("t1")!.set("title", "half \ud83d"), "device");
    const [batch] = watch.take();
    const repairs = watch.repair(batch!);
    expect(repairs).toMatchObject([{ kind: "task", id: "t1", action: "reverted" }]);
    expect(repairs[0]!.reason).toMatch(/^title: text contains a lone surrogate/);
    expect(tasksOf(doc).get("t1")!.get("title")).toBe("Valid");
  });

  it("[D6][D15] controls typed into a body are deleted from it, and only they: what else the batch changed stays", () => {
    const doc = new Y.Doc();
    const watch = new DocWatch(doc, (origin) => origin === "trusted");
    const note = { id: "n1", title: "Old", pinned: false, createdAt: "2026-11-21T10:00:00Z", updatedAt: "2026-11-21T10:00:00Z", createdBy: "user:d" };
    doc.transact(() => {
      const entry = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(note)) entry.set(k, v);
      entry.set("body", new Y.Text("hello"));
      notesOf(doc).set("n1", entry);
    }, "trusted");
    watch.take();
    doc.transact(() => {
      const entry = notesOf(doc).get("n1")!;
      entry.set("title", "New");
      (entry.get("body") as Y.Text).insert(5, " \u0000wor\u001bld\t!");
    }, "device");
    const repairs = watch.repair(watch.take()[0]!);
    expect(repairs).toMatchObject([{ kind: "note", id: "n1", action: "cleaned" }]);
    expect(shown(notesOf(doc).get("n1")!.get("body")!.toString())).toBe(shown("hello world\t!"));
    expect(notesOf(doc).get("n1")!.get("title")).toBe("New");
  });

  it("[D15][E4] a command built by a tool from model output is checked on the one command path: typed refusal, nothing written", () => {
    const room = nodeRoom(() => scriptedModel([{ text: ["x"] }]));
    const deps = { doc: room.doc, ledger: room.ledger, now: Date.now };
    const ctx = { actor: { kind: "assistant" as const, turnId: "turn-1" }, correlationId: "req-1" };
    const seq = room.ledger.state.lastEventSeq;
    for (const title of ["\u200b", "nul\u0000", "half \ud83d"]) {
      const result = executeCommand(deps, { kind: "task", action: { action: "create", task: { title } } }, ctx);
      expect(result.ok, shown(title)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("invalid_request");
    }
    const empty = executeCommand(deps, { kind: "task", action: { action: "create", task: { title: "ok", tags: [""] } } }, ctx);
    expect(empty.ok).toBe(false);
    expect(room.ledger.state.lastEventSeq).toBe(seq);
    expect(tasksOf(room.doc).size).toBe(0);
    expect(executeCommand(deps, { kind: "task", action: { action: "create", task: { title: "Fine 😀" } } }, ctx).ok).toBe(true);
  });

  it("[D15] clipText cuts a title to its cap without splitting an emoji (the web's title input)", () => {
    expect(clipText("ab😀", 3)).toBe("ab");
    expect(clipText("ab😀", 4)).toBe("ab😀");
    expect(clipText("abc", 2)).toBe("ab");
  });
});

describe("Dates — real days in 1970–2999 (H15)", () => {
  it("[H15] due dates and date-times outside the years, or not on the calendar, are refused", () => {
    for (const due of ["0000-01-01", "1969-12-31", "3000-01-01", "9999-12-31", "2026-13-45", "2026-02-30", "2027-02-29", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59+01:00", "2026-11-21T25:00:00Z"]) {
      expect(DueSchema.safeParse(due).success, due).toBe(false);
    }
    for (const due of ["1970-01-01", "2028-02-29", "2999-12-31", "2026-11-21T15:00:00Z", "2026-11-21T15:00:00+05:30"]) {
      expect(DueSchema.safeParse(due).success, due).toBe(true);
    }
    expect(ReminderSetSchema.safeParse({ at: "0000-01-01T00:00:00Z", title: "x" }).success).toBe(false);
    expect(PlanItemActionSchema.safeParse({ date: "0000-01-01", itemId: "i", action: "accept" }).success).toBe(false);
  });

  it("[H15][S6] GET /api/v1/plan?date= names a real day: an impossible date is 400 invalid_request, not a missing plan", async () => {
    const room = nodeRoom(() => scriptedModel([{ text: ["x"] }]));
    const deps: ApiDeps = {
      now: Date.now,
      chat: room.chat,
      limits: { dailyTokens: 1_000 },
      userId: "node",
      requestId: "req-1",
      ledger: room.ledger,
      doc: room.doc,
      devices: () => [],
      knownDevices: () => [],
      execute: () => ok({ result: null, duplicate: false, seq: 0 }),
      issueTicket: async () => ({ ticket: "t", expiresAt: "2026-11-21T10:00:00Z" }),
      admitWrite: () => null,
    };
    const get = (path: string) => handleApi(new Request(`https://cos.test${path}`), deps);
    for (const date of ["2026-13-45", "2026-02-30", "0000-01-01", "3000-01-01"]) {
      const res = await get(`/api/v1/plan?date=${date}`);
      expect(res.status, date).toBe(400);
      expect(await res.json()).toEqual({ error: { code: "invalid_request", message: "date must be a real calendar date in 1970–2999", requestId: "req-1" } });
    }
    expect((await get("/api/v1/plan?date=21-11-2026")).status).toBe(400);
    expect((await get("/api/v1/plan?date=2026-11-21")).status).toBe(404);
  });
});
