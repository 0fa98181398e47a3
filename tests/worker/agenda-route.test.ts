/**
 * `GET /api/v1/agenda` through the real worker and Brain (docs/PROTOCOL.md
 * K20–K22): the shape, sorted, in the user's zone; bad ranges are a
 * typed 400 with the request id.
 */
import { describe, expect, it } from "vitest";
import { AgendaSchema } from "../../shared/agenda.ts";
import { api, freshUser, inRoom, login, stubOf } from "./helpers.ts";

type ErrorJson = { error: { code: string; message: string; requestId: string } };

describe("Brain — agenda route", () => {
  it("[K20][K22] lists tasks with due times and reminders of the range, sorted by start, with the zone's offset", async () => {
    const user = freshUser("agenda");
    const http = api(await login(user));
    await inRoom(await stubOf(user), (b) => b.debugSetClock(Date.parse("2026-03-04T12:00:00Z")));
    expect((await http.put("/api/v1/preferences", { timezone: "America/New_York" })).status).toBe(200);
    await http.post("/api/v1/tasks", { action: "create", task: { title: "Call John", due: "2026-03-04T20:00:00Z" } });
    await http.post("/api/v1/tasks", { action: "create", task: { title: "Pay rent", due: "2026-03-04" } });
    await http.post("/api/v1/tasks", { action: "create", task: { title: "Next week", due: "2026-03-11" } });
    expect((await http.post("/api/v1/reminders", { at: "2026-03-04T17:30:00Z", title: "Stretch" })).status).toBe(201);

    const res = await http.get(`/api/v1/agenda?from=${encodeURIComponent("2026-03-04T00:00:00-05:00")}&to=${encodeURIComponent("2026-03-05T00:00:00-05:00")}`);
    expect(res.status).toBe(200);
    const body = AgendaSchema.parse(await res.json());
    expect(body.items.map((i) => ({ kind: i.kind, title: i.title, start: i.start, allDay: i.allDay }))).toEqual([
      { kind: "task", title: "Pay rent", start: "2026-03-04T00:00:00-05:00", allDay: true },
      { kind: "reminder", title: "Stretch", start: "2026-03-04T12:30:00-05:00", allDay: undefined },
      { kind: "task", title: "Call John", start: "2026-03-04T15:00:00-05:00", allDay: undefined },
    ]);
  });

  it("[K21] a range that is not ISO with offset, not ordered or longer than 62 days is a typed 400", async () => {
    const http = api(await login(freshUser("agenda-bad")));
    const q = (from: string, to: string) => `/api/v1/agenda?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const cases: [string, RegExp][] = [
      ["/api/v1/agenda", /from is required/],
      [q("2026-03-04", "2026-03-05T00:00:00Z"), /from must be an ISO date-time with offset/],
      [q("2026-03-05T00:00:00Z", "2026-03-04T00:00:00Z"), /from must be before to/],
      [q("2026-01-01T00:00:00Z", "2026-03-05T00:00:00Z"), /at most 62 days/],
    ];
    for (const [path, message] of cases) {
      const res = await http.get(path);
      const body = (await res.json()) as ErrorJson;
      expect(res.status, path).toBe(400);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(message);
      expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
    }
  });
});
