import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Task } from "../../shared/domain.ts";
import { CLOSE_CODES, MAX_FRAME_CHARS } from "../../shared/protocol.ts";
import { api, BASE, connect, freshUser, inRoom, login, storageOf, stubOf, ticket, upgradeOutcome } from "./helpers.ts";

describe("Brain — socket protocol", () => {
  it("[P1][P2] hello gets a welcome; Yjs sync starts on its own binary frames", async () => {
    const user = freshUser("hello");
    const s = await connect(await login(user));
    const welcome = await s.hello({ rid: "h1" });
    expect(welcome).toMatchObject({ type: "welcome", v: 1, rid: "h1", userId: user, lastEventSeq: 0 });
    expect(s.binary).toBeGreaterThan(0);
    s.close();
  });

  it("[P2] a client on another protocol version is closed with protocolMismatch", async () => {
    const s = await connect(await login(freshUser("version")));
    s.send({ type: "hello", v: 99, deviceId: "d", name: "d", kind: "web" });
    expect((await s.whenClosed()).code).toBe(CLOSE_CODES.protocolMismatch);
  });

  it("[P2] a hello from a newer protocol, with fields this one does not know, is closed with protocolMismatch", async () => {
    const s = await connect(await login(freshUser("future")));
    s.send({ type: "hello", v: 2, deviceId: "d", name: "d", kind: "web", capabilities: ["quantum"] });
    expect((await s.whenClosed()).code).toBe(CLOSE_CODES.protocolMismatch);
  });

  it("[H1] the 101 that opens a socket carries x-request-id too", async () => {
    const t = await ticket(await login(freshUser("rid101")));
    const res = await SELF.fetch(`${BASE}/api/v1/socket?ticket=${encodeURIComponent(t)}`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    res.webSocket!.accept();
    res.webSocket!.close();
  });

  it("[P3] frames before hello get a typed error; nothing app-level is sent before welcome", async () => {
    const s = await connect(await login(freshUser("early")));
    s.send({ type: "ping", rid: "p0" });
    const error = await s.next("error");
    expect(error).toMatchObject({ rid: "p0", code: "invalid_request", message: "send hello first" });
    expect(s.frames).toEqual([]);
    await s.hello();
    s.send({ type: "ping", rid: "p1" });
    expect(await s.next("pong")).toMatchObject({ rid: "p1" });
    s.close();
  });

  it("[P6][P7] a task command is acked to its sender and broadcast as an event to every device of the user only", async () => {
    const token = await login(freshUser("live"));
    const phone = await connect(token, "phone");
    const laptop = await connect(token, "laptop");
    const stranger = await connect(await login(freshUser("stranger")), "other");
    await phone.hello();
    await laptop.hello();
    await stranger.hello();
    phone.send({ type: "task", rid: "t1", command: { action: "create", task: { title: "From the phone" } } });
    const ack = await phone.next("ack");
    expect(ack).toMatchObject({ rid: "t1", duplicate: false, seq: 1, result: { title: "From the phone", createdBy: "user:phone" } });
    const event = await laptop.next("event");
    expect(event.event).toMatchObject({ seq: 1, type: "task.created", actor: { kind: "user", deviceId: "phone" } });
    // The stranger's room answers a ping after all it ever sent: no event among it.
    await stranger.roundTrip();
    expect(stranger.frames.filter((f) => f.type === "event")).toEqual([]);
    const state = (await (await api(token).get("/api/v1/state")).json()) as { tasks: Task[] };
    expect(state.tasks.map((t) => t.title)).toEqual(["From the phone"]);
    for (const s of [phone, laptop, stranger]) s.close();
  });

  it("[L3][P6] a repeated clientActionId over the socket is acked as duplicate, as over HTTP", async () => {
    const token = await login(freshUser("dupe"));
    const s = await connect(token);
    await s.hello();
    const command = { action: "create", task: { title: "Once" }, clientActionId: "sock-0000001" };
    s.send({ type: "task", rid: "a", command });
    const first = await s.next("ack", (f) => f.rid === "a");
    const http = await api(token).post("/api/v1/tasks", command);
    expect(http.headers.get("idempotent-replayed")).toBe("true");
    s.send({ type: "task", rid: "b", command });
    const second = await s.next("ack", (f) => f.rid === "b");
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, result: first.result });
    s.send({ type: "task", rid: "c", command: { ...command, task: { title: "Twice" } } });
    expect(await s.next("error", (f) => f.rid === "c")).toMatchObject({ code: "conflict" });
    s.close();
  });

  it("[P4][P11] malformed, oversized and hostile frames get typed errors and the socket stays up", async () => {
    const s = await connect(await login(freshUser("hostile")));
    await s.hello();
    const raws = [
      "__YPS:{not json",
      "__YPS:[]",
      `__YPS:${JSON.stringify({ type: "drop_tables" })}`,
      `__YPS:${JSON.stringify({ type: "task", command: { action: "create", task: { title: 42 } } })}`,
      `__YPS:{"type":"ping","__proto__":{"x":1}}`,
      `__YPS:${JSON.stringify({ type: "ping", pad: "x".repeat(MAX_FRAME_CHARS) })}`,
      "a bare string is dropped by y-partyserver",
    ];
    for (const raw of raws) s.sendRaw(raw);
    for (let i = 0; i < 6; i++) {
      const error = await s.next("error");
      expect(["invalid_request", "too_large"]).toContain(error.code);
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    s.sendRaw(new Uint8Array(1024 * 1024 + 10).buffer);
    expect(await s.next("error")).toMatchObject({ code: "too_large" });
    s.send({ type: "ping", rid: "still-up" });
    expect(await s.next("pong")).toMatchObject({ rid: "still-up" });
    expect(s.closed).toBeNull();
    s.close();
  });

  it("[P12] a socket over its frame rate gets rate_limited with retryAfter and stays open", async () => {
    const s = await connect(await login(freshUser("flood")));
    await s.hello();
    for (let i = 0; i < 250; i++) s.send({ type: "ping" });
    const error = await s.next("error");
    expect(error).toMatchObject({ code: "rate_limited" });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(s.closed).toBeNull();
    s.close();
  });

  it("[P9] presence lists the user's devices, merges tabs, follows focus and departures", async () => {
    const token = await login(freshUser("presence"));
    const laptop = await connect(token, "laptop");
    await laptop.hello({ name: "Laptop" });
    await laptop.next("presence", (f) => f.devices.length === 1);
    const phone = await connect(token, "phone");
    await phone.hello({ name: "Phone", kind: "mobile" });
    const both = await laptop.next("presence", (f) => f.devices.length === 2);
    expect(both.devices.map((d) => [d.deviceId, d.kind, d.focused])).toEqual([
      ["laptop", "web", false],
      ["phone", "mobile", false],
    ]);
    const tab2 = await connect(token, "laptop");
    await tab2.hello({ name: "Laptop", focused: true });
    const merged = await phone.next("presence", (f) => f.devices.some((d) => d.deviceId === "laptop" && d.focused));
    expect(merged.devices).toHaveLength(2);
    phone.send({ type: "focus", focused: true });
    await laptop.next("presence", (f) => f.devices.find((d) => d.deviceId === "phone")?.focused === true);
    const state = (await (await api(token).get("/api/v1/state")).json()) as { devices: { deviceId: string }[] };
    expect(state.devices.map((d) => d.deviceId).sort()).toEqual(["laptop", "phone"]);
    phone.close();
    const after = await laptop.next("presence", (f) => f.devices.length === 1);
    expect(after.devices[0]!.deviceId).toBe("laptop");
    laptop.close();
    tab2.close();
  });

  it("[P8] hello with lastEventSeq backfills the missed events in order; events.backfill pages", async () => {
    const token = await login(freshUser("backfill"));
    const http = api(token);
    for (let i = 0; i < 4; i++) await http.post("/api/v1/tasks", { action: "create", task: { title: `t${i}` } });
    const s = await connect(token);
    await s.hello({ lastEventSeq: 1 });
    const missed = await s.next("events");
    expect(missed.events.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(missed).toMatchObject({ lastEventSeq: 4, hasMore: false });
    s.send({ type: "events.backfill", rid: "bf", since: 0, limit: 2 });
    expect(await s.next("events", (f) => f.rid === "bf")).toMatchObject({ hasMore: true, events: [{ seq: 1 }, { seq: 2 }] });
    s.close();
  });

  it("[P8][L7] events.backfill pages through any distance; only hello falls back to a snapshot", async () => {
    const user = freshUser("far");
    const token = await login(user);
    await inRoom(await stubOf(user), (brain) => {
      for (let i = 0; i < 700; i++) brain.debugLedger().append({ type: "task.completed", actor: { kind: "system" }, correlationId: "bulk", payload: { taskId: `bulk-${i}` } });
    });
    const s = await connect(token);
    await s.hello({ lastEventSeq: 0 });
    expect(await s.next("snapshot")).toMatchObject({ snapshot: { lastEventSeq: 700 } });
    s.send({ type: "events.backfill", rid: "p1", since: 0, limit: 1000 });
    const page = await s.next("events", (f) => f.rid === "p1");
    expect(page.events).toHaveLength(700);
    expect(page.hasMore).toBe(false);
    s.close();
  });

  it("[A3][A4][P15] a ticket opens one socket once; reused, tampered, missing and token-for-ticket upgrades are closed with 4401", async () => {
    const aliceToken = await login(freshUser("alice"));
    const bobUser = freshUser("bob");
    const t = await ticket(aliceToken);
    expect(await upgradeOutcome(`ticket=${encodeURIComponent(t)}`)).toMatchObject({ status: 101, opened: true });
    const tampered = [btoa(bobUser).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), ...t.split(".").slice(1)].join(".");
    const refusals = [
      [`ticket=${t}`, "socket ticket already used"],
      [`ticket=${tampered}`, "socket ticket is not valid"],
      ["ticket=", "socket ticket missing or malformed"],
      ["", "socket ticket missing or malformed"],
      [`ticket=${aliceToken}`, "socket ticket missing or malformed"],
      [`token=${aliceToken}`, "socket ticket missing or malformed"],
    ] as const;
    for (const [q, reason] of refusals) {
      const outcome = await upgradeOutcome(q);
      expect(outcome, q).toMatchObject({ status: 101, opened: false, close: { code: CLOSE_CODES.unauthorized, reason: `unauthorized: ${reason}` } });
    }
    // The tampered ticket named bob: bob's room was never reached (G8).
    expect(await storageOf(bobUser)).toEqual({ tables: 0, alarm: null });
  });

  it("[A4] without an upgrade the socket path answers plain JSON, and touches no room", async () => {
    const user = freshUser("plain");
    const t = await ticket(await login(user));
    const res = await SELF.fetch(`${BASE}/api/v1/socket?ticket=${encodeURIComponent(t)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    // The ticket was not spent: it still opens a socket.
    expect(await upgradeOutcome(`ticket=${encodeURIComponent(t)}`)).toMatchObject({ status: 101, opened: true });
  });

});
