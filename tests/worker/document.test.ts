import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { LedgerEvent, Note, Task } from "../../shared/domain.ts";
import { MAX_UPDATE_OPS } from "../../party/core/yjs-guard.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { YjsDevice } from "./yjs-client.ts";

async function events(token: string): Promise<LedgerEvent[]> {
  return ((await (await api(token).get("/api/v1/events?since=0&limit=1000")).json()) as { events: LedgerEvent[] }).events;
}

async function state(token: string) {
  return (await (await api(token).get("/api/v1/state")).json()) as { tasks: Task[]; notes: Note[]; lastEventSeq: number };
}

describe("Brain — the live document", () => {
  it("[D4] two devices edit the same note body at once and both end with one merged text", async () => {
    const token = await login(freshUser("merge"));
    const a = new YjsDevice(token, "laptop");
    const b = new YjsDevice(token, "phone");
    await a.connect();
    await b.connect();
    a.addNote("n1", "Groceries: ");
    await a.settle();
    await YjsDevice.until([b], () => b.noteBody("n1") === "Groceries: ", "note reaches b");
    // Both type at the same time, neither having seen the other's edit.
    a.disconnect();
    b.disconnect();
    (a.notes().get("n1")!.get("body") as Y.Text).insert(11, "milk");
    (b.notes().get("n1")!.get("body") as Y.Text).insert(0, "TODO ");
    await a.connect();
    await b.connect();
    await a.settle();
    await b.settle();
    await YjsDevice.until([a, b], () => a.noteBody("n1") === b.noteBody("n1") && a.noteBody("n1").includes("milk") && a.noteBody("n1").includes("TODO"), "merge");
    expect(a.noteBody("n1")).toBe("TODO Groceries: milk");
    expect((await state(token)).notes.map((n) => n.body)).toEqual(["TODO Groceries: milk"]);
    a.disconnect();
    b.disconnect();
  });

  it("[P17][D5] back from a dropped network under the same connection id, the device's offline edit reaches the room and the other device", async () => {
    const token = await login(freshUser("dropped"));
    const a = new YjsDevice(token, "laptop");
    const b = new YjsDevice(token, "phone", "same-connection-id");
    await a.connect();
    await b.connect();
    a.addNote("n1", "");
    await a.settle();
    await YjsDevice.until([b], () => b.noteBody("n1") === "", "the note reaches b");
    // The network drops under b: the room still holds b's socket, open, when b comes back under the same id.
    const stale = b.drop();
    (b.notes().get("n1")!.get("body") as Y.Text).insert(0, "Written offline. ");
    (a.notes().get("n1")!.get("body") as Y.Text).insert(0, "Written online.");
    await a.settle();
    await b.connect();
    await b.settle();
    await YjsDevice.until([a, b], () => [a, b].every((d) => d.noteBody("n1").includes("Written offline.") && d.noteBody("n1").includes("Written online.")), "both edits on both devices");
    expect((await state(token)).notes.map((n) => n.body)).toEqual([a.noteBody("n1")]);
    stale?.close();
    a.disconnect();
    b.disconnect();
  });

  it("[D4] a task created over HTTP or by the assistant appears live on every device", async () => {
    const user = freshUser("live");
    const token = await login(user);
    const a = new YjsDevice(token, "laptop");
    const b = new YjsDevice(token, "phone");
    await a.connect();
    await b.connect();
    await api(token).post("/api/v1/tasks", { action: "create", task: { title: "From HTTP" } });
    const stub = await stubOf(user);
    await inRoom(stub, (brain) => {
      brain.runTool("turn-1", { kind: "task", action: { action: "create", task: { title: "From the assistant" } } }, "req-t1");
    });
    for (const device of [a, b]) {
      await YjsDevice.until([device], () => device.tasks().size === 2, "both tasks on the device");
      expect([...device.tasks().values()].map((t) => t.get("createdBy")).sort()).toEqual(["assistant:turn-1", "user:api"]);
    }
    a.disconnect();
    b.disconnect();
  });

  it("[D8] a device's Yjs edits are recorded as readable ledger events with the device as actor", async () => {
    const token = await login(freshUser("attrib"));
    const a = new YjsDevice(token, "laptop");
    await a.connect();
    a.addTask("t1", "Buy milk");
    a.tasks().get("t1")!.set("title", "Buy oat milk");
    a.tasks().get("t1")!.set("status", "done");
    a.addNote("n1", "hello");
    (a.notes().get("n1")!.get("body") as Y.Text).insert(5, " world");
    a.tasks().delete("t1");
    await a.settle();
    const log = (await events(token)).map((e) => [e.type, e.actor]);
    expect(log).toEqual([
      ["task.created", { kind: "user", deviceId: "laptop" }],
      ["task.updated", { kind: "user", deviceId: "laptop" }],
      ["task.completed", { kind: "user", deviceId: "laptop" }],
      ["note.created", { kind: "user", deviceId: "laptop" }],
      ["note.updated", { kind: "user", deviceId: "laptop" }],
      ["task.deleted", { kind: "user", deviceId: "laptop" }],
    ]);
    const updated = (await events(token))[1]!;
    expect(updated.payload).toMatchObject({ taskId: "t1", fields: ["title"], changes: { title: "Buy oat milk" } });
    a.disconnect();
  });

  it("[D6][G5] an update that leaves a task invalid is reverted; the sender gets a typed error, others stay valid", async () => {
    const token = await login(freshUser("repair"));
    const bad = new YjsDevice(token, "bad");
    const good = new YjsDevice(token, "good");
    await bad.connect();
    await good.connect();
    bad.addTask("t1", "Valid task");
    await bad.settle();
    await YjsDevice.until([good], () => good.tasks().has("t1"), "task reaches good");
    bad.tasks().get("t1")!.set("status", "maybe");
    bad.tasks().get("t1")!.set("title", 42);
    await bad.settle();
    const error = await bad.socket!.next("error");
    expect(error).toMatchObject({ code: "invalid_request" });
    expect(error.message).toContain("t1 reverted");
    await YjsDevice.until([good, bad], () => good.tasks().get("t1")?.get("status") === "open" && bad.tasks().get("t1")?.get("status") === "open", "revert reaches both");
    expect(good.tasks().get("t1")!.get("title")).toBe("Valid task");
    expect((await state(token)).tasks).toMatchObject([{ id: "t1", title: "Valid task", status: "open" }]);
    // The room is healthy: the bad device can go on editing validly.
    bad.tasks().get("t1")!.set("title", "Still editable");
    await bad.settle();
    await YjsDevice.until([good], () => good.tasks().get("t1")?.get("title") === "Still editable", "later edit");
    bad.disconnect();
    good.disconnect();
  });

  it("[D6] an existing note whose body a client replaces with a plain string gets its text back", async () => {
    const token = await login(freshUser("body"));
    const d = new YjsDevice(token, "d");
    await d.connect();
    d.addNote("n1", "keep this text");
    await d.settle();
    d.notes().get("n1")!.set("body", "not a Y.Text");
    await d.settle();
    expect(await d.socket!.next("error")).toMatchObject({ code: "invalid_request" });
    await YjsDevice.until([d], () => d.notes().get("n1")?.get("body") instanceof Y.Text, "body restored on the client");
    expect((await state(token)).notes.map((n) => n.body)).toEqual(["keep this text"]);
    d.disconnect();
  });

  it("[D6] a valid task replaced at the root by an invalid one comes back as it was", async () => {
    const token = await login(freshUser("replace"));
    const d = new YjsDevice(token, "d");
    await d.connect();
    d.addTask("t1", "Precious task");
    await d.settle();
    d.doc.transact(() => {
      const bad = new Y.Map<unknown>();
      bad.set("id", "t1");
      bad.set("title", 7);
      d.tasks().set("t1", bad);
    });
    await d.settle();
    expect(await d.socket!.next("error")).toMatchObject({ code: "invalid_request" });
    expect((await state(token)).tasks.map((t) => t.title)).toEqual(["Precious task"]);
    d.disconnect();
  });

  const invalidEntries: [string, (d: YjsDevice) => void][] = [
    ["a task with an unknown status", (d) => d.doc.transact(() => { d.addTask("x", "t"); d.tasks().get("x")!.set("status", "later"); })],
    ["a task with no id", (d) => d.doc.transact(() => { d.addTask("x", "t"); d.tasks().get("x")!.delete("id"); })],
    ["a task whose id is not its key", (d) => d.doc.transact(() => { d.addTask("x", "t"); d.tasks().get("x")!.set("id", "y"); })],
    ["a task with an oversized title", (d) => d.addTask("x", "t".repeat(600))],
    ["a task that is not a map", (d) => (d.tasks() as unknown as Y.Map<unknown>).set("x", "just a string")],
    ["a note without a Y.Text body", (d) => d.doc.transact(() => { d.addNote("x", "b"); d.notes().get("x")!.set("body", "plain"); })],
  ];
  for (const [name, edit] of invalidEntries) {
    it(`[D6][G5] ${name}, created by a client, is removed and the client told`, async () => {
      const token = await login(freshUser("invalid"));
      const d = new YjsDevice(token, "d");
      await d.connect();
      edit(d);
      await d.settle();
      expect(await d.socket!.next("error")).toMatchObject({ code: "invalid_request" });
      await YjsDevice.until([d], () => !d.tasks().has("x") && !d.notes().has("x"), "entry removed on the client");
      const s = await state(token);
      expect(s.tasks).toEqual([]);
      expect(s.notes).toEqual([]);
      expect((await events(token)).filter((e) => e.type.endsWith(".created"))).toEqual([]);
      d.disconnect();
    });
  }

  it("[D10][P4] malformed and too expensive Yjs updates are refused before they touch the document", async () => {
    const token = await login(freshUser("guard"));
    const s = await connect(token);
    await s.hello();
    const frame = (...bytes: number[]) => new Uint8Array(bytes).buffer;
    s.sendRaw(frame(0, 2, 50, 1, 2, 3)); // sync update claiming 50 bytes, carrying 3
    expect(await s.next("error")).toMatchObject({ code: "invalid_request" });
    s.sendRaw(frame(0, 2, 4, 255, 255, 255, 255)); // garbage update
    expect(await s.next("error")).toMatchObject({ code: "invalid_request" });
    s.sendRaw(frame(7, 1, 2)); // unknown message type
    expect(await s.next("error")).toMatchObject({ code: "invalid_request" });
    // Many small structs: each map entry set in its own item.
    const big = new Y.Doc();
    big.transact(() => {
      const m = big.getMap("tasks");
      for (let i = 0; i <= MAX_UPDATE_OPS; i++) m.set(`k${i}`, i);
    });
    const update = Y.encodeStateAsUpdate(big);
    const header = new Uint8Array([0, 2]);
    const len: number[] = [];
    let n = update.byteLength;
    while (n > 127) {
      len.push((n & 127) | 128);
      n >>>= 7;
    }
    len.push(n);
    s.sendRaw(new Uint8Array([...header, ...len, ...update]).buffer);
    expect(await s.next("error")).toMatchObject({ code: "too_large" });
    s.send({ type: "ping", rid: "alive" });
    expect(await s.next("pong", (f) => f.rid === "alive")).toBeTruthy();
    expect((await state(token)).tasks).toEqual([]);
    s.close();
  });

  it("[D9] undoing an assistant turn reverts its changes and keeps the user's edits made meanwhile", async () => {
    const user = freshUser("undo");
    const token = await login(user);
    const http = api(token);
    const mine = (await (await http.post("/api/v1/tasks", { action: "create", task: { title: "My task" } })).json()) as Task;
    const note = (await (await http.post("/api/v1/notes", { action: "create", note: { title: "Plan", body: "Draft" } })).json()) as Note;
    const stub = await stubOf(user);
    await inRoom(stub, (brain) => {
      for (const command of [
        { kind: "task", action: { action: "create", task: { title: "Assistant's task" } } },
        { kind: "task", action: { action: "complete", taskId: mine.id } },
        { kind: "note", action: { action: "update", noteId: note.id, patch: { body: "Draft, reviewed by the assistant" } } },
      ] as const) {
        const r = brain.runTool("turn-7", command, "req-7");
        if (!r.ok) throw new Error(r.error.message);
      }
    });
    // Meanwhile the user edits from a device.
    const d = new YjsDevice(token, "laptop");
    await d.connect();
    d.addTask("u1", "User's own task");
    d.tasks().get(mine.id)!.set("title", "My task, renamed");
    await d.settle();
    d.disconnect();
    // The room is evicted before the undo: it must work from storage.
    await evictDurableObject(stub);

    const res = await http.post("/api/v1/undo", { turnId: "turn-7" });
    expect(res.status).toBe(200);
    const after = await state(token);
    expect(after.tasks.map((t) => [t.title, t.status]).sort()).toEqual([
      ["My task, renamed", "open"],
      ["User's own task", "open"],
    ]);
    expect(after.notes.map((n) => n.body)).toEqual(["Draft"]);
    const undone = (await events(token)).at(-1)!;
    expect(undone).toMatchObject({ type: "turn.undone", payload: { turnId: "turn-7" }, actor: { kind: "user" } });

    const again = await http.post("/api/v1/undo", { turnId: "turn-7" });
    expect(again.status).toBe(409);
    const unknown = await http.post("/api/v1/undo", { turnId: "no-such-turn" });
    expect(unknown.status).toBe(404);
  });

  it("[D9] undo is available over the socket too", async () => {
    const user = freshUser("undo-socket");
    const token = await login(user);
    const stub = await stubOf(user);
    await inRoom(stub, (brain) => {
      brain.runTool("turn-9", { kind: "task", action: { action: "create", task: { title: "Oops" } } }, "r");
    });
    const s = await connect(token);
    await s.hello();
    s.send({ type: "undo", rid: "u", command: { turnId: "turn-9" } });
    expect(await s.next("ack", (f) => f.rid === "u")).toMatchObject({ duplicate: false, result: { turnId: "turn-9" } });
    expect((await state(token)).tasks).toEqual([]);
    s.close();
  });
});
