/**
 * Typed calls to the HTTP API (docs/PROTOCOL.md). Every response is parsed with
 * its schema from `shared/api.ts` (never `json as T`); errors become ApiError
 * with the server's code and request id.
 */
import { z } from "zod";
import {
  BrainStateReadSchema,
  DevSessionSchema,
  EventsPageSchema,
  HistoryPageReadSchema,
  ProposalConfirmedSchema,
  ProposalRejectedSchema,
  TicketSchema,
  UndoneSchema,
} from "../../shared/api.ts";
import type { MemoryPin, MemoryUnpinSchema, PlanItemActionSchema, ReminderSnoozeSchema, ReminderUpdateSchema, UndoTurnSchema } from "../../shared/commands.ts";
import { MemorySchema, PlanItemSchema, type PreferencesPatch, PreferencesSchema, ReminderSchema } from "../../shared/domain.ts";
import { type ErrorBody, ErrorBodySchema } from "../../shared/errors.ts";
import { DEVICE_KEY } from "./device.ts";
import { AgendaSchema } from "../../shared/agenda.ts";
import { SearchPageReadSchema } from "../../shared/search-results.ts";
import type { ConfirmSelection } from "../../shared/goals.ts";

import { type McpServerInput, McpServerInfoSchema, McpServerListSchema } from "../../shared/mcp.ts";
import { type PushSubscriptionBody, PushKeySchema, PushSubscribedSchema, PushUnsubscribedSchema } from "../../shared/push.ts";
import { type CalendarSourceBody, CalendarSourceCreatedSchema, CalendarSourcesPageSchema } from "../../shared/calendar.ts";

/** Where the session token is kept; its removal is how other tabs learn of a sign-out (W33). */
export const TOKEN_KEY = "micro-cos.token";

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value === null) localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value);
  },
};

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody["error"];
  constructor(status: number, body: ErrorBody["error"]) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

/** What a response that matches no schema (a proxy's HTML page, a newer or broken server) becomes. */
const unexpected = (res: Response) =>
  new ApiError(res.status, { code: "internal", message: "unexpected response from the server", requestId: res.headers.get("x-request-id") ?? "" });

/** `POST /api/v1/notifications/:id/ack` (S9). */
const NotificationAckedSchema = z.object({ notificationId: z.string() });

/** `idempotencyKey` (H7): the same key sent again gets the first answer, never a second change. `signal` ends a call the user gave up on (a voice upload, W116). */
export async function call<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown, idempotencyKey?: string, signal?: AbortSignal): Promise<z.infer<S>> {
  const headers: Record<string, string> = {};
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  const device = localStorage.getItem(DEVICE_KEY);
  if (device) headers["x-device-id"] = device;
  // A FormData body (a voice clip, W116) goes as multipart: the browser writes its content-type with the boundary.
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), ...(signal ? { signal } : {}) });
  const json = await readJson(res);
  if (res.status === 401 && path !== "/api/v1/dev/login" && session.token) {
    // The session expired or was revoked: back to sign-in (the outbox stays for this user).
    session.token = null;
    location.assign("/login");
  }
  if (!res.ok) {
    const error = ErrorBodySchema.safeParse(json);
    throw error.success ? new ApiError(res.status, error.data.error) : unexpected(res);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw unexpected(res);
  return parsed.data;
}

/** The body as JSON, or undefined when it is not JSON (which no schema accepts). */
async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

export const api = {
  devLogin: (userId: string) => call(DevSessionSchema, "POST", "/api/v1/dev/login", { userId }),
  // D40: read loosely — a field a later server adds is dropped, not a reason to refuse the state.
  state: () => call(BrainStateReadSchema, "GET", "/api/v1/state"),
  events: (since = 0, limit = 200) => call(EventsPageSchema, "GET", `/api/v1/events?since=${since}&limit=${limit}`),
  /** B21: the events of one goal, its tasks and its blocks, after `since`. */
  goalEvents: (goalId: string, since: number, limit: number) => call(EventsPageSchema, "GET", `/api/v1/events?goalId=${encodeURIComponent(goalId)}&since=${since}&limit=${limit}`),
  history: (before?: string) => call(HistoryPageReadSchema, "GET", `/api/v1/messages?limit=50${before ? `&before=${encodeURIComponent(before)}` : ""}`),
  pin: (pin: MemoryPin) => call(MemorySchema, "POST", "/api/v1/memory/pin", pin),
  unpin: (memoryId: string) => call(MemorySchema, "POST", "/api/v1/memory/unpin", { memoryId } satisfies z.input<typeof MemoryUnpinSchema>),
  preferences: (patch: PreferencesPatch) => call(PreferencesSchema, "PUT", "/api/v1/preferences", patch),
  /** B11: a confirm may name the entries accepted and their edits (`selection`); all entries when absent. */
  proposal: (id: string, decision: "confirm" | "reject", selection?: ConfirmSelection) =>
    decision === "confirm"
      ? call(ProposalConfirmedSchema, "POST", `/api/v1/proposals/${id}/confirm`, selection)
      : call(ProposalRejectedSchema, "POST", `/api/v1/proposals/${id}/reject`),
  undo: (turnId: string) => call(UndoneSchema, "POST", "/api/v1/undo", { turnId } satisfies z.input<typeof UndoTurnSchema>),
  planItem: (date: string, itemId: string, action: "accept" | "reject") => call(PlanItemSchema, "POST", "/api/v1/plan/items", { date, itemId, action } satisfies z.input<typeof PlanItemActionSchema>),
  /** S4: the reminder fires again `minutes` from now. One key per user action, so a retry never snoozes twice. */
  snoozeReminder: (reminderId: string, minutes: number, key = crypto.randomUUID()) =>
    call(ReminderSchema, "POST", `/api/v1/reminders/${encodeURIComponent(reminderId)}/snooze`, { minutes } satisfies z.input<typeof ReminderSnoozeSchema>, key),
  /** S21: a reminder's time, title or repeat changed (`rrule: null` stops it repeating). */
  updateReminder: (reminderId: string, edit: z.input<typeof ReminderUpdateSchema>, key = crypto.randomUUID()) =>
    call(ReminderSchema, "POST", `/api/v1/reminders/${encodeURIComponent(reminderId)}/update`, edit, key),
  /** S4: the reminder is cancelled, on every device. */
  dismissReminder: (reminderId: string, key = crypto.randomUUID()) => call(ReminderSchema, "POST", `/api/v1/reminders/${encodeURIComponent(reminderId)}/dismiss`, undefined, key),
  socketTicket: () => call(TicketSchema, "POST", "/api/v1/socket/ticket"),
  /** S9, W66: the notification is acknowledged — withdrawn on every device. One key per notification: a repeat is the same ack. */
  ackNotification: (notificationId: string) =>
    call(NotificationAckedSchema, "POST", `/api/v1/notifications/${encodeURIComponent(notificationId)}/ack`, undefined, `ack:${notificationId.replace(/[^A-Za-z0-9._:-]/g, "_")}`.slice(0, 128)),
  /** K20: the agenda over [from, to) (ISO instants with offset), sorted by start. */
  /** Q1, W100: a search, its query string built by web/lib/search.ts (`searchPath`). */
  search: (path: `/api/v1/search?${string}`) => call(SearchPageReadSchema, "GET", path),
  agenda: (from: string, to: string) => call(AgendaSchema, "GET", `/api/v1/agenda?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  /** W60: the room's VAPID public key (base64url), the `applicationServerKey` of a subscription. */
  pushKey: () => call(PushKeySchema, "GET", "/api/v1/push/key"),
  /** W60: this device receives push (`X-Device-Id` names it); the same endpoint again gets the same id. */
  pushSubscribe: (body: PushSubscriptionBody) => call(PushSubscribedSchema, "POST", "/api/v1/push/subscriptions", body),
  /** W60, W65: that subscription's device receives no more push (404 when already removed). */
  /** K1: the user's calendars, without credentials. */
  calendarSources: () => call(CalendarSourcesPageSchema, "GET", "/api/v1/calendar/sources"),
  addCalendarSource: (body: CalendarSourceBody, key = crypto.randomUUID()) => call(CalendarSourceCreatedSchema, "POST", "/api/v1/calendar/sources", body, key),
  removeCalendarSource: (id: string) => call(z.object({ id: z.string() }), "DELETE", `/api/v1/calendar/sources/${encodeURIComponent(id)}`),
  /** K10: 202, the sync runs in the background; its outcome is the source's status. */
  syncCalendarSource: (id: string) => call(z.object({ id: z.string() }), "POST", `/api/v1/calendar/sources/${encodeURIComponent(id)}/sync`),
  pushUnsubscribe: (id: string) => call(PushUnsubscribedSchema, "DELETE", `/api/v1/push/subscriptions/${encodeURIComponent(id)}`),
  /** M1: connects and lists tools during the call; an OAuth server answers `needs_auth` with its `authorizeUrl`. */
  mcpServers: () => call(McpServerListSchema, "GET", "/api/v1/mcp/servers"),
  mcpAdd: (body: McpServerInput) => call(McpServerInfoSchema, "POST", "/api/v1/mcp/servers", body),
  mcpTrust: (id: string, trusted: string[]) => call(McpServerInfoSchema, "PATCH", `/api/v1/mcp/servers/${encodeURIComponent(id)}`, { trusted }),
  mcpRemove: (id: string) => call(z.object({ id: z.string() }), "DELETE", `/api/v1/mcp/servers/${encodeURIComponent(id)}`),
};
