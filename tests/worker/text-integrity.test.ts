import { evictDurableObject } from "cloudflare:test";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Note, Task } from "../../shared/domain.ts";
import { readNotes } from "../../shared/doc-schema.ts";
import { api, freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { YjsDevice } from "./yjs-client.ts";

type State = { tasks: Task[]; notes: Note[]; lastEventSeq: number };
/**
 * Texts compared as JSON: a lone surrogate shows as `\udXXX` instead of going
 * raw into an assertion message, which workerd cannot send to the runner as UTF-8.
 */
const shown = (value: unknown) => JSON.stringify(value);
const stateOf = async (token: string) => (await (await api(token).get("/api/v1/state")).json()) as State;

/** Waits on the device's own frames: the repair arrives as a Yjs update after the error frame. */
async function until(check: () => boolean, device: YjsDevice, what: string) {
  for (let round = 0; round < 50 && !check(); round++) await device.settle();
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe("Brain — text integrity (D11–D13) and dates (H15)", () => {
  for (const [name, before, after] of [
    ["an emoji", "mood: 😀 ok", "mood: 😁 ok"],
    ["a ZWJ family and a flag", "home: 👨‍👩‍👧 🇫🇷", "home: 👨‍👩‍👦 🇫🇮"],
    // 🏽 → 🏿 and 𠀋 → 𠀌 keep their first UTF-16 unit: the case a diff by unit splits.
    ["a skin tone and CJK outside the BMP", "👍🏽 𠀋", "👍🏿 𠀌"],
  ] as const) {
    it(`[D17][G1] editing ${name} in a note over HTTP round-trips through a restart`, async () => {
      const user = freshUser("emoji");
      const token = await login(user);
      const http = api(token);
      const created = (await (await http.post("/api/v1/notes", { action: "create", note: { title: "Mood", body: before } })).json()) as Note;
      const res = await http.post("/api/v1/notes", { action: "update", noteId: created.id, patch: { body: after } });
      expect(res.status).toBe(200);
      expect(shown(((await res.json()) as Note).body)).toBe(shown(after));
      const stub = await stubOf(user);
      // What the room's document holds, not only what the response echoed.
      expect(shown(await inRoom(stub, (brain) => readNotes(brain.document).map((n) => n.body)))).toBe(shown([after]));
      await evictDurableObject(stub);
      expect(shown((await stateOf(token)).notes.map((n) => n.body))).toBe(shown([after]));
      const device = new YjsDevice(token, "reader");
      await device.connect();
      expect(shown(device.noteBody(created.id))).toBe(shown(after));
      device.disconnect();
    });
  }

  it("[D15][H3][E4] lone surrogates, NUL and zero-width-only titles are 400 invalid_request over HTTP and the socket, and change nothing", async () => {
    const token = await login(freshUser("refuse"));
    const http = api(token);
    const note = (await (await http.post("/api/v1/notes", { action: "create", note: { title: "n", body: "b" } })).json()) as Note;
    const before = await stateOf(token);
    const bodies: [string, unknown][] = [
      ["/api/v1/tasks", { action: "create", task: { title: "half \ud83d emoji" } }],
      ["/api/v1/tasks", { action: "create", task: { title: "\u200b\u200b" } }],
      ["/api/v1/tasks", { action: "create", task: { title: "ok", tags: ["\u2060"] } }],
      ["/api/v1/tasks", { action: "create", task: { title: "nul\u0000" } }],
      ["/api/v1/notes", { action: "update", noteId: note.id, patch: { body: "text\u0000with NUL" } }],
      ["/api/v1/notes", { action: "update", noteId: note.id, patch: { body: "mood: \ude01 ok" } }],
      ["/api/v1/notes", { action: "update", noteId: note.id, patch: { title: "\u200b\u200c" } }],
      ["/api/v1/memory/pin", { type: "fact", key: "\u3164", value: "x" }],
      ["/api/v1/memory/pin", { type: "fact", key: "k", value: "bell\u0007" }],
      ["/api/v1/message", { text: "hi \udc00" }],
      ["/api/v1/reminders", { at: "2026-11-21T10:00:00Z", title: "\u200d" }],
    ];
    let refused = 0;
    for (const [path, body] of bodies) {
      const res = await http.post(path, body);
      const json = (await res.json()) as { error?: { code: string; message: string; requestId: string } };
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(json.error).toMatchObject({ code: "invalid_request", requestId: res.headers.get("x-request-id") });
      expect(json.error!.message).toMatch(/^text /);
      refused++;
    }
    const socket = new YjsDevice(token, "sock");
    await socket.connect();
    socket.socket!.send({ type: "task", rid: "r1", command: { action: "create", task: { title: "\ud800" } } });
    expect(await socket.socket!.next("error", (f) => f.rid === "r1")).toMatchObject({ code: "invalid_request" });
    socket.disconnect();
    const after = await stateOf(token);
    expect(after.lastEventSeq).toBe(before.lastEventSeq);
    expect(shown(after.tasks)).toBe(shown(before.tasks));
    expect(shown(after.notes)).toBe(shown(before.notes));
    console.log(`[D15] ${refused} HTTP bodies + 1 frame refused, ${after.lastEventSeq - before.lastEventSeq} events written`);
    // Text people do type is accepted: emoji, ZWJ, combining marks, tabs and line breaks in a body, an empty note title.
    const ok = await http.post("/api/v1/notes", { action: "update", noteId: note.id, patch: { title: "", body: "a\tb\r\nc 👩‍💻 e\u0301 日本語 עברית" } });
    expect(ok.status).toBe(200);
  });

  it("[D6][D15] a device's zero-width or NUL title is reverted, a NUL typed into a body is removed, and the device is told", async () => {
    const token = await login(freshUser("repair-text"));
    const device = new YjsDevice(token, "dev");
    await device.connect();
    device.addTask("t1", "Valid title");
    device.addNote("n1", "hello");
    await device.settle();
    device.tasks().get("t1")!.set("title", "\u200b\u2060");
    await device.settle();
    expect((await device.socket!.next("error")).message).toContain("task t1 reverted");
    await until(() => device.tasks().get("t1")?.get("title") === "Valid title", device, "title reverted");
    device.tasks().get("t1")!.set("title", "a\u0000b");
    await device.settle();
    expect((await device.socket!.next("error")).message).toContain("task t1 reverted");
    await until(() => device.tasks().get("t1")?.get("title") === "Valid title", device, "title reverted again");
    (device.notes().get("n1")!.get("body") as Y.Text).insert(5, " wo\u0000rld\u0001");
    await device.settle();
    expect((await device.socket!.next("error")).message).toContain("note n1 cleaned");
    await until(() => device.noteBody("n1") === "hello world", device, "controls removed from the body");
    // A task created with a NUL title is removed, as any entry created invalid (D6).
    device.addTask("t2", "bad\u0000");
    await device.settle();
    expect((await device.socket!.next("error")).message).toContain("task t2 removed");
    await until(() => !device.tasks().has("t2"), device, "invalid task removed");
    const state = await stateOf(token);
    expect(shown(state.tasks.map((t) => t.title))).toBe(shown(["Valid title"]));
    expect(shown(state.notes.map((n) => n.body))).toBe(shown(["hello world"]));
    device.disconnect();
  });

  it("[D10][D15] a device frame whose string is a lone surrogate (WTF-8 bytes) is refused before Yjs; the document is unchanged", async () => {
    const token = await login(freshUser("wtf8"));
    const device = new YjsDevice(token, "dev");
    await device.connect();
    device.addTask("t1", "XY");
    await device.settle();
    // A well-formed update setting the title to "XY", with X and Y's bytes swapped for ED A0 BD (U+D83D alone, as WTF-8).
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(device.doc));
    const before = Y.encodeStateVector(scratch);
    scratch.getMap<Y.Map<unknown>>("tasks").get("t1")!.set("title", "XYZ");
    const update = Y.encodeStateAsUpdate(scratch, before);
    const at = update.findIndex((_, i) => update[i] === 0x58 && update[i + 1] === 0x59 && update[i + 2] === 0x5a);
    expect(at).toBeGreaterThan(0);
    update.set([0xed, 0xa0, 0xbd], at);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, update);
    device.socket!.sendRaw(encoding.toUint8Array(encoder).slice().buffer);
    expect(await device.socket!.next("error")).toMatchObject({ code: "invalid_request" });
    expect((await stateOf(token)).tasks.map((t) => t.title)).toEqual(["XY"]);
    device.disconnect();
  });

  it("[H15][H3] dates outside 1970–2999 or off the calendar are 400 invalid_request: due, reminders, plan items, the plan query", async () => {
    const token = await login(freshUser("dates"));
    const http = api(token);
    const task = (await (await http.post("/api/v1/tasks", { action: "create", task: { title: "t" } })).json()) as Task;
    const refusals: [string, string, unknown?][] = [
      ["POST", "/api/v1/tasks", { action: "create", task: { title: "Year zero", due: "0000-01-01" } }],
      ["POST", "/api/v1/tasks", { action: "update", taskId: task.id, patch: { due: "9999-12-31T10:00:00Z" } }],
      ["POST", "/api/v1/tasks", { action: "update", taskId: task.id, patch: { due: "1969-12-31" } }],
      ["POST", "/api/v1/reminders", { at: "0000-01-01T00:00:00Z", title: "Then" }],
      ["POST", "/api/v1/plan/items", { date: "0000-01-01", itemId: "i1", action: "accept" }],
      ["GET", "/api/v1/plan?date=2026-13-45"],
      ["GET", "/api/v1/plan?date=2026-02-30"],
      ["GET", "/api/v1/plan?date=0000-01-01"],
    ];
    for (const [method, path, body] of refusals) {
      const res = await http.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body ?? "")}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    }
    console.log(`[H15] ${refusals.length} out-of-range or impossible dates refused`);
    // In range and real: accepted, or an honest 404 for a plan that does not exist.
    expect((await http.post("/api/v1/tasks", { action: "update", taskId: task.id, patch: { due: "2028-02-29" } })).status).toBe(200);
    expect((await http.get("/api/v1/plan?date=2999-12-31")).status).toBe(404);
    expect((await stateOf(token)).tasks.map((t) => t.due)).toEqual(["2028-02-29"]);
  });
});
