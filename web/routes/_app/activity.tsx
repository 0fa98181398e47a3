/** The ledger as a readable timeline, by day in the user's zone: who did what, when; undo what the assistant did (W34). */
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { Bot, Cog, History, Undo2, User, WifiOff } from "lucide-react";
import { localDate } from "../../../shared/dates.ts";
import { readGoals } from "../../../shared/doc-schema.ts";
import { parseLedgerEvent } from "../../../shared/events.ts";
import { ActivitySearchSchema } from "../../../shared/search.ts";
import { useBrain } from "../../hooks/use-brain.ts";
import { useKnownDevices } from "../../hooks/use-known-devices.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useUndoTurn } from "../../hooks/use-undo-turn.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { WhyDetails } from "../../components/activity/why-details.tsx";
import { useDocMap } from "../../hooks/use-doc-map.ts";
import { type ActivityRow, activityRows, isBookkeeping, undoableTurn } from "../../lib/activity.ts";
import { whyOf } from "../../lib/activity-goal.ts";
import { eventsQuery, goalEventsQuery, stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/activity")({
  validateSearch: ActivitySearchSchema,
  // W40: the timeline is read from the room; offline the view still opens (the events fetch waits, paused, for the network).
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(eventsQuery());
    return context.queryClient.ensureQueryData(stateQuery());
  },
  component: ActivityView,
});

const FILTERS = [
  { actor: "all", label: "All" },
  { actor: "user", label: "You" },
  { actor: "assistant", label: "Chief of staff" },
  { actor: "system", label: "Automatic" },
] as const;

function ActivityView() {
  const { actor, goal } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  // W78, B21: by goal, the room's own list of that goal's events (all of them, up to a cap), not the newest page kept here.
  const recent = useQuery({ ...eventsQuery(), enabled: goal === undefined });
  const ofGoal = useQuery({ ...goalEventsQuery(goal ?? ""), enabled: goal !== undefined });
  const { data, isError } = goal === undefined ? recent : ofGoal;
  const { data: state } = useSuspenseQuery(stateQuery());
  const brain = useBrain();
  const { nameOf } = useKnownDevices();
  const undone = new Set(state.undoneTurns);
  const undo = useUndoTurn();
  const zone = useZone();
  const today = localDate(zone.zone, useNow());
  const tasks = new Map(state.tasks.map((t) => [t.id, t.title]));
  const notes = new Map(state.notes.map((n) => [n.id, n.title]));
  // W78: the goals to choose from, live from the document.
  const goals = useDocMap(brain.doc, "goals", () => readGoals(brain.doc));
  const events = (data?.events ?? []).flatMap((raw) => parseLedgerEvent(raw) ?? []).filter((e) => !isBookkeeping(e));
  // Events of types this build does not know are left out, not fatal (L10). Worded oldest first, shown newest first.
  const rows = activityRows(
    events,
    {
      due: zone.due,
      day: zone.day,
      thisDevice: brain.deviceId,
      deviceName: nameOf,
      taskTitle: (id) => tasks.get(id) ?? null,
      noteTitle: (id) => notes.get(id) || null,
    },
  )
    .filter((r) => actor === "all" || r.event.actor.kind === actor)
    .reverse();
  const days = groupByDay(rows, (iso) => localDate(zone.zone, new Date(iso)));
  const dayLabel = (date: string) => (date === today ? "Today" : date === localDate(zone.zone, new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000)) ? "Yesterday" : zone.day(date));
  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">Activity</h1>
      <nav aria-label="Show activity by" className="mt-4 flex flex-wrap gap-1">
        {FILTERS.map((f) => (
          <Link
            key={f.actor}
            to="/activity"
            search={{ actor: f.actor, goal }}
            aria-current={f.actor === actor ? "page" : undefined}
            className={`inline-flex min-h-11 items-center rounded-full px-4 text-sm focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none ${f.actor === actor ? "bg-indigo-600 text-white" : "bg-stone-200 text-stone-800 dark:bg-stone-800 dark:text-stone-100"}`}
          >
            {f.label}
          </Link>
        ))}
      </nav>
      {(goals.length > 0 || goal) && (
        <label className="mt-3 flex flex-wrap items-center gap-2 text-sm">
          <span className="text-stone-600 dark:text-stone-400">Goal</span>
          <select
            aria-label="Goal"
            value={goal ?? ""}
            onChange={(e) => void navigate({ search: { actor, goal: e.target.value || undefined } })}
            className="min-h-11 rounded-lg border border-stone-300 bg-white px-3 dark:border-stone-600 dark:bg-stone-900"
          >
            <option value="">All goals and everything else</option>
            {goals.map((g) => (
              <option key={g.id} value={g.id}>
                {g.title}
              </option>
            ))}
            {goal && !goals.some((g) => g.id === goal) && <option value={goal}>A goal no longer here</option>}
          </select>
        </label>
      )}
      {data === undefined ? (
        <p role="status" className="mt-8 flex items-center justify-center gap-2 text-sm text-stone-600 dark:text-stone-400">
          {isError || brain.status !== "live" ? (
            <>
              <WifiOff className="size-4" aria-hidden /> The timeline is read from your brain: it shows again when you're back online.
            </>
          ) : (
            "Loading the timeline…"
          )}
        </p>
      ) : rows.length === 0 ? (
        <Empty filtered={actor !== "all" || goal !== undefined} />
      ) : (
        <div data-testid="activity" className="mt-6 space-y-6">
          {days.map(([date, dayRows]) => (
            <section key={date} aria-labelledby={`day-${date}`}>
              <h2 id={`day-${date}`} className="text-xs font-semibold tracking-wide text-stone-600 uppercase dark:text-stone-400">
                {dayLabel(date)}
              </h2>
              <ol className="mt-2 space-y-2">
                {dayRows.map(({ event: e, who, what }) => {
                  const Icon = e.actor.kind === "assistant" ? Bot : e.actor.kind === "user" ? User : Cog;
                  const turnId = undoableTurn(e);
                  const why = whyOf(e);
                  return (
                    <li key={e.id} data-testid="activity-row" className="flex flex-wrap items-start gap-x-3 rounded-lg bg-white px-4 py-2 text-sm shadow-sm dark:bg-stone-900">
                      <Icon className="mt-0.5 size-4 shrink-0 text-stone-500" aria-hidden />
                      <span className="min-w-0 flex-1 break-words">
                        <strong>{who}</strong> {what}
                        {why && <WhyDetails why={why} />}
                      </span>
                      <time dateTime={e.ts} className="shrink-0 text-xs text-stone-600 dark:text-stone-400">
                        {zone.time(e.ts)}
                      </time>
                      {turnId &&
                        (undone.has(turnId) ? (
                          <span className="text-xs text-stone-600 dark:text-stone-400">Undone</span>
                        ) : (
                          <button
                            disabled={undo.isPending}
                            onClick={() => undo.mutate(turnId)}
                            aria-label={`Undo: ${who} ${what}`}
                            className="-my-2 flex min-h-11 shrink-0 items-center gap-1 rounded px-2 text-xs text-indigo-700 hover:underline focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-indigo-300"
                          >
                            <Undo2 className="size-3" aria-hidden /> Undo
                          </button>
                        ))}
                    </li>
                  );
                })}
              </ol>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

/** Rows (newest first) in runs of one local day each, newest day first. */
function groupByDay(rows: ActivityRow[], dayOf: (iso: string) => string): [string, ActivityRow[]][] {
  const groups: [string, ActivityRow[]][] = [];
  for (const row of rows) {
    const day = dayOf(row.event.ts);
    const last = groups.at(-1);
    if (last && last[0] === day) last[1].push(row);
    else groups.push([day, [row]]);
  }
  return groups;
}

function Empty({ filtered }: { filtered: boolean }) {
  return (
    <div data-testid="activity-empty" className="mt-8 rounded-xl border border-dashed border-stone-300 p-8 text-center dark:border-stone-700">
      <History className="mx-auto size-8 text-stone-400" aria-hidden />
      <p className="mt-3 font-medium">{filtered ? "Nothing of this kind yet" : "No activity yet"}</p>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
        Everything you, your devices and your chief of staff do shows up here, by day: tasks added, renamed and completed, notes, reminders — and an Undo for what the assistant did.
      </p>
      <Link to="/chat" className="mt-4 inline-flex min-h-11 items-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none">
        Ask your chief of staff
      </Link>
    </div>
  );
}
