/**
 * The HTTP API inside a user's room (docs/PROTOCOL.md H1–H9). The worker has
 * already authenticated the caller and named this room from the verified
 * token; here each route validates its input and runs the same command path
 * as the socket.
 */
import type { z } from "zod";
import {
  ClientActionIdSchema,
  type Command,
  MemoryPinSchema,
  MemoryUnpinSchema,
  NoteActionSchema,
  PreferencesUpdateSchema,
  splitClientActionId,
  TaskActionSchema,
  UndoTurnSchema,
} from "../../shared/commands.ts";
import type { BrainState, EventsPage, Ticket } from "../../shared/api.ts";
import type { Device } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import { readNotes, readTasks } from "../../shared/doc-schema.ts";
import type { Ledger } from "../core/ledger.ts";
import { memoriesOf } from "../core/projections.ts";
import { errorResponse, json, parseJson, readBody } from "../http.ts";
import type * as Y from "yjs";
import type { ChatEngine } from "../chat/engine.ts";
import { handleChatApi } from "./chat-routes.ts";
import { dayOf } from "../chat/context.ts";
import type { Schedule } from "../schedule/runner.ts";
import { handleScheduleApi } from "./schedule-routes.ts";
import { localDate } from "../chat/intents.ts";

export type ApiDeps = {
  now: () => number;
  chat: ChatEngine;
  schedule: Schedule;
  limits: { dailyTokens: number };
  userId: string;
  requestId: string;
  ledger: Ledger;
  doc: Y.Doc;
  devices: () => Device[];
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  issueTicket: () => { ticket: string; expiresAt: string };
  /** Rate limit on writes; seconds to wait when over. */
  admitWrite: () => number | null;
};

const EVENTS_DEFAULT_LIMIT = 100;
const EVENTS_MAX_LIMIT = 1_000;

export async function handleApi(request: Request, deps: ApiDeps): Promise<Response> {
  const url = new URL(request.url);
  const route = `${request.method} ${url.pathname.replace(/\/+$/, "")}`;
  if (route === "POST /api/v1/message") {
    const retryAfter = deps.admitWrite();
    if (retryAfter !== null) return errorResponse("rate_limited", "too many writes", deps.requestId, retryAfter);
  }
  const chat = await handleChatApi(request, url, { requestId: deps.requestId, chat: deps.chat, ledger: deps.ledger, idempotencyKey });
  if (chat) return chat;
  const schedule = await handleScheduleApi(request, url, { ...deps, write: (schema, toCommand) => write(request, deps, schema, toCommand) });
  if (schedule) return schedule;
  switch (route) {
    case "GET /api/v1/state":
      return json(stateOf(deps), 200, deps.requestId);
    case "GET /api/v1/events":
      return events(url, deps);
    case "POST /api/v1/socket/ticket":
      return json({ ...deps.issueTicket(), path: "/api/v1/socket" } satisfies Ticket, 201, deps.requestId);
    case "POST /api/v1/tasks":
      return write(request, deps, TaskActionSchema, (body) => {
        const { value: action, clientActionId } = splitClientActionId(body);
        return { command: { kind: "task", action }, clientActionId, created: action.action === "create" };
      });
    case "POST /api/v1/notes":
      return write(request, deps, NoteActionSchema, (body) => {
        const { value: action, clientActionId } = splitClientActionId(body);
        return { command: { kind: "note", action }, clientActionId, created: action.action === "create" };
      });
    case "POST /api/v1/undo":
      return write(request, deps, UndoTurnSchema, (body) => {
        const { value, clientActionId } = splitClientActionId(body);
        return { command: { kind: "undo.turn", turnId: value.turnId }, clientActionId, created: false };
      });
    case "POST /api/v1/memory/pin":
      return write(request, deps, MemoryPinSchema, (body) => {
        const { value: pin, clientActionId } = splitClientActionId(body);
        return { command: { kind: "memory.pin", pin }, clientActionId, created: false };
      });
    case "POST /api/v1/memory/unpin":
      return write(request, deps, MemoryUnpinSchema, (body) => {
        const { value, clientActionId } = splitClientActionId(body);
        return { command: { kind: "memory.unpin", memoryId: value.memoryId }, clientActionId, created: false };
      });
    case "PUT /api/v1/preferences":
      return write(request, deps, PreferencesUpdateSchema, (body) => {
        const { value: patch, clientActionId } = splitClientActionId(body);
        return { command: { kind: "preferences.update", patch }, clientActionId, created: false };
      });
    default:
      return errorResponse("not_found", `no route ${route}`, deps.requestId);
  }
}

export function stateOf(deps: Pick<ApiDeps, "userId" | "ledger" | "doc" | "devices" | "limits" | "now" | "chat">): BrainState {
  const state = deps.ledger.state;
  const today = dayOf(deps.now());
  const localToday = localDate(state.preferences.timezone, new Date(deps.now()));
  const usage = state.usage.day === today ? state.usage : { day: today, tokens: 0, tools: {} };
  return {
    usage: { ...usage, tokenBudget: deps.limits.dailyTokens },
    userId: deps.userId,
    tasks: readTasks(deps.doc),
    notes: readNotes(deps.doc),
    memories: memoriesOf(state),
    preferences: state.preferences,
    recentMessages: state.recentMessages,
    devices: deps.devices(),
    reminders: Object.values(state.reminders).sort((a, b) => a.at.localeCompare(b.at)),
    notifications: Object.values(state.notifications).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    plan: state.plans[localToday] ?? null,
    proposals: deps.chat.store.pendingProposals(deps.now()),
    lastEventSeq: state.lastEventSeq,
  };
}

function events(url: URL, deps: ApiDeps): Response {
  const since = intParam(url, "since", 0);
  const limit = intParam(url, "limit", EVENTS_DEFAULT_LIMIT);
  if (since === null || since < 0) return errorResponse("invalid_request", "since must be an integer ≥ 0", deps.requestId);
  if (limit === null || limit < 1 || limit > EVENTS_MAX_LIMIT) {
    return errorResponse("invalid_request", `limit must be an integer from 1 to ${EVENTS_MAX_LIMIT}`, deps.requestId);
  }
  return json({ events: deps.ledger.since(since, limit), lastEventSeq: deps.ledger.lastSeq } satisfies EventsPage, 200, deps.requestId);
}

function intParam(url: URL, name: string, fallback: number): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

export async function write<S extends z.ZodType>(
  request: Request,
  deps: ApiDeps,
  schema: S,
  toCommand: (body: z.infer<S>) => { command: Command; clientActionId?: string; created: boolean },
): Promise<Response> {
  const retryAfter = deps.admitWrite();
  if (retryAfter !== null) return errorResponse("rate_limited", "too many writes", deps.requestId, retryAfter);
  const input = await readInput(request, schema);
  if (!input.ok) return errorResponse(input.error.code, input.error.message, deps.requestId);
  const { command, clientActionId: bodyKey, created } = toCommand(input.value);
  const key = idempotencyKey(request, bodyKey);
  if (!key.ok) return errorResponse(key.error.code, key.error.message, deps.requestId);
  const result = deps.execute(command, {
    actor: userActor(request),
    correlationId: deps.requestId,
    clientActionId: key.value,
  });
  if (!result.ok) return errorResponse(result.error.code, result.error.message, deps.requestId, result.error.retryAfter);
  const { duplicate, seq } = result.value;
  return json(result.value.result, created && !duplicate ? 201 : 200, deps.requestId, {
    "x-event-seq": String(seq),
    ...(duplicate ? { "idempotent-replayed": "true" } : {}),
  });
}

/**
 * H13: the caller's device, if it names one (`X-Device-Id`), so HTTP changes are
 * attributed like socket ones. A claim within the user's own room: it labels, it grants nothing.
 */
export function userActor(request: Request): { kind: "user"; deviceId?: string } {
  const deviceId = request.headers.get("x-device-id");
  return deviceId && /^[A-Za-z0-9_-]{1,128}$/.test(deviceId) ? { kind: "user", deviceId } : { kind: "user" };
}

export async function readInput<S extends z.ZodType>(request: Request, schema: S): Promise<Result<z.infer<S>>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) return fail("invalid_request", "content-type must be application/json");
  const text = await readBody(request);
  if (!text.ok) return text;
  const body = parseJson(text.value);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return fail("invalid_request", `${issue?.message ?? "invalid body"}${where}`);
  }
  return ok(parsed.data);
}

/** H7: `Idempotency-Key` works like `clientActionId`; giving both with different values is an error. */
export function idempotencyKey(request: Request, bodyKey: string | undefined): Result<string | undefined> {
  const header = request.headers.get("idempotency-key");
  if (header === null) return ok(bodyKey);
  const parsed = ClientActionIdSchema.safeParse(header);
  if (!parsed.success) return fail("invalid_request", "Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -");
  if (bodyKey !== undefined && bodyKey !== parsed.data) {
    return fail("invalid_request", "Idempotency-Key and clientActionId differ");
  }
  return ok(parsed.data);
}
