/**
 * K8: one incremental sync of a CalDAV calendar. Cheapest answer first:
 *
 * 1. the collection's ctag unchanged (and the window not moved) — nothing to do;
 * 2. a sync-token from last time — `sync-collection` names what changed and what
 *    was deleted; only those objects are fetched (multiget);
 * 3. otherwise the objects overlapping the window (calendar-query with a time
 *    range) with their ETags; only objects whose ETag differs are kept anew.
 *
 * Each changed object is parsed and expanded (ics-parse.ts) and replaces its
 * own occurrences in the cache; a deleted one takes its occurrences with it.
 */
import { calendarMultiGet, type DAVResponse, fetchCalendarObjects, syncCollection } from "tsdav";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { type Collection, type Dav, davOf, describeDavFailure, discover, MAX_OBJECT_CHARS, MAX_OBJECTS, stringProp } from "./caldav.ts";
import { parseIcs } from "./ics-parse.ts";
import type { StoredObject, StoredSource } from "./store.ts";
import { type SyncDeps, type SyncOutcome, windowAt, windowMoved } from "./sync-window.ts";

type Changes = { full: boolean; put: StoredObject[]; deleted: string[] };

export async function syncCaldav(deps: SyncDeps, source: StoredSource): Promise<SyncOutcome> {
  const credentials = deps.store.credentials(source.id);
  if (!credentials) return fail("internal", "the account's password is missing; remove the calendar and add it again");
  const dav = davOf(deps, credentials);
  if (!dav.ok) return dav;
  const found = await discover(dav.value, source, credentials);
  if (!found.ok) return found;
  const collection = found.value;
  const moved = windowMoved(source.expandedAt, deps.now);
  const sameCollection = source.collectionUrl === collection.url;
  if (sameCollection && !moved && source.ctag !== null && source.ctag === collection.ctag) {
    return ok({ apply: () => 0 });
  }
  let changes: Result<Changes>;
  try {
    changes = sameCollection && !moved && source.syncToken ? await byToken(dav.value, collection, source.syncToken) : fail("conflict", "full");
    if (!changes.ok) changes = await byWindow(dav.value, collection, deps.now);
  } catch (error) {
    return fail("internal", describeDavFailure(error));
  }
  if (!changes.ok) return changes;
  const { full, put, deleted } = changes.value;
  return ok({
    apply: () => {
      const { store } = deps;
      let changed = 0;
      const window = windowAt(deps.now);
      const known = new Set(store.hrefs(source.id));
      const keep = new Set(put.map((o) => o.href));
      // A full read lists every object in the window: a stored one it did not list is gone (or left the window).
      const gone = full ? [...known].filter((href) => !keep.has(href)) : deleted;
      for (const href of gone) {
        store.removeObject(source.id, href);
        changed += store.replaceEvents(source.id, href, []);
      }
      for (const object of put) {
        const parsed = parseIcs(object.data, { sourceId: source.id, timeZone: deps.timeZone, window });
        if (!parsed.ok) continue;
        store.putObject(source.id, { ...object, uid: parsed.value[0]?.uid ?? object.uid });
        changed += store.replaceEvents(source.id, object.href, parsed.value.flatMap((o) => o.events));
      }
      store.update(source.id, {
        collectionUrl: collection.url,
        ctag: collection.ctag,
        // The token read before the changes were: a change made in between is fetched again next time, never missed.
        syncToken: collection.syncToken,
        ...(full ? { expandedAt: deps.now } : {}),
      });
      return changed;
    },
  });
}

/** K8 step 2: what changed since the token; a token the server no longer knows falls back to a full read. */
async function byToken(dav: Dav, collection: Collection, token: string): Promise<Result<Changes>> {
  const responses = await syncCollection({
    url: collection.url,
    props: { "d:getetag": {} },
    syncLevel: 1,
    syncToken: token,
    headers: dav.headers,
    fetch: dav.fetch,
  });
  // RFC 6578 §3.2: a token the server no longer accepts is an error answer (403/409), not a multistatus.
  if (responses.some((r) => !r.ok && r.status !== 404)) return fail("conflict", "sync-token refused");
  const deleted: string[] = [];
  const changed: string[] = [];
  for (const r of responses) {
    if (!r.href) continue;
    const href = new URL(r.href, collection.url).href;
    if (href === collection.url) continue;
    if (r.status === 404) deleted.push(href);
    else if (r.ok) changed.push(href);
  }
  const put = changed.length === 0 ? [] : await multiGet(dav, collection, changed);
  return ok({ full: false, put, deleted });
}

/** K8 step 3: every object overlapping the window, with its ETag and data. */
async function byWindow(dav: Dav, collection: Collection, now: number): Promise<Result<Changes>> {
  const window = windowAt(now);
  const objects = await fetchCalendarObjects({
    calendar: { url: collection.url },
    timeRange: { start: new Date(window.fromMs).toISOString(), end: new Date(window.toMs).toISOString() },
    urlFilter: () => true,
    headers: dav.headers,
    fetch: dav.fetch,
  });
  const put: StoredObject[] = [];
  for (const o of objects.slice(0, MAX_OBJECTS)) {
    const data: unknown = o.data;
    if (typeof data !== "string" || data.length > MAX_OBJECT_CHARS) continue;
    put.push({ href: new URL(o.url, collection.url).href, etag: typeof o.etag === "string" ? o.etag : null, uid: "", data });
  }
  return ok({ full: true, put, deleted: [] });
}

async function multiGet(dav: Dav, collection: Collection, hrefs: string[]): Promise<StoredObject[]> {
  const responses: DAVResponse[] = await calendarMultiGet({
    url: collection.url,
    props: { "d:getetag": {}, "c:calendar-data": {} },
    objectUrls: hrefs.slice(0, MAX_OBJECTS).map((h) => new URL(h).pathname),
    depth: "1",
    headers: dav.headers,
    fetch: dav.fetch,
  });
  const out: StoredObject[] = [];
  for (const r of responses) {
    if (!r.ok || !r.href) continue;
    const data = calendarData(r);
    if (data === null || data.length > MAX_OBJECT_CHARS) continue;
    out.push({ href: new URL(r.href, collection.url).href, etag: stringProp(r, "getetag"), uid: "", data });
  }
  return out;
}

/** `calendar-data` comes as a string, or as `{_cdata}` / `{_text}` depending on how the server wrote it. */
function calendarData(r: DAVResponse): string | null {
  const direct = stringProp(r, "calendarData");
  if (direct !== null) return direct;
  const value: unknown = r.props?.calendarData;
  if (typeof value !== "object" || value === null) return null;
  for (const key of ["_cdata", "_text"]) {
    const inner: unknown = Reflect.get(value, key);
    if (typeof inner === "string") return inner;
  }
  return null;
}
