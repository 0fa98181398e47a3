/**
 * Reminders, the daily plan and the notification inbox over HTTP
 * (docs/PROTOCOL.md S1–S9). Writes go through the same command path as the
 * socket's frames.
 */
import type { z } from "zod";
import { PlanItemActionSchema, ReminderSetSchema, ReminderSnoozeSchema, splitClientActionId } from "../../shared/commands.ts";
import type { Command } from "../../shared/commands.ts";
import { localDate } from "../chat/intents.ts";
import type { Ledger } from "../core/ledger.ts";
import { errorResponse, json } from "../http.ts";

type Write = <S extends z.ZodType>(schema: S, toCommand: (body: z.infer<S>) => { command: Command; clientActionId?: string; created: boolean }) => Promise<Response>;

export type ScheduleApiDeps = {
  requestId: string;
  now: () => number;
  ledger: Ledger;
  execute: (command: Command, ctx: { actor: { kind: "user" }; correlationId: string }) => import("../../shared/errors.ts").Result<{ result: unknown }>;
  write: Write;
};

export async function handleScheduleApi(request: Request, url: URL, deps: ScheduleApiDeps): Promise<Response | null> {
  const path = url.pathname.replace(/\/+$/, "");
  const method = request.method;
  if (method === "POST" && path === "/api/v1/reminders") {
    return deps.write(ReminderSetSchema, (body) => {
      const { value, clientActionId } = splitClientActionId(body);
      return { command: { kind: "reminder.set", ...value }, clientActionId, created: true };
    });
  }
  let m = /^\/api\/v1\/reminders\/([A-Za-z0-9-]{1,64})\/snooze$/.exec(path);
  if (method === "POST" && m) {
    const reminderId = m[1]!;
    return deps.write(ReminderSnoozeSchema, (body) => {
      const { value, clientActionId } = splitClientActionId(body);
      return { command: { kind: "reminder.snooze", reminderId, minutes: value.minutes }, clientActionId, created: false };
    });
  }
  m = /^\/api\/v1\/reminders\/([A-Za-z0-9-]{1,64})\/dismiss$/.exec(path);
  if (method === "POST" && m) return run(deps, { kind: "reminder.dismiss", reminderId: m[1]! });
  m = /^\/api\/v1\/notifications\/([A-Za-z0-9-]{1,64})\/ack$/.exec(path);
  if (method === "POST" && m) return run(deps, { kind: "notification.ack", notificationId: m[1]! });
  if (method === "POST" && path === "/api/v1/plan/items") {
    return deps.write(PlanItemActionSchema, (body) => {
      const { value, clientActionId } = splitClientActionId(body);
      return { command: { kind: "plan.item", ...value }, clientActionId, created: false };
    });
  }
  if (method === "GET" && path === "/api/v1/plan") {
    const state = deps.ledger.state;
    const date = url.searchParams.get("date") ?? localDate(state.preferences.timezone, new Date(deps.now()));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return errorResponse("invalid_request", "date must be YYYY-MM-DD", deps.requestId);
    const plan = state.plans[date];
    return plan ? json(plan, 200, deps.requestId) : errorResponse("not_found", `no plan for ${date}`, deps.requestId);
  }
  return null;
}

function run(deps: ScheduleApiDeps, command: Command): Response {
  const result = deps.execute(command, { actor: { kind: "user" }, correlationId: deps.requestId });
  return result.ok ? json(result.value.result, 200, deps.requestId) : errorResponse(result.error.code, result.error.message, deps.requestId);
}
