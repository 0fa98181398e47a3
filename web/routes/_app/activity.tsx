/** The ledger as a readable timeline: who did what, when; undo what the assistant did. */
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, Link } from "@tanstack/react-router";
import { Bot, Cog, Undo2, User } from "lucide-react";
import { toast } from "sonner";
import type { LedgerEvent } from "../../../shared/domain.ts";
import { ActivitySearchSchema } from "../../../shared/search.ts";
import { api } from "../../lib/api.ts";
import { brainKeys, eventsQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/activity")({
  validateSearch: ActivitySearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(eventsQuery()),
  component: ActivityView,
});

const describe = (e: LedgerEvent): string => {
  const p = e.payload as Record<string, { title?: string; key?: string; value?: string; text?: string } | string | undefined>;
  const title = (x: unknown) => (typeof x === "object" && x && "title" in x ? String((x as { title: unknown }).title) : "");
  switch (e.type) {
    case "task.created":
      return `added task “${title(p.task)}”`;
    case "task.completed":
      return "completed a task";
    case "task.updated":
      return "changed a task";
    case "task.deleted":
      return `deleted task “${title(p.task)}”`;
    case "note.created":
      return `added note “${title(p.note)}”`;
    case "note.updated":
      return "edited a note";
    case "memory.pinned":
      return `remembered ${typeof p.memory === "object" ? `${p.memory?.key} = ${p.memory?.value}` : ""}`;
    case "message.added":
      return typeof p.message === "object" ? `said “${String(p.message?.text ?? "").slice(0, 80)}”` : "sent a message";
    case "turn.undone":
      return "undid an assistant turn";
    default:
      return e.type.replace(".", " ");
  }
};

/** Bookkeeping the user need not read in a timeline. */
const HIDDEN = new Set(["usage.charged", "tool.used", "notification.created", "notification.acked"]);

function ActivityView() {
  const { actor } = Route.useSearch();
  const { data } = useSuspenseQuery(eventsQuery());
  const queryClient = useQueryClient();
  const events = [...data.events]
    .reverse()
    .filter((e) => !HIDDEN.has(e.type))
    .filter((e) => actor === "all" || e.actor.kind === actor);
  const undo = async (turnId: string) => {
    try {
      await api.undo(turnId);
      toast.success("Undone");
      await queryClient.invalidateQueries({ queryKey: brainKeys.all });
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
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
          const undoable = e.actor.kind === "assistant" && e.type.startsWith("task.") ? e.actor.turnId : null;
          return (
            <li key={e.id} className="flex items-start gap-3 rounded-lg bg-white px-4 py-2 text-sm shadow-sm dark:bg-stone-900">
              <Icon className="mt-0.5 size-4 text-stone-500" aria-hidden />
              <span className="flex-1">
                <strong>{who}</strong> {describe(e)}
              </span>
              <time className="text-xs text-stone-500">{new Date(e.ts).toLocaleString([], { dateStyle: "short", timeStyle: "short" })}</time>
              {undoable && (
                <button onClick={() => void undo(undoable)} className="flex items-center gap-1 text-xs text-indigo-600 hover:underline">
                  <Undo2 className="size-3" /> Undo
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
