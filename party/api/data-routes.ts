/**
 * Your data over HTTP (docs/PROTOCOL.md U1–U17): the archive out, the
 * archive in, and the account's deletion (a proposal). A host without the
 * data port answers them 404.
 */
import { errorResponse, json, secure } from "../http.ts";
import { readZipBody } from "../data/import.ts";
import { type ApiDeps, read, type Route, write } from "./route-table.ts";

const noData = (deps: ApiDeps) => errorResponse("not_found", "no data port here", deps.requestId);

export const DATA_ROUTES: readonly Route[] = [
  // U1: a read: it changes nothing, but it is counted in the write rate limit (its CPU).
  read({
    method: "GET",
    path: "/api/v1/export",
    handle: ({ deps }) => {
      if (!deps.data) return noData(deps);
      // U1: building the archive costs seconds of CPU at the limits: each export spends one write of the rate limit.
      const retryAfter = deps.admitWrite();
      if (retryAfter !== null) return errorResponse("rate_limited", "too many exports or writes", deps.requestId, retryAfter);
      const built = deps.data.exportArchive();
      if (!built.ok) return errorResponse(built.error.code, built.error.message, deps.requestId);
      const { bytes, filename } = built.value;
      return secure(
        new Response(bytes.slice().buffer, {
          status: 200,
          headers: {
            "content-type": "application/zip",
            "content-disposition": `attachment; filename="${filename}"`,
            "cache-control": "no-store",
            "x-request-id": deps.requestId,
          },
        }),
      );
    },
  }),
  // U6–U12: the body is the zip itself (application/zip), read with its own cap.
  write({
    method: "POST",
    path: "/api/v1/import",
    body: null,
    handle: async ({ deps, request }) => {
      if (!deps.data) return noData(deps);
      const zip = await readZipBody(request);
      if (!zip.ok) return errorResponse(zip.error.code, zip.error.message, deps.requestId);
      const done = deps.data.importArchive(zip.value, deps.requestId);
      if (!done.ok) return errorResponse(done.error.code, done.error.message, deps.requestId);
      return json(done.value, 200, deps.requestId);
    },
  }),
  // U13: always a proposal; confirmed through /api/v1/proposals/:id/confirm like the others.
  write({
    method: "DELETE",
    path: "/api/v1/account",
    body: null,
    handle: ({ deps, action }) => {
      if (!deps.data) return noData(deps);
      return json({ proposal: deps.data.proposeDelete(action.actor, deps.requestId) }, 202, deps.requestId);
    },
  }),
];
