import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LedgerEvent, Memory, Preferences, Task } from "../../shared/domain.ts";
import { api, BASE, freshUser, login } from "./helpers.ts";

type ErrorJson = { error: { code: string; message: string; requestId: string; retryAfter?: number } };

async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as ErrorJson;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
  return body;
}

describe("Brain — HTTP API", () => {
  it("[A5] dev login returns a token for the user", async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "alice" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ token: expect.stringMatching(/^ey/), userId: "alice" });
  });

  it("[H4] creates, updates, completes and deletes a task, each recorded as an event", async () => {
    const http = api(await login(freshUser("tasks")));
    const created = await http.post("/api/v1/tasks", { action: "create", task: { title: "Call John", due: "2026-11-22T15:00:00Z", tags: ["calls"] } });
    expect(created.status).toBe(201);
    const task = (await created.json()) as Task;
    expect(task).toMatchObject({ title: "Call John", status: "open", due: "2026-11-22T15:00:00Z", tags: ["calls"], createdBy: "user:api" });

    const updated = (await (await http.post("/api/v1/tasks", { action: "update", taskId: task.id, patch: { title: "Call John back", due: null } })).json()) as Task;
    expect(updated).toMatchObject({ id: task.id, title: "Call John back", due: null });
    const done = (await (await http.post("/api/v1/tasks", { action: "complete", taskId: task.id })).json()) as Task;
    expect(done.status).toBe("done");
    const state1 = (await (await http.get("/api/v1/state")).json()) as { tasks: Task[] };
    expect(state1.tasks).toEqual([done]);

    const deleted = await http.post("/api/v1/tasks", { action: "delete", taskId: task.id });
    expect(deleted.status).toBe(200);
    const state2 = (await (await http.get("/api/v1/state")).json()) as { tasks: Task[]; lastEventSeq: number };
    expect(state2.tasks).toEqual([]);
    const { events } = (await (await http.get("/api/v1/events?since=0")).json()) as { events: LedgerEvent[] };
    expect(events.map((e) => e.type)).toEqual(["task.created", "task.updated", "task.completed", "task.deleted"]);
    expect(state2.lastEventSeq).toBe(4);
  });

  it("[H13] X-Device-Id attributes an HTTP change to that device; a malformed one is ignored", async () => {
    const http = api(await login(freshUser("devhdr")));
    const named = (await (await http.post("/api/v1/tasks", { action: "create", task: { title: "From my phone" } }, { "x-device-id": "phone-1" })).json()) as Task;
    const bogus = (await (await http.post("/api/v1/tasks", { action: "create", task: { title: "Odd" } }, { "x-device-id": "no/such device" })).json()) as Task;
    expect(named.createdBy).toBe("user:phone-1");
    expect(bogus.createdBy).toBe("user:api");
  });

  it("[H4] an unknown task id is not_found", async () => {
    const http = api(await login(freshUser("missing")));
    await expectError(await http.post("/api/v1/tasks", { action: "complete", taskId: "nope" }), 404, "not_found");
  });

  it("[H5] pins a memory and replaces it when pinned again", async () => {
    const http = api(await login(freshUser("memory")));
    const first = (await (await http.post("/api/v1/memory/pin", { type: "place", key: "favorite airport", value: "JFK" })).json()) as Memory;
    const second = (await (await http.post("/api/v1/memory/pin", { type: "place", key: "favorite airport", value: "LGA" })).json()) as Memory;
    expect(second).toMatchObject({ id: first.id, value: "LGA", pinnedAt: first.pinnedAt });
    const state = (await (await http.get("/api/v1/state")).json()) as { memories: Memory[] };
    expect(state.memories).toEqual([second]);
  });

  it("[H5] unpins a memory; unpinning it again is not_found", async () => {
    const http = api(await login(freshUser("unpin")));
    const memory = (await (await http.post("/api/v1/memory/pin", { type: "fact", key: "dog", value: "Rex" })).json()) as Memory;
    expect((await http.post("/api/v1/memory/unpin", { memoryId: memory.id })).status).toBe(200);
    expect(((await (await http.get("/api/v1/state")).json()) as { memories: Memory[] }).memories).toEqual([]);
    await expectError(await http.post("/api/v1/memory/unpin", { memoryId: memory.id }), 404, "not_found");
  });

  it("[H6] updates preferences partially and returns the whole", async () => {
    const http = api(await login(freshUser("prefs")));
    const res = await http.put("/api/v1/preferences", { timezone: "America/New_York", notifications: { quietHours: null } });
    const prefs = (await res.json()) as Preferences;
    expect(res.status).toBe(200);
    expect(prefs).toMatchObject({ timezone: "America/New_York", workHours: { start: "09:00" }, notifications: { quietHours: null, enabled: true } });
    const state = (await (await http.get("/api/v1/state")).json()) as { preferences: Preferences };
    expect(state.preferences).toEqual(prefs);
  });

  it("[H7][L3] Idempotency-Key and clientActionId are the same key: a repeat replays the original", async () => {
    const http = api(await login(freshUser("idem")));
    const body = { action: "create", task: { title: "Once" } };
    const a = await http.post("/api/v1/tasks", body, { "idempotency-key": "key-00000001" });
    const b = await http.post("/api/v1/tasks", { ...body, clientActionId: "key-00000001" });
    const c = await http.post("/api/v1/tasks", body, { "idempotency-key": "key-00000001" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    const [ta, tb, tc] = await Promise.all([a.json(), b.json(), c.json()]);
    expect(tb).toEqual(ta);
    expect(tc).toEqual(ta);
    const state = (await (await http.get("/api/v1/state")).json()) as { tasks: Task[]; lastEventSeq: number };
    expect(state.tasks).toHaveLength(1);
    expect(state.lastEventSeq).toBe(1);
  });

  it("[H7][L4] the same key with another payload is a 409 conflict; differing header and body keys are a 400", async () => {
    const http = api(await login(freshUser("conflict")));
    await http.post("/api/v1/tasks", { action: "create", task: { title: "A" }, clientActionId: "key-00000002" });
    await expectError(await http.post("/api/v1/tasks", { action: "create", task: { title: "B" }, clientActionId: "key-00000002" }), 409, "conflict");
    await expectError(
      await http.post("/api/v1/tasks", { action: "create", task: { title: "C" }, clientActionId: "key-00000003" }, { "idempotency-key": "key-00000004" }),
      400,
      "invalid_request",
    );
  });

  it("[H8][L7] pages through events by seq", async () => {
    const http = api(await login(freshUser("events")));
    for (let i = 0; i < 5; i++) await http.post("/api/v1/tasks", { action: "create", task: { title: `t${i}` } });
    const page = (await (await http.get("/api/v1/events?since=2&limit=2")).json()) as { events: LedgerEvent[]; lastEventSeq: number };
    expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(page.lastEventSeq).toBe(5);
    for (const q of ["since=-1", "since=abc", "limit=0", "limit=1001", "since=1e3"]) {
      await expectError(await http.get(`/api/v1/events?${q}`), 400, "invalid_request");
    }
  });

  it("[H1] every response carries x-request-id, errors included", async () => {
    const http = api(await login(freshUser("rid")));
    for (const res of [await http.get("/api/v1/state"), await http.get("/api/v1/nope"), await SELF.fetch(`${BASE}/api/v1/state`)]) {
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      await res.body?.cancel();
    }
  });

  const badBodies: [string, string | undefined, Record<string, string>, number, string][] = [
    ["non-JSON", "{nope", {}, 400, "invalid_request"],
    ["an empty body", "", {}, 400, "invalid_request"],
    ["a JSON array", "[]", {}, 400, "invalid_request"],
    ["an unknown action", JSON.stringify({ action: "explode" }), {}, 400, "invalid_request"],
    ["a wrong field type", JSON.stringify({ action: "create", task: { title: 5 } }), {}, 400, "invalid_request"],
    ["an unknown field", JSON.stringify({ action: "create", task: { title: "x", admin: true } }), {}, 400, "invalid_request"],
    ["a __proto__ key", `{"action":"create","task":{"title":"x"},"__proto__":{"polluted":true}}`, {}, 400, "invalid_request"],
    ["deep nesting", `{"action":"create","task":{"title":"x","tags":${"[".repeat(3000)}${"]".repeat(3000)}}}`, {}, 400, "invalid_request"],
    ["an oversized body", JSON.stringify({ action: "create", task: { title: "x".repeat(70_000) } }), {}, 413, "too_large"],
    ["a wrong content-type", JSON.stringify({ action: "create", task: { title: "x" } }), { "content-type": "text/plain" }, 400, "invalid_request"],
    ["a malformed Idempotency-Key", JSON.stringify({ action: "create", task: { title: "x" } }), { "idempotency-key": "no spaces!" }, 400, "invalid_request"],
  ];
  for (const [name, body, headers, status, code] of badBodies) {
    it(`[H2][H3] refuses ${name} with ${status} ${code} and applies nothing`, async () => {
      const http = api(await login(freshUser("bad")));
      await expectError(await http.call("POST", "/api/v1/tasks", body, { "content-type": "application/json", ...headers }), status, code);
      const state = (await (await http.get("/api/v1/state")).json()) as { tasks: Task[]; lastEventSeq: number };
      expect(state).toMatchObject({ tasks: [], lastEventSeq: 0 });
    });
  }

  it("[A2] forged, expired, wrong-audience and alg:none tokens are refused by the worker", async () => {
    const b64 = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const now = Math.floor(Date.now() / 1000);
    const valid = await login(freshUser("tok"));
    const [h, p] = valid.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const tokens = [
      `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      `${h}.${b64({ ...claims, sub: "someone-else" })}.${valid.split(".")[2]}`,
      `${h}.${b64({ ...claims, exp: now - 3600 })}.${valid.split(".")[2]}`,
      `${h}.${b64({ ...claims, aud: "other" })}.${valid.split(".")[2]}`,
      "not.a.jwt",
    ];
    for (const t of tokens) await expectError(await api(t).get("/api/v1/state"), 401, "unauthorized");
  });

  it("[A1] every route but dev login needs a bearer token", async () => {
    for (const [method, path] of [["GET", "/api/v1/state"], ["POST", "/api/v1/tasks"], ["GET", "/api/v1/events"], ["POST", "/api/v1/socket/ticket"], ["PUT", "/api/v1/preferences"]] as const) {
      await expectError(await SELF.fetch(`${BASE}${path}`, { method }), 401, "unauthorized");
    }
  });

  it("[A6] no URL reaches a room by name: partyserver's default routes are not served", async () => {
    const token = await login(freshUser("route"));
    for (const path of ["/parties/brain/bob", "/parties/Brain/bob", "/api/v1/state/../../parties/brain/bob", "/%70arties/brain/bob"]) {
      const res = await SELF.fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).not.toBe(200);
      expect([401, 404]).toContain(res.status);
      await res.body?.cancel();
    }
  });

  it("[A6][G4] a forged trusted header cannot switch rooms", async () => {
    const alice = api(await login(freshUser("alice")));
    const bobUser = freshUser("bob");
    const bob = api(await login(bobUser));
    await bob.post("/api/v1/tasks", { action: "create", task: { title: "Bob's secret" } });
    const res = await alice.call("GET", "/api/v1/state", undefined, { "x-mc-user-id": bobUser, "x-partykit-room": bobUser });
    const state = (await res.json()) as { userId: string; tasks: Task[] };
    expect(state.userId).not.toBe(bobUser);
    expect(state.tasks).toEqual([]);
  });

  it("[H10] writes beyond the per-user rate get 429 with retryAfter, reads still work", async () => {
    const http = api(await login(freshUser("rate")));
    let limited: Response | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await http.post("/api/v1/memory/pin", { type: "fact", key: `k${i}`, value: "v" });
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    expect(limited).not.toBeNull();
    const body = await expectError(limited!, 429, "rate_limited");
    expect(body.error.retryAfter).toBeGreaterThan(0);
    expect(limited!.headers.get("retry-after")).toBe(String(body.error.retryAfter));
    expect((await http.get("/api/v1/state")).status).toBe(200);
  });
});
