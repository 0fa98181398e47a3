/**
 * The room's calendars (docs/PROTOCOL.md K1–K12): sources added and removed
 * over HTTP, synced in the background from the alarm, the expanded
 * occurrences the agenda reads (`between`) and the CalDAV writer (`writer`).
 *
 * Decisions are plain code over the store and the ledger; the network is a
 * port (`fetch`, the Durable Object's), so tests in Node fake it or point it
 * at a real Radicale. Commands stay synchronous: adding a source records it
 * and asks for a sync; the sync itself runs from the alarm or `waitUntil`.
 */
import { v7 as uuidv7 } from "uuid";
import {
  type CalendarEvent,
  type CalendarSourceBody,
  type CalendarSourceCreated,
  type CalendarSourceInfo,
  MAX_CALENDAR_SOURCES,
  type NewCalendarEvent,
} from "../../shared/calendar.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import { checkEndpoint } from "../push/endpoint-guard.ts";
import { createEvent, removeEvent, updateEvent } from "./caldav-write.ts";
import { type CalendarStore, infoOf, type StoredSource } from "./store.ts";
import { nextAfterFailure, nextAfterSuccess, syncSource } from "./sync.ts";

export type CalendarDeps = {
  store: CalendarStore;
  ledger: Ledger;
  now: () => number;
  /** N4/K4: development also allows http on loopback. */
  development: boolean;
  /** The preference zone: all-day and floating times are read in it (K6). */
  timeZone: () => string;
  /** The network port (the Durable Object's fetch). Absent: syncs fail as "offline". */
  fetch?: typeof fetch;
  /** The alarm must wake for the next sync (K10). */
  reschedule: () => void;
  /** Keeps a sync started outside the alarm alive (`ctx.waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
  log: (event: string, detail: string) => void;
};

/** K11: what the room's writes to a calendar answer. */
export type CalendarWriter = {
  /** Creates an event on a writable (CalDAV) source; null = the first writable one. */
  create(sourceId: string | null, event: NewCalendarEvent, ctx?: CommandContext): Promise<Result<CalendarEvent>>;
  /** Deletes the event (its whole object) on the server, If-Match its ETag (K12). */
  remove(eventId: string, ctx?: CommandContext): Promise<Result<void>>;
  /** Changes a single (not recurring) event's title or times, If-Match its ETag (K12). */
  update(eventId: string, patch: Partial<NewCalendarEvent>, ctx?: CommandContext): Promise<Result<CalendarEvent>>;
};

const SYSTEM = { actor: { kind: "system" as const } };
/** K9: a quiet source's recorded `lastSyncAt` is refreshed this often (the store keeps the exact one for `GET …/sources`). */
const STATUS_REFRESH_MS = 60 * 60 * 1000;

export class Calendar {
  #deps: CalendarDeps;
  /** Sources whose sync is running: a second request waits for the next turn (never two at once). */
  #running = new Set<string>();
  readonly writer: CalendarWriter;

  constructor(deps: CalendarDeps) {
    this.#deps = deps;
    this.writer = {
      create: (sourceId, event, ctx) => this.#create(sourceId, event, ctx),
      remove: (eventId, ctx) => this.#remove(eventId, ctx),
      update: (eventId, patch, ctx) => this.#update(eventId, patch, ctx),
    };
  }

  /** K1: the sources, oldest first, without credentials. */
  sources(): CalendarSourceInfo[] {
    return this.#deps.store.sources().map(infoOf);
  }

  /** K6: occurrences overlapping [fromMs, toMs), soonest first. */
  between(fromMs: number, toMs: number): CalendarEvent[] {
    return this.#deps.store.between(fromMs, toMs).map(({ href: _href, ...event }) => event);
  }

  /** Epoch ms of the soonest sync due; null without sources (K10). */
  nextSyncAt(): number | null {
    return this.#deps.store.nextSyncAt();
  }

  /**
   * K1–K4: records a source; its first sync runs right after (pending until then).
   * The URL is checked by the endpoint guard before anything is stored.
   */
  add(body: CalendarSourceBody, ctx: CommandContext): Result<CalendarSourceCreated> {
    const { store, ledger, now } = this.#deps;
    const verdict = checkEndpoint(body.url, this.#deps.development);
    if (!verdict.ok) return fail("invalid_request", verdict.reason.replace(/^endpoint/, "url"));
    // K3: the key's request names no credential — the ledger keeps it.
    const request = JSON.stringify({ kind: body.kind, name: body.name ?? null, username: body.kind === "caldav" ? body.username : null });
    if (ctx.clientActionId !== undefined) {
      const prior = ledger.checkAction(ctx.clientActionId, request);
      if (prior.status === "conflict") return fail("conflict", "this Idempotency-Key was used for another source");
      if (prior.status === "duplicate" && prior.recorded.event.type === "calendar.source.added") {
        const { id, kind, name, status } = prior.recorded.event.payload.source;
        return ok({ id, kind, name, status });
      }
    }
    if (store.count() >= MAX_CALENDAR_SOURCES) return fail("conflict", `at most ${MAX_CALENDAR_SOURCES} calendars; remove one first`);
    const source: StoredSource = {
      id: uuidv7(),
      kind: body.kind,
      name: body.name ?? defaultName(verdict.url),
      url: verdict.url.href,
      collectionUrl: null,
      status: "pending",
      lastSyncAt: null,
      error: null,
      failures: 0,
      nextSyncAt: now(),
      etag: null,
      lastModified: null,
      ctag: null,
      syncToken: null,
      expandedAt: null,
      createdAt: new Date(now()).toISOString(),
    };
    const credentials = body.kind === "caldav" ? { username: body.username, password: body.password } : null;
    const info = infoOf(source);
    const created: CalendarSourceCreated = { id: info.id, kind: info.kind, name: info.name, status: info.status };
    ledger.transaction(() => {
      store.add(source, credentials);
      ledger.append({
        type: "calendar.source.added",
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        ...(ctx.clientActionId === undefined ? {} : { clientActionId: ctx.clientActionId, request, result: created }),
        payload: { source: info },
      });
    });
    this.#deps.reschedule();
    this.#soon(source.id);
    return ok(created);
  }

  /** K1: removes the source with its credentials and cached events. */
  remove(id: string, ctx: CommandContext): Result<{ id: string }> {
    const { store, ledger } = this.#deps;
    if (!store.source(id)) return fail("not_found", "no such calendar source");
    ledger.transaction(() => {
      store.remove(id);
      ledger.append({ type: "calendar.source.removed", actor: ctx.actor, correlationId: ctx.correlationId, payload: { sourceId: id } });
    });
    this.#deps.reschedule();
    return ok({ id });
  }

  /** K10: "Sync now" — due at once, run in the background (202). */
  requestSync(id: string): Result<{ id: string }> {
    const { store } = this.#deps;
    if (!store.source(id)) return fail("not_found", "no such calendar source");
    store.update(id, { nextSyncAt: this.#deps.now() });
    this.#deps.reschedule();
    this.#soon(id);
    return ok({ id });
  }

  /** The alarm's part (K10): syncs every source that is due, one after another. Never throws. */
  async syncDue(): Promise<number> {
    const now = this.#deps.now();
    let synced = 0;
    for (const s of this.#deps.store.sources()) {
      if (s.nextSyncAt > now) continue;
      if (await this.sync(s.id)) synced += 1;
    }
    return synced;
  }

  /**
   * One sync of one source (K7–K10): never throws; records its status only when
   * it changed, and `calendar.synced` only when occurrences changed. Background
   * sync calls no assistant and no tool, and never writes to the chat (K10).
   */
  async sync(id: string): Promise<boolean> {
    if (this.#running.has(id)) return false;
    const source = this.#deps.store.source(id);
    if (!source) return false;
    this.#running.add(id);
    try {
      const outcome = await syncSource(this.#syncDeps(), source);
      // Removed while it ran: nothing of it is kept.
      if (!this.#deps.store.source(id)) return false;
      const now = this.#deps.now();
      const at = new Date(now).toISOString();
      const correlationId = uuidv7();
      const { ledger, store } = this.#deps;
      if (outcome.ok) {
        ledger.transaction(() => {
          const changed = outcome.value.apply();
          store.update(id, { status: "ok", error: null, failures: 0, lastSyncAt: at, nextSyncAt: nextAfterSuccess(now) });
          // K9: recorded when the status changes, something changed, or the recorded last sync is an hour old — not every 15 minutes.
          const shown = ledger.state.calendarSources?.[id];
          const stale = !shown?.lastSyncAt || now - Date.parse(shown.lastSyncAt) >= STATUS_REFRESH_MS;
          if (shown?.status !== "ok" || changed > 0 || stale) {
            ledger.append({ type: "calendar.source.status", ...SYSTEM, correlationId, payload: { sourceId: id, status: "ok", lastSyncAt: at } });
          }
          if (changed > 0) ledger.append({ type: "calendar.synced", ...SYSTEM, correlationId, payload: { sourceId: id, changed } });
        });
      } else {
        const failures = source.failures + 1;
        const error = outcome.error.message;
        ledger.transaction(() => {
          store.update(id, { status: "error", error, failures, nextSyncAt: nextAfterFailure(now, failures) });
          if (source.status !== "error" || source.error !== error) {
            ledger.append({ type: "calendar.source.status", ...SYSTEM, correlationId, payload: { sourceId: id, status: "error", error, lastSyncAt: source.lastSyncAt } });
          }
        });
        this.#deps.log("calendar.sync_failed", `${source.kind} source ${id}: ${error}`);
      }
      return outcome.ok;
    } finally {
      this.#running.delete(id);
      this.#deps.reschedule();
    }
  }

  #soon(id: string): void {
    if (!this.#deps.waitUntil) return;
    this.#deps.waitUntil(this.sync(id));
  }

  #syncDeps() {
    const { store, development, timeZone, now } = this.#deps;
    return { store, development, timeZone: timeZone(), now: now(), fetch: this.#deps.fetch ?? null };
  }

  async #create(sourceId: string | null, event: NewCalendarEvent, ctx?: CommandContext): Promise<Result<CalendarEvent>> {
    const { store } = this.#deps;
    const source = sourceId === null ? store.sources().find((s) => s.kind === "caldav") : store.source(sourceId);
    if (!source) return fail("not_found", sourceId === null ? "no writable calendar: add a CalDAV account in Settings" : "no such calendar source");
    if (source.kind !== "caldav") return fail("invalid_request", "an ICS subscription is read-only");
    const created = await createEvent(this.#syncDeps(), source, event);
    if (!created.ok) return created;
    const { occurrence, apply } = created.value;
    const { ledger } = this.#deps;
    ledger.transaction(() => {
      apply();
      ledger.append({
        type: "calendar.event.created",
        actor: ctx?.actor ?? { kind: "system" },
        correlationId: ctx?.correlationId ?? uuidv7(),
        payload: { sourceId: source.id, eventId: occurrence.id, uid: occurrence.uid, title: occurrence.title, start: occurrence.start, end: occurrence.end },
      });
    });
    return ok(occurrence);
  }

  async #update(eventId: string, patch: Partial<NewCalendarEvent>, ctx?: CommandContext): Promise<Result<CalendarEvent>> {
    const { store, ledger } = this.#deps;
    const cached = store.event(eventId);
    if (!cached) return fail("not_found", "no such calendar event");
    const source = store.source(cached.sourceId);
    if (!source || source.kind !== "caldav") return fail("invalid_request", "this event's calendar is read-only");
    const updated = await updateEvent(this.#syncDeps(), source, cached.href, patch);
    if (!updated.ok) return updated;
    const { occurrence, apply } = updated.value;
    ledger.transaction(() => {
      apply();
      ledger.append({
        type: "calendar.event.updated",
        actor: ctx?.actor ?? { kind: "system" },
        correlationId: ctx?.correlationId ?? uuidv7(),
        payload: { sourceId: source.id, eventId: occurrence.id, uid: occurrence.uid, title: occurrence.title, start: occurrence.start, end: occurrence.end },
      });
    });
    return ok(occurrence);
  }

  /** K6: the preference zone moved — all-day and floating times read differently: expand every source again now. */
  zoneChanged(): void {
    const { store, now } = this.#deps;
    for (const s of store.sources()) store.update(s.id, { expandedAt: null, nextSyncAt: now() });
    this.#deps.reschedule();
  }

  async #remove(eventId: string, ctx?: CommandContext): Promise<Result<void>> {
    const { store } = this.#deps;
    const cached = store.event(eventId);
    if (!cached) return fail("not_found", "no such calendar event");
    const source = store.source(cached.sourceId);
    if (!source || source.kind !== "caldav") return fail("invalid_request", "this event's calendar is read-only");
    const removed = await removeEvent(this.#syncDeps(), source, cached.href);
    if (!removed.ok) return removed;
    const { ledger } = this.#deps;
    ledger.transaction(() => {
      removed.value.apply();
      ledger.append({
        type: "calendar.event.deleted",
        actor: ctx?.actor ?? { kind: "system" },
        correlationId: ctx?.correlationId ?? uuidv7(),
        payload: { sourceId: source.id, eventId, uid: cached.uid },
      });
    });
    return ok(undefined);
  }
}

/** A name from the URL's host when the user gave none ("calendar.google.com"). */
function defaultName(url: URL): string {
  return url.hostname.slice(0, 100) || "Calendar";
}
