/**
 * Reminders, the daily plan and the notification inbox over HTTP
 * (docs/PROTOCOL.md S1–S9). Their writes are the socket's inputs too, and get
 * what every write gets (H14).
 */
import { z } from "zod";
import { AgendaQuerySchema } from "../../shared/agenda.ts";
import { localDate } from "../../shared/dates.ts";
import { IsoDateSchema, YEARS } from "../../shared/domain.ts";
import { INPUTS } from "../core/inputs.ts";
import { errorResponse, json } from "../http.ts";
import { inputRoute } from "./input-route.ts";
import { read, type Route } from "./route-table.ts";

/** S6, H15: the day of a plan, a real calendar date (2026-13-45 is a 400, not a missing plan); today (local) when absent. */
const PlanQuerySchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD")
    .refine((date) => IsoDateSchema.safeParse(date).success, `date must be a real calendar date in ${YEARS.min}–${YEARS.max}`)
    .optional(),
});

export const SCHEDULE_ROUTES: readonly Route[] = [
  inputRoute("POST", "/api/v1/reminders", INPUTS["reminder.set"], { created: () => true }),
  inputRoute("POST", "/api/v1/reminders/:reminderId/snooze", INPUTS["reminder.snooze"]),
  inputRoute("POST", "/api/v1/reminders/:reminderId/dismiss", INPUTS["reminder.dismiss"]),
  inputRoute("POST", "/api/v1/reminders/:reminderId/update", INPUTS["reminder.update"]),
  inputRoute("POST", "/api/v1/notifications/:notificationId/ack", INPUTS["notification.ack"]),
  inputRoute("POST", "/api/v1/plan/items", INPUTS["plan.item"]),
  read({
    method: "GET",
    path: "/api/v1/plan",
    query: PlanQuerySchema,
    handle: ({ deps, query }) => {
      const state = deps.ledger.state;
      const date = query.date ?? localDate(state.preferences.timezone, new Date(deps.now()));
      const plan = state.plans[date];
      return plan ? json(plan, 200, deps.requestId) : errorResponse("not_found", `no plan for ${date}`, deps.requestId);
    },
  }),
  // K20, K21: events, tasks, reminders and plan items over a capped range, sorted by start.
  read({
    method: "GET",
    path: "/api/v1/agenda",
    query: AgendaQuerySchema,
    handle: ({ deps, query }) =>
      deps.agenda ? json({ items: deps.agenda(query.from, query.to) }, 200, deps.requestId) : errorResponse("not_found", "no route GET /api/v1/agenda", deps.requestId),
  }),
];
