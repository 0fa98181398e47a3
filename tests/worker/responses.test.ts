/**
 * What the room answers over HTTP and SSE is what `shared/` declares: every
 * body below is parsed with the schema the web parses it with, so a room that
 * drifts from `shared/api.ts` fails here instead of in a browser.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  BrainStateSchema,
  DevSessionSchema,
  EventsPageSchema,
  HistoryPageSchema,
  ProposalConfirmedSchema,
  ProposalRejectedSchema,
  TicketSchema,
  TurnStoppedSchema,
  UndoneSchema,
} from "../../shared/api.ts";
import { AcceptedSchema, type LlmFrame, LlmFrameSchema } from "../../shared/chat.ts";
import { MemorySchema, NoteSchema, PlanItemSchema, PreferencesSchema, ReminderSchema, TaskSchema } from "../../shared/domain.ts";
import { ErrorBodySchema } from "../../shared/errors.ts";
import { ServerFrameSchema } from "../../shared/protocol.ts";
import { gatedModel } from "../support/fake-models.ts";
import { api, BASE, freshUser, inRoom, login, stubOf } from "./helpers.ts";

/** The body, parsed strictly; the zod error names the field that drifted. */
async function body<S extends z.ZodType>(res: Response, schema: S, status: number): Promise<z.infer<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/** Sends a message and reads its turn's SSE stream to the end; every event is an LlmFrame and a ServerFrame (C11). */
async function turn(http: ReturnType<typeof api>, text: string): Promise<{ turnId: string; frames: LlmFrame[] }> {
  const accepted = await body(await http.post("/api/v1/message", { text }), AcceptedSchema, 202);
  const sse = await (await http.get(accepted.streamUrl)).text();
  const frames = sse
    .trim()
    .split("\n\n")
    .map((block) => {
      const [event, data] = block.split("\n");
      const frame = LlmFrameSchema.parse(JSON.parse(data!.slice("data: ".length)));
      expect(ServerFrameSchema.parse(frame)).toEqual(frame);
      expect(event).toBe(`event: ${frame.type}`);
      return frame;
    });
  return { turnId: accepted.turnId, frames };
}

describe("Brain — HTTP responses match shared/api.ts", () => {
  it("[A5][A3][H4][H5][H6][H11][S1] login, ticket and each write answer with their declared body", async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: freshUser("shape") }) });
    const { token } = await body(res, DevSessionSchema, 200);
    const http = api(token);
    await body(await http.post("/api/v1/socket/ticket", undefined), TicketSchema, 201);
    const task = await body(await http.post("/api/v1/tasks", { action: "create", task: { title: "Call John", due: "2026-11-22", tags: ["work"] } }), TaskSchema, 201);
    await body(await http.post("/api/v1/tasks", { action: "complete", taskId: task.id }), TaskSchema, 200);
    await body(await http.post("/api/v1/notes", { action: "create", note: { title: "Ideas", body: "one" } }), NoteSchema, 201);
    const memory = await body(await http.post("/api/v1/memory/pin", { type: "place", key: "airport", value: "JFK" }), MemorySchema, 200);
    await body(await http.post("/api/v1/memory/unpin", { memoryId: memory.id }), MemorySchema, 200);
    await body(await http.put("/api/v1/preferences", { timezone: "Europe/Paris" }), PreferencesSchema, 200);
    const reminder = await body(await http.post("/api/v1/reminders", { at: "2030-01-01T09:00:00Z", title: "Dentist" }), ReminderSchema, 201);
    await body(await http.post(`/api/v1/reminders/${reminder.id}/snooze`, { minutes: 10 }), ReminderSchema, 200);
  });

  it("[H8][H9][C12] state, events and history parse with their page schemas", async () => {
    const http = api(await login(freshUser("reads")));
    await http.post("/api/v1/tasks", { action: "create", task: { title: "Buy milk" } });
    await http.post("/api/v1/reminders", { at: "2030-01-01T09:00:00Z", title: "Dentist" });
    await turn(http, "remember that my favorite airport is JFK");
    const state = await body(await http.get("/api/v1/state"), BrainStateSchema, 200);
    expect(state.memories).toMatchObject([{ key: "favorite airport", value: "JFK" }]);
    const page = await body(await http.get("/api/v1/events?since=0&limit=1000"), EventsPageSchema, 200);
    expect(page.lastEventSeq).toBe(state.lastEventSeq);
    const history = await body(await http.get("/api/v1/messages?limit=1"), HistoryPageSchema, 200);
    expect(history.nextBefore).not.toBeNull();
  });

  it("[C3][C8][C11][H12][S6] assistant turns: SSE frames, proposals, undo and plan items parse", async () => {
    const http = api(await login(freshUser("turns")));
    const created = await turn(http, "add a task: water the plants");
    expect(created.frames.at(-1)?.type).toBe("llm.completed");
    expect(await body(await http.post("/api/v1/undo", { turnId: created.turnId }), UndoneSchema, 200)).toMatchObject({ turnId: created.turnId });

    await http.post("/api/v1/tasks", { action: "create", task: { title: "Old report" } });
    await http.post("/api/v1/tasks", { action: "create", task: { title: "Old invoice" } });
    // A finished turn's SSE replay carries its tokens and end, not its cards (C11): proposals come from the state.
    for (const text of ["delete old report", "delete old invoice"]) await turn(http, text);
    const proposals = (await body(await http.get("/api/v1/state"), BrainStateSchema, 200)).proposals.map((p) => p.id);
    expect(proposals).toHaveLength(2);
    await body(await http.post(`/api/v1/proposals/${proposals[0]}/confirm`, undefined), ProposalConfirmedSchema, 200);
    await body(await http.post(`/api/v1/proposals/${proposals[1]}/reject`, undefined), ProposalRejectedSchema, 200);

    await turn(http, "plan my day");
    const { plan } = await body(await http.get("/api/v1/state"), BrainStateSchema, 200);
    const item = plan?.items[0];
    if (!plan || !item) throw new Error("no plan in the state");
    await body(await http.post("/api/v1/plan/items", { date: plan.date, itemId: item.id, action: "accept" }), PlanItemSchema, 200);
  });

  it("[C7] stopping the streaming turn and a queued one answers with the declared body", async () => {
    const user = freshUser("stop");
    const http = api(await login(user));
    const stub = await stubOf(user);
    // A model that never answers until released: the first turn streams, the second waits behind it (C3).
    const gate = gatedModel();
    await inRoom(stub, (brain) => brain.debugChat().useModel(() => gate.model));
    const streaming = await body(await http.post("/api/v1/message", { text: "tell me a story" }), AcceptedSchema, 202);
    const queued = await body(await http.post("/api/v1/message", { text: "and another" }), AcceptedSchema, 202);
    await inRoom(stub, () => gate.ready);
    expect(await body(await http.post(`/api/v1/turns/${queued.turnId}/stop`, undefined), TurnStoppedSchema, 200)).toMatchObject({ status: "interrupted" });
    expect(await body(await http.post(`/api/v1/turns/${streaming.turnId}/stop`, undefined), TurnStoppedSchema, 200)).toMatchObject({ status: "stopping" });
  });

  it("[E1][E2] error bodies parse with ErrorBodySchema, whatever the code", async () => {
    const http = api(await login(freshUser("errors")));
    await body(await http.get("/api/v1/nope"), ErrorBodySchema, 404);
    await body(await http.post("/api/v1/tasks", { action: "explode" }), ErrorBodySchema, 400);
    await body(await http.post("/api/v1/tasks", { action: "complete", taskId: "missing" }), ErrorBodySchema, 404);
    await body(await api("not-a-token").get("/api/v1/state"), ErrorBodySchema, 401);
  });
});
