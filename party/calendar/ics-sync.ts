/**
 * K5, K8: one sync of an ICS subscription. A conditional GET with the last
 * answer's ETag / Last-Modified (304: nothing changed, nothing parsed); a new
 * body is parsed and expanded over the window and replaces the feed's
 * occurrences.
 */
import { fail, ok } from "../../shared/errors.ts";
import { parseIcs } from "./ics-parse.ts";
import { describeFailure, guardedFetch } from "./outbound.ts";
import type { StoredSource } from "./store.ts";
import { type SyncDeps, type SyncOutcome, windowAt, windowMoved } from "./sync-window.ts";

/** Every occurrence of a feed is stored under this one href. */
export const FEED_HREF = "feed";

export async function syncIcs(deps: SyncDeps, source: StoredSource): Promise<SyncOutcome> {
  if (!deps.fetch) return fail("internal", "the room cannot reach the network");
  const get = guardedFetch(deps.fetch, { development: deps.development });
  const headers = new Headers({ accept: "text/calendar, */*;q=0.5" });
  // K8: a day on, the window has moved: read it whole again, whatever the validators say.
  if (!windowMoved(source.expandedAt, deps.now)) {
    if (source.etag) headers.set("if-none-match", source.etag);
    if (source.lastModified) headers.set("if-modified-since", source.lastModified);
  }
  let response: Response;
  let body: string;
  try {
    response = await get(source.url, { headers });
    if (response.status === 304) return ok({ apply: () => 0 });
    body = await response.text();
  } catch (error) {
    return fail("internal", describeFailure(error, "the calendar could not be fetched"));
  }
  if (response.status === 401 || response.status === 403) return fail("forbidden", `the calendar address was refused (HTTP ${response.status}); check it is still shared`);
  if (response.status === 404 || response.status === 410) return fail("not_found", `the calendar address is gone (HTTP ${response.status})`);
  if (!response.ok) return fail("internal", `the calendar server answered HTTP ${response.status}`);
  const parsed = parseIcs(body, { sourceId: source.id, timeZone: deps.timeZone, window: windowAt(deps.now) });
  if (!parsed.ok) return parsed;
  const events = parsed.value.flatMap((o) => o.events);
  const etag = response.headers.get("etag");
  const lastModified = response.headers.get("last-modified");
  return ok({
    apply: () => {
      deps.store.update(source.id, { etag: etag?.slice(0, 200) ?? null, lastModified: lastModified?.slice(0, 100) ?? null, expandedAt: deps.now });
      return deps.store.replaceEvents(source.id, FEED_HREF, events);
    },
  });
}
