/**
 * CalDAV through tsdav (K5, K8, K11–K12): discovery of the account's calendar,
 * the collection's ctag and sync-token, and reading objects. Every request goes
 * through the guarded fetch (K4) with Basic auth from the credentials table;
 * tsdav's answers are `any`-typed XML, narrowed here before anything uses them.
 */
import { createAccount, type DAVCalendar, type DAVResponse, fetchCalendars, getBasicAuthHeaders, propfind, urlEquals } from "tsdav";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { describeFailure, guardedFetch } from "./outbound.ts";
import type { Credentials, StoredSource } from "./store.ts";
import type { SyncDeps } from "./sync-window.ts";

/** Objects of one calendar the room keeps at most (K6). */
export const MAX_OBJECTS = 2_000;
/** One object's iCalendar text at most. */
export const MAX_OBJECT_CHARS = 256 * 1024;

/** What every tsdav call of one sync takes: the guarded fetch and the auth header. */
export type Dav = { fetch: typeof fetch; headers: Record<string, string> };

export function davOf(deps: SyncDeps, credentials: Credentials): Result<Dav> {
  if (!deps.fetch) return fail("internal", "the room cannot reach the network");
  return ok({ fetch: guardedFetch(deps.fetch, { development: deps.development }), headers: getBasicAuthHeaders(credentials) });
}

/** A string prop of a DAV answer (tsdav gives `any`), or null. */
export function stringProp(response: DAVResponse | undefined, name: string): string | null {
  const props: unknown = response?.props;
  if (typeof props !== "object" || props === null || !(name in props)) return null;
  const value: unknown = Reflect.get(props, name);
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

export type Collection = { url: string; ctag: string | null; syncToken: string | null };

/**
 * K5: the calendar collection of the account. The URL the user gave may be the
 * collection itself, or a server or principal URL: discovery (well-known,
 * principal, calendar home) finds the calendars and the first that holds events
 * is used.
 */
export async function discover(dav: Dav, source: StoredSource, credentials: Credentials): Promise<Result<Collection>> {
  try {
    if (source.collectionUrl) {
      const state = await collectionState(dav, source.collectionUrl);
      if (state) return ok(state);
    }
    const direct = await collectionState(dav, source.url);
    if (direct) return ok(direct);
    const account = await createAccount({
      account: { serverUrl: source.url, accountType: "caldav", credentials },
      headers: dav.headers,
      fetch: dav.fetch,
    });
    const calendars: DAVCalendar[] = await fetchCalendars({ account, headers: dav.headers, fetch: dav.fetch });
    const chosen = calendars.find((c) => urlEquals(c.url, source.url)) ?? calendars.find((c) => !c.components || c.components.includes("VEVENT"));
    if (!chosen) return fail("not_found", "no calendar was found for this account");
    const state = await collectionState(dav, chosen.url);
    return state ? ok(state) : fail("not_found", "the calendar could not be read");
  } catch (error) {
    return fail("internal", describeDavFailure(error));
  }
}

/** PROPFIND depth 0: the collection's ctag and sync-token, or null when the URL is no calendar. */
async function collectionState(dav: Dav, url: string): Promise<Collection | null> {
  const responses = await propfind({
    url,
    props: { "d:resourcetype": {}, "cs:getctag": {}, "d:sync-token": {} },
    depth: "0",
    headers: dav.headers,
    fetch: dav.fetch,
  });
  const own = responses.find((r) => r.ok && r.href !== undefined && urlEquals(new URL(r.href, url).href, url)) ?? (responses.length === 1 ? responses[0] : undefined);
  if (!own?.ok) {
    const status = own?.status ?? responses[0]?.status;
    if (status === 401 || status === 403) throw new AuthRefused();
    return null;
  }
  const type: unknown = own.props?.resourcetype;
  const isCalendar = typeof type === "object" && type !== null && "calendar" in type;
  if (!isCalendar) return null;
  return { url: ensureSlash(url), ctag: stringProp(own, "getctag"), syncToken: stringProp(own, "syncToken") };
}

class AuthRefused extends Error {}

export function describeDavFailure(error: unknown): string {
  if (error instanceof AuthRefused) return "the server refused the username or password";
  return describeFailure(error, "the calendar server's answer could not be read");
}

const ensureSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);
