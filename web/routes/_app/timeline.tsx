/**
 * The timeline (docs/PROTOCOL.md W70–W77): one vertical day or week of
 * calendar events, blocks, timed tasks, reminders and plan items, with a
 * now-line, in the preference zone; blocks dragged or moved by keyboard, each
 * change written through the Yjs document so every device sees it live; the
 * goals with their progress beside it.
 */
import { useQuery } from "@tanstack/react-query";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { ChevronLeft, ChevronRight, Plus } from "lucide-react";
import { useState } from "react";
import { localDate } from "../../../shared/dates.ts";
import { blocksOf, goalsOf, patchBlock, patchGoal, readGoal, readBlock, readBlocks, readGoals, readTasks, removeBlock, writeBlock } from "../../../shared/doc-schema.ts";
import type { GoalStatus } from "../../../shared/goals.ts";
import { TimelineSearchSchema } from "../../../shared/search.ts";
import { isoInZone } from "../../../shared/zoned.ts";
import { BlockDialog, type BlockDialogState } from "../../components/timeline/block-dialog.tsx";
import { GoalsList } from "../../components/timeline/goals-list.tsx";
import { type BlockDraft, blockFromDraft, draftAt, draftOf, draftSpan } from "../../lib/block-form.ts";
import { withUndo } from "../../lib/undoable.ts";
import { TimelineGrid } from "../../components/timeline/timeline-grid.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useDocMap } from "../../hooks/use-doc-map.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { agendaQuery, stateQuery } from "../../lib/queries.ts";
import { fromAgenda, fromBlocks } from "../../lib/timeline-items.ts";
import { addDays, type Day, dayOfDate, type Span, spanToIso, weekDays } from "../../lib/timeline-time.ts";

export const Route = createFileRoute("/_app/timeline")({
  validateSearch: TimelineSearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: TimelineView,
});

const BUTTON = "flex min-h-9 min-w-9 items-center justify-center rounded-lg px-2 text-sm outline-none hover:bg-stone-200 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 max-md:min-w-11 dark:hover:bg-stone-800";

function TimelineView() {
  const { view, date: asked } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const brain = useBrain();
  const zone = useZone();
  const now = useNow();
  const today = localDate(zone.zone, now);
  const date = asked ?? today;
  const days = view === "day" ? [dayOfDate(date, zone.zone)] : weekDays(date, zone.zone);
  const thisWeek = weekDays(today, zone.zone);
  const agenda = useQuery(agendaQuery(isoInZone(days[0]!.from, zone.zone), isoInZone(days.at(-1)!.to, zone.zone)));
  const blocks = useDocMap(brain.doc, "blocks", () => readBlocks(brain.doc));
  const goals = useDocMap(brain.doc, "goals", () => readGoals(brain.doc));
  const tasks = useDocMap(brain.doc, "tasks", () => readTasks(brain.doc));
  const items = [...fromAgenda(agenda.data?.items ?? []), ...fromBlocks(blocks)];
  const iso = (ms: number) => new Date(ms).toISOString();
  const dayLabel = (d: Day) => zone.day(d.date);

  /** W73: a block's new times, through the document (no origin: the room attributes it to this device). */
  const onChange = (blockId: string, span: Span): string | null => {
    const block = readBlock(brain.doc, blockId);
    // Deleted on another device while it was dragged here: nothing to move.
    if (!block) return null;
    patchBlock(brain.doc, blockId, { ...spanToIso(span, zone.zone), updatedAt: new Date().toISOString() });
    return `${block.title} moved to ${zone.day(localDate(zone.zone, new Date(span.start)))}, ${zone.time(iso(span.start))} – ${zone.time(iso(span.end))}`;
  };
  // W82: blocks placed, edited and deleted by hand — through the document, like tasks (source "user", this device's).
  const [dialog, setDialog] = useState<BlockDialogState | null>(null);
  const newBlock = (at?: number) => setDialog({ mode: "new", draft: at === undefined ? (date === today ? draftAt(now.getTime(), zone.zone) : { title: "", date, start: "09:00", end: "10:00" }) : draftAt(at, zone.zone) });
  const openBlock = (blockId: string) => {
    const block = readBlock(brain.doc, blockId);
    if (block) setDialog({ mode: "edit", blockId, draft: draftOf(block, zone.zone) });
  };
  const saveBlock = (draft: BlockDraft): string | null => {
    if (dialog?.mode === "edit") {
      const span = draftSpan(draft, zone.zone);
      if ("error" in span) return span.error;
      if (!draft.title.trim()) return "Give the block a title.";
      if (!readBlock(brain.doc, dialog.blockId)) return "This block was deleted on another device.";
      patchBlock(brain.doc, dialog.blockId, { title: draft.title.trim(), ...span, updatedAt: new Date().toISOString() });
      return null;
    }
    const block = blockFromDraft(draft, zone.zone, { id: crypto.randomUUID(), deviceId: brain.deviceId, now: new Date() });
    if ("error" in block) return block.error;
    writeBlock(brain.doc, block);
    return null;
  };
  const deleteBlock = (blockId: string) => {
    const block = readBlock(brain.doc, blockId);
    if (block) withUndo(brain.doc, brain.deviceId, `Deleted “${block.title}”`, (origin) => removeBlock(brain.doc, blockId, origin), blocksOf(brain.doc));
  };
  // W83: goals renamed, done, reopened or dropped by hand (a drop hides it: Undo brings it back).
  const renameGoal = (goalId: string, title: string) => patchGoal(brain.doc, goalId, { title, updatedAt: new Date().toISOString() });
  const goalStatus = (goalId: string, status: GoalStatus) => {
    const goal = readGoal(brain.doc, goalId);
    if (!goal) return;
    const words = status === "dropped" ? `Dropped “${goal.title}”` : status === "done" ? `“${goal.title}” done` : `Reopened “${goal.title}”`;
    withUndo(brain.doc, brain.deviceId, words, (origin) => patchGoal(brain.doc, goalId, { status, updatedAt: new Date().toISOString() }, origin), goalsOf(brain.doc));
  };
  const go = (next: string | undefined, nextView = view) => void navigate({ search: { view: nextView, date: next } });
  const step = view === "day" ? 1 : 7;
  const title = view === "day" ? zone.day(date) : `${zone.day(days[0]!.date)} – ${zone.day(days.at(-1)!.date)}`;

  return (
    <div className="mx-auto max-w-6xl p-4 pb-24 md:p-8">
      <header className="flex flex-wrap items-center gap-2">
        <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">
          Timeline
        </h1>
        <nav aria-label="Timeline view" className="ml-2 flex gap-1">
          {(["day", "week"] as const).map((v) => (
            <Link
              key={v}
              to="/timeline"
              search={{ view: v, date: asked }}
              aria-current={v === view ? "page" : undefined}
              className={`flex min-h-8 items-center rounded-full px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 max-md:min-w-11 max-md:justify-center ${v === view ? "bg-indigo-600 font-medium text-white" : "text-stone-700 hover:bg-stone-200 dark:text-stone-300 dark:hover:bg-stone-800"}`}
            >
              {v === "day" ? "Day" : "Week"}
            </Link>
          ))}
        </nav>
        <div className="flex items-center gap-1 md:ml-auto">
          <button onClick={() => newBlock()} className={`${BUTTON} gap-1 font-medium text-indigo-700 dark:text-indigo-300`}>
            <Plus className="size-4" aria-hidden /> New block
          </button>
          <button onClick={() => go(addDays(date, -step))} aria-label={view === "day" ? "Previous day" : "Previous week"} className={BUTTON}>
            <ChevronLeft className="size-4" aria-hidden />
          </button>
          <button onClick={() => go(undefined)} className={BUTTON} disabled={date === today}>
            Today
          </button>
          <button onClick={() => go(addDays(date, step))} aria-label={view === "day" ? "Next day" : "Next week"} className={BUTTON}>
            <ChevronRight className="size-4" aria-hidden />
          </button>
        </div>
        <p data-testid="timeline-range" aria-live="polite" className="w-full text-sm text-stone-600 dark:text-stone-400">
          {title}
          {zone.traveller && ` · times in ${zone.zone}`}
          {agenda.isError && <span role="alert"> · the calendar could not be loaded: {agenda.error.message}</span>}
        </p>
      </header>
      {view === "week" && (
        // Phone width: the week one day at a time, chosen here (W75).
        <nav aria-label="Day of the week" className="mt-2 flex gap-1 md:hidden">
          {days.map((d) => (
            <button key={d.date} onClick={() => go(d.date, "week")} aria-current={d.date === date ? "date" : undefined} className={`flex min-h-11 flex-1 flex-col items-center justify-center rounded-lg text-xs ${d.date === date ? "bg-indigo-600 font-medium text-white" : "text-stone-700 dark:text-stone-300"}`}>
              {zone.day(d.date).split(",")[0]}
              <span className="tabular-nums">{d.date.slice(8)}</span>
            </button>
          ))}
        </nav>
      )}
      <div className="mt-4 grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <section aria-label={title} data-testid="timeline" className="min-w-0 rounded-xl border border-stone-200 bg-white pr-1 dark:border-stone-800 dark:bg-stone-900">
          <TimelineGrid days={days} selected={date} items={items} zone={zone.zone} now={now.getTime()} dayLabel={dayLabel} time={(ms) => zone.time(iso(ms))} onChange={onChange} onOpen={openBlock} onDelete={deleteBlock} onSlot={newBlock} />
        </section>
        <aside className="space-y-4 lg:sticky lg:top-4 lg:self-start">
          <GoalsList goals={goals} tasks={tasks} blocks={blocks} week={{ from: thisWeek[0]!.from, to: thisWeek.at(-1)!.to }} day={zone.day} onRename={renameGoal} onStatus={goalStatus} />
        </aside>
      </div>
      <BlockDialog state={dialog} onClose={(closing) => setDialog((d) => (d === closing ? null : d))} onSave={saveBlock} onDelete={deleteBlock} zoneNote={zone.traveller ? zone.zone : null} />
    </div>
  );
}
