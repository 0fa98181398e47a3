/**
 * Settings → Calendars, in words (K9): a source's status and its last sync as a
 * person says them, and the add form's draft checked against the room's caps
 * (shared/calendar.ts) before anything is sent. Plain code, tested in Node.
 */
import { type CalendarSourceBody, CalendarSourceBodySchema, type CalendarSourceInfo } from "../../shared/calendar.ts";
import { formatMoment } from "../../shared/format.ts";

const MIN = 60_000;

/** "Synced just now", "Synced 5 minutes ago", "Last synced Nov 21, 3:00 PM" (in the preference zone, W5). */
export function lastSyncWords(lastSyncAt: string | null, now: number, timeZone: string): string {
  if (lastSyncAt === null) return "Never synced";
  const ago = now - Date.parse(lastSyncAt);
  if (ago < MIN) return "Synced just now";
  if (ago < 60 * MIN) {
    const minutes = Math.floor(ago / MIN);
    return `Synced ${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  }
  return `Last synced ${formatMoment(lastSyncAt, timeZone)}`;
}

/** The one line under a source's name. */
export function statusWords(source: CalendarSourceInfo, now: number, timeZone: string): string {
  switch (source.status) {
    case "pending":
      return "Syncing for the first time…";
    case "ok":
      return lastSyncWords(source.lastSyncAt, now, timeZone);
    case "error": {
      const last = source.lastSyncAt ? ` ${lastSyncWords(source.lastSyncAt, now, timeZone)}.` : "";
      return `Can't sync: ${source.error ?? "unknown error"}. Trying again automatically.${last}`;
    }
  }
}

export type CalendarDraft = { kind: "ics" | "caldav"; url: string; name: string; username: string; password: string };

export const EMPTY_DRAFT: CalendarDraft = { kind: "ics", url: "", name: "", username: "", password: "" };

/** The body to send, or the first problem in words with the field it is about. */
export function bodyOf(draft: CalendarDraft): { ok: true; body: CalendarSourceBody } | { ok: false; field: keyof CalendarDraft; message: string } {
  const name = draft.name.trim();
  const raw =
    draft.kind === "ics"
      ? { kind: "ics" as const, url: draft.url.trim(), ...(name ? { name } : {}) }
      : { kind: "caldav" as const, url: draft.url.trim(), username: draft.username, password: draft.password, ...(name ? { name } : {}) };
  if (!raw.url) return { ok: false, field: "url", message: "Enter the calendar's address" };
  const parsed = CalendarSourceBodySchema.safeParse(raw);
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path[0];
  const known: keyof CalendarDraft = field === "username" || field === "password" || field === "name" ? field : "url";
  const message = {
    url: "Enter a web address starting with https://",
    username: "Enter the account's username (at most 200 characters)",
    password: "Enter the account's password (at most 500 characters)",
    name: "The name can be at most 100 characters",
    kind: "",
  }[known];
  return { ok: false, field: known, message };
}
