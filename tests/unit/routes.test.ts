import { describe, expect, it } from "vitest";
import type { Command } from "../../shared/commands.ts";
import { ok } from "../../shared/errors.ts";
import type { CommandContext } from "../../party/core/commands.ts";
import { applyInput, clientActionIdOf } from "../../party/core/inputs.ts";
import { handleApi, ROUTES } from "../../party/api/routes.ts";
import { type ApiDeps, matchPath } from "../../party/api/route-table.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";

/** The API over a Node room; `execute` records what reached the command path instead of applying it. */
function apiRoom(overLimit: number | null = null) {
  const room = nodeRoom(() => scriptedModel([{ text: ["x"] }]));
  const executed: { command: Command; ctx: CommandContext }[] = [];
  let writesAdmitted = 0;
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
    execute: (command, ctx) => {
      executed.push({ command, ctx });
      return ok({ result: { applied: command.kind }, duplicate: false, seq: executed.length });
    },
    issueTicket: async () => ({ ticket: "t", expiresAt: "2026-11-21T10:00:00Z" }),
    admitWrite: () => {
      writesAdmitted++;
      return overLimit;
    },
  };
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    handleApi(
      new Request(`https://cos.test${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      deps,
    );
  return { call, executed, writes: () => writesAdmitted, room, deps };
}

/** A concrete path for a pattern: every `:id` becomes a well-formed id. */
const concrete = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, "id-1");

describe("Brain — HTTP route table", () => {
  it("[H14][H10] every write route is refused over the write limit before it reads or applies anything", async () => {
    const writes = ROUTES.filter((r) => r.write);
    expect(writes.length).toBeGreaterThanOrEqual(15);
    for (const route of writes) {
      const api = apiRoom(7);
      const res = await api.call(route.method, concrete(route.path), { anything: true });
      expect(res.status, `${route.method} ${route.path}`).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(await res.json()).toEqual({ error: { code: "rate_limited", message: "too many writes", requestId: "req-1", retryAfter: 7 } });
      expect(api.executed).toEqual([]);
      expect(api.room.ledger.lastSeq).toBe(0);
    }
  });

  it("[H14][H10] reads never consult the write limit", async () => {
    for (const route of ROUTES.filter((r) => !r.write)) {
      const api = apiRoom(7);
      const res = await api.call(route.method, concrete(route.path));
      expect(res.status, `${route.method} ${route.path}`).not.toBe(429);
      expect(api.writes()).toBe(0);
    }
  });

  it("[H14] the schedule, chat and data writes are all declared as writes; the socket ticket is not", () => {
    const declared = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r.write]));
    for (const write of [
      "POST /api/v1/tasks",
      "POST /api/v1/notes",
      "POST /api/v1/undo",
      "POST /api/v1/memory/pin",
      "POST /api/v1/memory/unpin",
      "PUT /api/v1/preferences",
      "POST /api/v1/message",
      "POST /api/v1/turns/:turnId/stop",
      "POST /api/v1/proposals/:proposalId/confirm",
      "POST /api/v1/proposals/:proposalId/reject",
      "POST /api/v1/reminders",
      "POST /api/v1/reminders/:reminderId/snooze",
      "POST /api/v1/reminders/:reminderId/dismiss",
      "POST /api/v1/reminders/:reminderId/update",
      "POST /api/v1/notifications/:notificationId/ack",
      "POST /api/v1/plan/items",
      "POST /api/v1/calendar/sources",
      "DELETE /api/v1/calendar/sources/:sourceId",
      "POST /api/v1/calendar/sources/:sourceId/sync",
      // V10, V14, V17, V28: an upload, a send, a discard and speech (charged to the day's voice minutes) are writes.
      "POST /api/v1/voice-upload",
      "POST /api/v1/voice/jobs/:jobId/send",
      "POST /api/v1/voice/jobs/:jobId/discard",
      "POST /api/v1/speech",
    ]) {
      expect(declared.get(write), write).toBe(true);
    }
    expect(declared.get("POST /api/v1/socket/ticket")).toBe(false);
    // K1: reading sources and events changes nothing.
    expect(declared.get("GET /api/v1/calendar/sources")).toBe(false);
    expect(declared.get("GET /api/v1/calendar/events")).toBe(false);
    expect(declared.get("GET /api/v1/voice/jobs/:jobId")).toBe(false);
    expect(declared.get("GET /api/v1/voice")).toBe(false);
    expect(ROUTES.find((r) => r.path === "/api/v1/voice-upload")?.body).toBe("multipart");
    expect(declared.size, "each method and path is declared once").toBe(ROUTES.length);
  });

  it("[H14][H7][H13] a write's key and device come from the dispatcher, for bodiless writes too", async () => {
    const api = apiRoom();
    await api.call("POST", "/api/v1/reminders/r-1/dismiss", undefined, { "idempotency-key": "key-00000001", "x-device-id": "phone-1" });
    await api.call("POST", "/api/v1/plan/items", { date: "2026-11-21", itemId: "i1", action: "accept", clientActionId: "key-00000002" });
    expect(api.executed).toEqual([
      {
        command: { kind: "reminder.dismiss", reminderId: "r-1" },
        ctx: { actor: { kind: "user", deviceId: "phone-1" }, correlationId: "req-1", clientActionId: "key-00000001" },
      },
      {
        // The key is not part of the command: the same action compares equal with its key in a header or a body (G2).
        // A body-only command was checked whole at the edge and is not parsed again (R18).
        command: { kind: "plan.item", date: "2026-11-21", itemId: "i1", action: "accept" },
        ctx: { actor: { kind: "user" }, correlationId: "req-1", clientActionId: "key-00000002", edgeChecked: true },
      },
    ]);
    const differ = await api.call("POST", "/api/v1/reminders/r-1/snooze", { minutes: 5, clientActionId: "key-00000003" }, { "idempotency-key": "key-00000004" });
    expect(differ.status).toBe(400);
    const malformed = await api.call("POST", "/api/v1/notifications/n-1/ack", undefined, { "idempotency-key": "no spaces!" });
    expect(malformed.status).toBe(400);
    expect(api.executed).toHaveLength(2);
  });

  it("[H14][E2] an unknown method, path or malformed id is 404 no route METHOD path; a trailing slash is the same path", async () => {
    const api = apiRoom();
    for (const [method, path, shown] of [
      ["DELETE", "/api/v1/tasks", "/api/v1/tasks"],
      ["GET", "/api/v1/nope/", "/api/v1/nope"],
      ["POST", "/api/v1/reminders/bad_id/snooze", "/api/v1/reminders/bad_id/snooze"],
      ["GET", "/api/v1/state/extra", "/api/v1/state/extra"],
    ] as const) {
      const res = await api.call(method, path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found", message: `no route ${method} ${shown}` } });
    }
    expect((await api.call("GET", "/api/v1/state/")).status).toBe(200);
  });

  it("[H8][C12][S6] query parameters are validated with the messages clients already see", async () => {
    const api = apiRoom();
    const message = async (path: string) => ((await (await api.call("GET", path)).json()) as { error: { message: string } }).error.message;
    expect(await message("/api/v1/events?since=-1&limit=0")).toBe("since must be an integer ≥ 0");
    expect(await message("/api/v1/events?limit=1001")).toBe("limit must be an integer from 1 to 1000");
    expect(await message("/api/v1/messages?limit=201&before=nope")).toBe("limit must be an integer from 1 to 200");
    expect(await message("/api/v1/messages?before=nope")).toBe("before must be an ISO date-time");
    expect(await message("/api/v1/plan?date=21-11-2026")).toBe("date must be YYYY-MM-DD");
    expect((await api.call("GET", "/api/v1/events?since=0&since=abc")).status).toBe(200);
  });

  it("[H14] a path pattern names its ids; other segments must match exactly", () => {
    expect(matchPath("/api/v1/reminders/:reminderId/snooze", "/api/v1/reminders/abc-1/snooze")).toEqual({ reminderId: "abc-1" });
    expect(matchPath("/api/v1/reminders/:reminderId/snooze", "/api/v1/reminders/abc-1/dismiss")).toBeNull();
    expect(matchPath("/api/v1/reminders/:reminderId/snooze", `/api/v1/reminders/${"a".repeat(65)}/snooze`)).toBeNull();
    expect(matchPath("/api/v1/state", "/api/v1/state")).toEqual({});
  });

  it("[G2][P6] a socket frame and an HTTP request of the same input make the same command under the same key", async () => {
    const api = apiRoom();
    await api.call("POST", "/api/v1/reminders/r-1/snooze", { minutes: 5, clientActionId: "key-00000005" });
    await api.call("POST", "/api/v1/tasks", { action: "create", task: { title: "Tea" } }, { "idempotency-key": "key-00000006" });
    const frames = [
      { type: "reminder.snooze", rid: "a", reminderId: "r-1", command: { minutes: 5, clientActionId: "key-00000005" } },
      { type: "task", command: { action: "create", task: { title: "Tea" }, clientActionId: "key-00000006" } },
    ] as const;
    for (const frame of frames) {
      const ctx: CommandContext = { actor: { kind: "user" }, correlationId: "req-1", clientActionId: clientActionIdOf(frame) };
      applyInput(api.deps, frame.type, frame, ctx);
    }
    const [httpSnooze, httpTask, socketSnooze, socketTask] = api.executed;
    expect(socketSnooze).toEqual(httpSnooze);
    expect(socketTask).toEqual(httpTask);
    expect(httpSnooze!.command).toEqual({ kind: "reminder.snooze", reminderId: "r-1", minutes: 5 });
  });

  it("[H14] a write declared bodiless reads no body; the confirm declares its optional JSON body, read with the cap", async () => {
    const raw = (api: ReturnType<typeof apiRoom>, path: string, method: string, body: string, type = "text/plain") =>
      handleApi(new Request(`https://cos.test${path}`, { method, headers: { "content-type": type }, body }), api.deps);
    for (const route of ROUTES.filter((r) => r.write && r.body === "none" && r.method !== "DELETE")) {
      const res = await raw(apiRoom(), concrete(route.path), route.method, "not json {");
      const text = res ? await res.text() : "";
      expect(text, `${route.method} ${route.path} is declared bodiless but read its body`).not.toMatch(/content-type|JSON|body/);
    }
    const confirm = ROUTES.find((r) => r.path === "/api/v1/proposals/:proposalId/confirm");
    expect(confirm?.body).toBe("optional-json");
    const api = apiRoom();
    // None, or only whitespace, accepts everything (B11); a body is JSON, checked whole, under the cap (H5).
    // (Both reach the chat, which knows no such proposal: 404, not a 400 about the body.)
    expect((await raw(api, "/api/v1/proposals/p-1/confirm", "POST", "  ", "text/plain"))?.status).toBe(404);
    expect((await raw(api, "/api/v1/proposals/p-2/confirm", "POST", JSON.stringify({ items: ["e1"] }), "application/json"))?.status).toBe(404);
    expect((await raw(api, "/api/v1/proposals/p-3/confirm", "POST", JSON.stringify({ items: ["e1"] }), "text/plain"))?.status).toBe(400);
    expect((await raw(api, "/api/v1/proposals/p-3/confirm", "POST", JSON.stringify({ items: ["e1"], extra: 1 }), "application/json"))?.status).toBe(400);
    const big = await raw(api, "/api/v1/proposals/p-3/confirm", "POST", JSON.stringify({ items: ["x".repeat(70_000)] }), "application/json");
    expect(big?.status).toBe(413);
  });
});
