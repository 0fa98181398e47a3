/**
 * `GET /api/v1/search` (docs/PROTOCOL.md Q5–Q10): the room's full-text index
 * over messages (hot and archived), notes, tasks and memories.
 */
import { SearchQuerySchema } from "../../shared/search-results.ts";
import { errorResponse, json } from "../http.ts";
import { read, type Route } from "./route-table.ts";

export const SEARCH_ROUTES: readonly Route[] = [
  read({
    method: "GET",
    path: "/api/v1/search",
    query: SearchQuerySchema,
    handle: ({ deps, query }) => {
      if (!deps.search) return errorResponse("not_found", "no route GET /api/v1/search", deps.requestId);
      const results = deps.search.search(query);
      // Q5: nothing searchable left once quotes and operators are set aside.
      if (results === null) return errorResponse("invalid_request", "q has no words to search for", deps.requestId);
      return json({ results }, 200, deps.requestId);
    },
  }),
];
