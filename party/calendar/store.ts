/**
 * The room's calendar tables (K1–K8): the sources with their sync state, their
 * credentials in a table of their own, the CalDAV objects as fetched (href,
 * ETag, iCalendar text) and the expanded occurrences the agenda reads.
 *
 * K3: `calendar_credentials` is read only by `credentials()`, which only the
 * sync and the writer call to authenticate a request. Nothing here puts a
 * credential in a `CalendarSourceInfo`, so it cannot reach the ledger, the
 * state, a log line or an answer.
 */
import type { CalendarEvent, CalendarSourceInfo, CalendarSourceKind, CalendarSourceStatus } from "../../shared/calendar.ts";
import { type SqlStore, SqlTables } from "../core/sql.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS calendar_sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    collection_url TEXT,
    status TEXT NOT NULL,
    last_sync_at TEXT,
    error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_sync_at INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    ctag TEXT,
    sync_token TEXT,
    expanded_at INTEGER,
    created_at TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS calendar_credentials (
    source_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    password TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS calendar_objects (
    source_id TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT,
    uid TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (source_id, href)
  )`,
  `CREATE TABLE IF NOT EXISTS calendar_events (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    href TEXT NOT NULL,
    uid TEXT NOT NULL,
    recurrence_id TEXT,
    title TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    all_day INTEGER NOT NULL,
    location TEXT
  )`,
  "CREATE INDEX IF NOT EXISTS calendar_events_by_start ON calendar_events (start_ms)",
  "CREATE INDEX IF NOT EXISTS calendar_events_by_source ON calendar_events (source_id, href)",
];

type SourceRow = {
  id: string;
  kind: string;
  name: string;
  url: string;
  collection_url: string | null;
  status: string;
  last_sync_at: string | null;
  error: string | null;
  failures: number;
  next_sync_at: number;
  etag: string | null;
  last_modified: string | null;
  ctag: string | null;
  sync_token: string | null;
  expanded_at: number | null;
  created_at: string;
};

type EventRow = {
  id: string;
  source_id: string;
  href: string;
  uid: string;
  recurrence_id: string | null;
  title: string;
  start_ms: number;
  end_ms: number;
  start: string;
  end: string;
  all_day: number;
  location: string | null;
};

/** A source as the sync sees it: where it lives and how far it got (never its credentials). */
export type StoredSource = {
  id: string;
  kind: CalendarSourceKind;
  name: string;
  url: string;
  /** CalDAV: the calendar collection discovery chose; null until the first sync. */
  collectionUrl: string | null;
  status: CalendarSourceStatus;
  lastSyncAt: string | null;
  error: string | null;
  /** Failed syncs in a row (K10 backoff). */
  failures: number;
  /** Epoch ms of the next sync the alarm runs. */
  nextSyncAt: number;
  /** ICS: the last answer's validators (K8); CalDAV: the collection's ctag and sync-token. */
  etag: string | null;
  lastModified: string | null;
  ctag: string | null;
  syncToken: string | null;
  /** Epoch ms the occurrences were last expanded from the full calendar (K8). */
  expandedAt: number | null;
  createdAt: string;
};

export type Credentials = { username: string; password: string };

/** One CalDAV object as the server last sent it. */
export type StoredObject = { href: string; etag: string | null; uid: string; data: string };

/** One expanded occurrence and the object (`href`) it came from (ICS: the subscription URL). */
export type CachedEvent = CalendarEvent & { href: string };

const kindOf = (k: string): CalendarSourceKind => (k === "caldav" ? "caldav" : "ics");
const statusOf = (s: string): CalendarSourceStatus => (s === "ok" || s === "error" ? s : "pending");

const fromRow = (r: SourceRow): StoredSource => ({
  id: r.id,
  kind: kindOf(r.kind),
  name: r.name,
  url: r.url,
  collectionUrl: r.collection_url,
  status: statusOf(r.status),
  lastSyncAt: r.last_sync_at,
  error: r.error,
  failures: r.failures,
  nextSyncAt: r.next_sync_at,
  etag: r.etag,
  lastModified: r.last_modified,
  ctag: r.ctag,
  syncToken: r.sync_token,
  expandedAt: r.expanded_at,
  createdAt: r.created_at,
});

/** K3: what may be shown — no URL (an ICS "secret address" is itself a credential), no username, no password. */
export function infoOf(s: StoredSource): CalendarSourceInfo {
  const info: CalendarSourceInfo = { id: s.id, kind: s.kind, name: s.name, status: s.status, lastSyncAt: s.lastSyncAt, writable: s.kind === "caldav" };
  if (s.error !== null) info.error = s.error;
  return info;
}

const eventOf = (r: EventRow): CachedEvent => {
  const e: CachedEvent = {
    id: r.id,
    sourceId: r.source_id,
    href: r.href,
    uid: r.uid,
    recurrenceId: r.recurrence_id,
    title: r.title,
    start: r.start,
    end: r.end,
    allDay: r.all_day === 1,
  };
  if (r.location !== null) e.location = r.location;
  return e;
};

export class CalendarStore extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  sources(): StoredSource[] {
    return this.sql.exec<SourceRow>("SELECT * FROM calendar_sources ORDER BY id").toArray().map(fromRow);
  }

  source(id: string): StoredSource | null {
    const row = this.sql.exec<SourceRow>("SELECT * FROM calendar_sources WHERE id = ?", id).toArray()[0];
    return row ? fromRow(row) : null;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM calendar_sources").toArray()[0]?.n ?? 0;
  }

  add(source: StoredSource, credentials: Credentials | null): void {
    this.sql.exec(
      `INSERT INTO calendar_sources (id, kind, name, url, collection_url, status, last_sync_at, error, failures, next_sync_at, etag, last_modified, ctag, sync_token, expanded_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      source.id,
      source.kind,
      source.name,
      source.url,
      source.collectionUrl,
      source.status,
      source.lastSyncAt,
      source.error,
      source.failures,
      source.nextSyncAt,
      source.etag,
      source.lastModified,
      source.ctag,
      source.syncToken,
      source.expandedAt,
      source.createdAt,
    );
    if (credentials) this.sql.exec("INSERT INTO calendar_credentials (source_id, username, password) VALUES (?, ?, ?)", source.id, credentials.username, credentials.password);
  }

  /** K3: for authenticating a request, and nothing else. */
  credentials(sourceId: string): Credentials | null {
    return this.sql.exec<{ username: string; password: string }>("SELECT username, password FROM calendar_credentials WHERE source_id = ?", sourceId).toArray()[0] ?? null;
  }

  /** Removes the source, its credentials, its objects and its occurrences. */
  remove(id: string): boolean {
    const had = this.source(id) !== null;
    this.sql.exec("DELETE FROM calendar_sources WHERE id = ?", id);
    this.sql.exec("DELETE FROM calendar_credentials WHERE source_id = ?", id);
    this.sql.exec("DELETE FROM calendar_objects WHERE source_id = ?", id);
    this.sql.exec("DELETE FROM calendar_events WHERE source_id = ?", id);
    return had;
  }

  /** Writes the sync state fields given. */
  update(id: string, patch: Partial<Omit<StoredSource, "id" | "kind" | "url" | "createdAt">>): void {
    const columns: Record<string, keyof typeof patch> = {
      name: "name",
      collection_url: "collectionUrl",
      status: "status",
      last_sync_at: "lastSyncAt",
      error: "error",
      failures: "failures",
      next_sync_at: "nextSyncAt",
      etag: "etag",
      last_modified: "lastModified",
      ctag: "ctag",
      sync_token: "syncToken",
      expanded_at: "expandedAt",
    };
    for (const [column, field] of Object.entries(columns)) {
      if (!Object.hasOwn(patch, field)) continue;
      const value = patch[field];
      this.sql.exec(`UPDATE calendar_sources SET ${column} = ? WHERE id = ?`, value === undefined ? null : value, id);
    }
  }

  /** The soonest sync due, epoch ms; null without sources. */
  nextSyncAt(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(next_sync_at) AS at FROM calendar_sources").toArray()[0];
    return row?.at ?? null;
  }

  objects(sourceId: string): StoredObject[] {
    return this.sql.exec<StoredObject>("SELECT href, etag, uid, data FROM calendar_objects WHERE source_id = ? ORDER BY href", sourceId).toArray();
  }

  object(sourceId: string, href: string): StoredObject | null {
    return this.sql.exec<StoredObject>("SELECT href, etag, uid, data FROM calendar_objects WHERE source_id = ? AND href = ?", sourceId, href).toArray()[0] ?? null;
  }

  putObject(sourceId: string, object: StoredObject): void {
    this.sql.exec(
      `INSERT INTO calendar_objects (source_id, href, etag, uid, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(source_id, href) DO UPDATE SET etag = excluded.etag, uid = excluded.uid, data = excluded.data`,
      sourceId,
      object.href,
      object.etag,
      object.uid,
      object.data,
    );
  }

  removeObject(sourceId: string, href: string): void {
    this.sql.exec("DELETE FROM calendar_objects WHERE source_id = ? AND href = ?", sourceId, href);
  }

  /** The occurrences of one object (or of a whole ICS feed, by its href), by id. */
  eventsOf(sourceId: string, href: string): CachedEvent[] {
    return this.sql.exec<EventRow>("SELECT * FROM calendar_events WHERE source_id = ? AND href = ?", sourceId, href).toArray().map(eventOf);
  }

  event(id: string): CachedEvent | null {
    const row = this.sql.exec<EventRow>("SELECT * FROM calendar_events WHERE id = ?", id).toArray()[0];
    return row ? eventOf(row) : null;
  }

  /**
   * Replaces the occurrences of one object with `events`; returns how many
   * occurrences were added, removed or changed (K8: 0 means nothing to tell).
   */
  replaceEvents(sourceId: string, href: string, events: readonly CalendarEvent[]): number {
    const before = new Map(this.eventsOf(sourceId, href).map((e) => [e.id, JSON.stringify(comparable(e))]));
    let changed = 0;
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const old = before.get(e.id);
      if (old === JSON.stringify(comparable(e))) continue;
      changed += 1;
      this.sql.exec(
        `INSERT INTO calendar_events (id, source_id, href, uid, recurrence_id, title, start_ms, end_ms, start, end, all_day, location)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET source_id = excluded.source_id, href = excluded.href, uid = excluded.uid, recurrence_id = excluded.recurrence_id,
           title = excluded.title, start_ms = excluded.start_ms, end_ms = excluded.end_ms, start = excluded.start, end = excluded.end,
           all_day = excluded.all_day, location = excluded.location`,
        e.id,
        sourceId,
        href,
        e.uid,
        e.recurrenceId,
        e.title,
        Date.parse(e.start),
        Date.parse(e.end),
        e.start,
        e.end,
        e.allDay ? 1 : 0,
        e.location ?? null,
      );
    }
    for (const id of before.keys()) {
      if (seen.has(id)) continue;
      changed += 1;
      this.sql.exec("DELETE FROM calendar_events WHERE id = ?", id);
    }
    return changed;
  }

  /** K6: occurrences overlapping [fromMs, toMs), soonest first. */
  between(fromMs: number, toMs: number): CachedEvent[] {
    return this.sql
      .exec<EventRow>("SELECT * FROM calendar_events WHERE end_ms > ? AND start_ms < ? ORDER BY start_ms, id", fromMs, toMs)
      .toArray()
      .map(eventOf);
  }
}

const comparable = (e: CalendarEvent) => [e.uid, e.recurrenceId, e.title, e.start, e.end, e.allDay, e.location ?? null];
