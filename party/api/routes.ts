/**
 * The HTTP API inside a user's room (docs/PROTOCOL.md H1–H14): every route,
 * in one list. The worker has already authenticated the caller and named this
 * room from the verified token; the dispatcher (route-table.ts) validates each
 * route's input and gives every write its rate limit, idempotency key and
 * device attribution. A new route is one entry in an area's list.
 */
import { BRAIN_ROUTES } from "./brain-routes.ts";
import { CALENDAR_ROUTES } from "./calendar-routes.ts";
import { CHAT_ROUTES } from "./chat-routes.ts";
import { CONVERSATION_ROUTES } from "./conversation-routes.ts";
import { DATA_ROUTES } from "./data-routes.ts";
import { MCP_ROUTES } from "./mcp-routes.ts";
import { PUSH_ROUTES } from "./push-routes.ts";
import { type ApiDeps, dispatch, type Route } from "./route-table.ts";
import { SCHEDULE_ROUTES } from "./schedule-routes.ts";
import { SEARCH_ROUTES } from "./search-routes.ts";
import { VOICE_ROUTES } from "./voice-routes.ts";

export const ROUTES: readonly Route[] = [
  ...BRAIN_ROUTES,
  ...CHAT_ROUTES,
  ...CONVERSATION_ROUTES,
  ...SCHEDULE_ROUTES,
  ...PUSH_ROUTES,
  ...CALENDAR_ROUTES,
  ...MCP_ROUTES,
  ...DATA_ROUTES,
  ...SEARCH_ROUTES,
  ...VOICE_ROUTES,
];

export function handleApi(request: Request, deps: ApiDeps): Promise<Response> {
  return dispatch(ROUTES, request, deps);
}
