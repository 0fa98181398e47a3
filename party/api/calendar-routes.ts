/**
 * Calendar sources over HTTP (docs/PROTOCOL.md K1–K3, K10): add an ICS
 * subscription or a CalDAV account, list them, remove one, ask for a sync now.
 * Credentials go in with the add and never come out (K3). Every write gets what
 * every write gets (H14) from the one dispatcher.
 */
import { CalendarEventsQuerySchema, CalendarSourceBodySchema } from "../../shared/calendar.ts";
import { errorResponse, json } from "../http.ts";
import { type ApiDeps, read, type Route, write } from "./route-table.ts";

const NO_CALENDAR = "calendars are not available on this server";
const calendarOf = (deps: ApiDeps) => deps.calendar ?? null;

export const CALENDAR_ROUTES: readonly Route[] = [
  read({
    method: "GET",
    path: "/api/v1/calendar/events",
    query: CalendarEventsQuerySchema,
    handle: ({ deps, query }) => {
      const calendar = calendarOf(deps);
      if (!calendar) return errorResponse("not_found", NO_CALENDAR, deps.requestId);
      return json({ events: calendar.between(Date.parse(query.from), Date.parse(query.to)) }, 200, deps.requestId);
    },
  }),
  read({
    method: "GET",
    path: "/api/v1/calendar/sources",
    handle: ({ deps }) => {
      const calendar = calendarOf(deps);
      if (!calendar) return errorResponse("not_found", NO_CALENDAR, deps.requestId);
      return json({ sources: calendar.sources() }, 200, deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/calendar/sources",
    body: CalendarSourceBodySchema,
    handle: ({ deps, body, action }) => {
      const calendar = calendarOf(deps);
      if (!calendar) return errorResponse("not_found", NO_CALENDAR, deps.requestId);
      const added = calendar.add(body, action);
      return added.ok ? json(added.value, 201, deps.requestId) : errorResponse(added.error.code, added.error.message, deps.requestId);
    },
  }),
  write({
    method: "DELETE",
    path: "/api/v1/calendar/sources/:sourceId",
    body: null,
    handle: ({ deps, params, action }) => {
      const calendar = calendarOf(deps);
      if (!calendar) return errorResponse("not_found", NO_CALENDAR, deps.requestId);
      const removed = calendar.remove(params.sourceId, action);
      return removed.ok ? json(removed.value, 200, deps.requestId) : errorResponse(removed.error.code, removed.error.message, deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/calendar/sources/:sourceId/sync",
    body: null,
    handle: ({ deps, params }) => {
      const calendar = calendarOf(deps);
      if (!calendar) return errorResponse("not_found", NO_CALENDAR, deps.requestId);
      const asked = calendar.requestSync(params.sourceId);
      // K10: accepted; the sync runs in the background and its outcome is the source's status.
      return asked.ok ? json(asked.value, 202, deps.requestId) : errorResponse(asked.error.code, asked.error.message, deps.requestId);
    },
  }),
];
