/** The ledger as a readable timeline: who did what, when; undo what the assistant did. */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, Link } from "@tanstack/react-router";
import { Bot, Cog, Undo2, User } from "lucide-react";
import { parseLedgerEvent } from "../../../shared/events.ts";
import { ActivitySearchSchema } from "../../../shared/search.ts";
import { useUndoTurn } from "../../hooks/use-undo-turn.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { describeEvent, isBookkeeping, undoableTurn } from "../../lib/activity.ts";
import { eventsQuery, stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/activity")({
  validateSearch: ActivitySearchSchema,
  loader: ({ context }) => Promise.all([context.queryClient.ensureQueryData(eventsQuery()), context.queryClient.ensureQueryData(stateQuery())]),
  component: ActivityView,
});

function ActivityView() {
  const { actor } = Route.useSearch();
  const { data } = useSuspenseQuery(eventsQuery());
  const { data: state } = useSuspenseQuery(stateQuery());
  const undone = new Set(state.undoneTurns);
  const undo = useUndoTurn();
  const zone = useZone();
  // Events of types this build does not know are left out, not fatal (L10).
  const events = data.events
    .flatMap((raw) => parseLedgerEvent(raw) ?? [])
    .reverse()
    .filter((e) => !isBookkeeping(e))
    .filter((e) => actor === "all" || e.actor.kind === actor);
  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 className="text-2xl font-semibold tracking-tight">Activity</h1>
      <div className="mt-4 flex gap-1">
        {(["all", "user", "assistant", "system"] as const).map((a) => (
          <Link key={a} to="/activity" search={{ actor: a }} className={`rounded-full px-3 py-1 text-sm capitalize ${a === actor ? "bg-indigo-600 text-white" : "bg-stone-200 dark:bg-stone-800"}`}>
            {a}
          </Link>
        ))}
      </div>
      <ol data-testid="activity" className="mt-4 space-y-2">
        {events.map((e) => {
          const Icon = e.actor.kind === "assistant" ? Bot : e.actor.kind === "user" ? User : Cog;
          const who = e.actor.kind === "assistant" ? "Assistant" : e.actor.kind === "user" ? `You${e.actor.deviceId ? ` (${e.actor.deviceId.slice(0, 6)})` : ""}` : "System";
          const turnId = undoableTurn(e);
          return (
            <li key={e.id} className="flex items-start gap-3 rounded-lg bg-white px-4 py-2 text-sm shadow-sm dark:bg-stone-900">
              <Icon className="mt-0.5 size-4 text-stone-500" aria-hidden />
              <span className="flex-1">
                <strong>{who}</strong> {describeEvent(e, zone.due)}
              </span>
              <time dateTime={e.ts} className="text-xs text-stone-500">{zone.moment(e.ts)}</time>
              {turnId &&
                (undone.has(turnId) ? (
                  <span className="text-xs text-stone-500">Undone</span>
                ) : (
                  <button disabled={undo.isPending} onClick={() => undo.mutate(turnId)} className="flex items-center gap-1 text-xs text-indigo-600 hover:underline">
                    <Undo2 className="size-3" /> Undo
                  </button>
                ))}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
