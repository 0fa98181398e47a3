/**
 * Today (docs/PROTOCOL.md K20, K20): the day's calendar events and timed
 * items — tasks with a time, reminders, the plan's blocks — in the
 * preference zone, from `GET /api/v1/agenda`. Refetched when a ledger event
 * says the agenda changed (a calendar synced or written, a task, reminder or
 * plan changed: brain-provider.tsx), not on a timer.
 *
 * `useQuery`, not `useSuspenseQuery`: the view it sits in (Chat, Tasks) must
 * not wait for, or fail with, the calendar.
 */
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { CalendarDays } from "lucide-react";
import type { AgendaItem } from "../../shared/agenda.ts";
import { localDate } from "../../shared/dates.ts";
import { dayRange, isoInZone } from "../../shared/zoned.ts";
import { useNow } from "../hooks/use-now.ts";
import { useZone } from "../hooks/use-zone.ts";
import { agendaQuery, stateQuery } from "../lib/queries.ts";

const KIND_LABEL: Record<AgendaItem["kind"], string> = { event: "Event", task: "Task", reminder: "Reminder", block: "Block", plan: "Plan" };

/** What Today shows: events (all-day ones too) and timed items; a task due on the date alone is in the task list. */
export const todayItems = (items: readonly AgendaItem[]): AgendaItem[] => items.filter((i) => i.kind === "event" || !i.allDay);

export function TodayPanel({ className = "" }: { className?: string }) {
  const zone = useZone();
  const now = useNow();
  const { data: state } = useSuspenseQuery(stateQuery());
  const today = localDate(zone.zone, now);
  const { from, to } = dayRange(today, zone.zone);
  const agenda = useQuery(agendaQuery(isoInZone(from, zone.zone), isoInZone(to, zone.zone)));
  const sources = state.calendarSources ?? [];
  const names = new Map(sources.map((s) => [s.id, s.name]));
  const items = todayItems(agenda.data?.items ?? []);
  return (
    <section aria-labelledby="today-title" data-testid="today" className={`rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900 ${className}`}>
      <h2 id="today-title" className="flex items-center gap-2 text-sm font-semibold tracking-wide text-stone-600 uppercase dark:text-stone-400">
        <CalendarDays className="size-4" aria-hidden /> Today <span className="font-normal normal-case">· {zone.day(today)}</span>
      </h2>
      {agenda.isPending ? (
        <p className="mt-2 text-sm text-stone-600 dark:text-stone-400">Loading…</p>
      ) : agenda.isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">Couldn't load today's agenda: {agenda.error.message}</p>
      ) : items.length === 0 ? (
        <p className="mt-2 text-sm text-stone-600 dark:text-stone-400">
          Nothing scheduled today.
          {sources.length === 0 && (
            <>
              {" "}
              Add a calendar in{" "}
              <Link to="/settings" className="text-indigo-700 underline dark:text-indigo-300">
                Settings → Calendars
              </Link>
              .
            </>
          )}
        </p>
      ) : (
        <ol data-testid="today-items" className="mt-2 space-y-1.5">
          {items.map((item) => {
            const past = Date.parse(item.end ?? item.start) < now.getTime();
            const source = item.source ? names.get(item.source) : undefined;
            return (
              <li key={`${item.kind}:${item.id}`} data-kind={item.kind} className={`flex gap-3 text-sm ${past ? "text-stone-500 dark:text-stone-400" : ""}`}>
                <span aria-hidden className={`w-1 shrink-0 rounded-full ${item.kind === "event" ? "bg-indigo-500" : item.kind === "plan" ? "bg-emerald-500" : "bg-amber-500"} ${past ? "opacity-40" : ""}`} />
                <div className="min-w-0 flex-1">
                  <div className="truncate font-medium">{item.title}</div>
                  <div className="text-xs text-stone-600 tabular-nums dark:text-stone-400">
                    {item.allDay ? "All day" : item.end ? `${zone.time(item.start)} – ${zone.time(item.end)}` : zone.time(item.start)} · {source ?? KIND_LABEL[item.kind]}
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
