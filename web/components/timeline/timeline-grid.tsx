/**
 * The timeline's grid (docs/PROTOCOL.md W70–W75): an hour gutter and one
 * column per day (one in the day view, seven in the week view — one at a
 * time at phone width), all-day items above, and the drag-and-drop context.
 * A drop or a key writes the block's new times through the Yjs document
 * (`onChange`), so every device sees it move at once; a screen reader hears
 * where it went (aria-live).
 */
import { type Announcements, DndContext, type DragEndEvent, type DragMoveEvent, type DragStartEvent, MouseSensor, TouchSensor, useSensor, useSensors } from "@dnd-kit/core";
import { useEffect, useId, useRef, useState } from "react";
import { z } from "zod";
import { dayColumn, type DrawnItem, isOnDay, type TimelineItem } from "../../lib/timeline-items.ts";
import { type Day, dayMinutes, hourMarks, MINUTE_MS, minuteOf, moved, pxToMinutes, resized, type Span } from "../../lib/timeline-time.ts";
import { DayColumn } from "./day-column.tsx";
import type { KeyMove } from "../../lib/timeline-keys.ts";
import { type DragPreview, itemLook, KIND_LABEL } from "./timeline-look.ts";

/** Pixels per minute: an hour is 60 px, a quarter hour 15 px. */
export const SCALE = 1;

type Props = {
  days: Day[];
  /** The day shown at phone width in the week view. */
  selected: string;
  items: TimelineItem[];
  zone: string;
  now: number;
  dayLabel: (day: Day) => string;
  time: (ms: number) => string;
  /** A block's new span: written to the document; returns the sentence to announce. */
  onChange: (blockId: string, span: Span) => string | null;
  /** W82: a block's edit form; a block deleted (with Undo); a new block at an instant (a slot clicked). */
  onOpen: (blockId: string) => void;
  onDelete: (blockId: string) => void;
  onSlot: (at: number) => void;
};

/**
 * dnd-kit's own announcements name draggables by id ("Picked up draggable item move:b1:…"):
 * silenced; this view says where a block went, in words, once it is dropped (W74).
 */
const SILENT: Announcements = { onDragStart: () => undefined, onDragOver: () => undefined, onDragEnd: () => undefined, onDragCancel: () => undefined };

/** What a drag carries (set by the block's useDraggable): validated, not cast. */
const DragSchema = z.object({ blockId: z.string(), mode: z.enum(["move", "resize"]), date: z.string() });
/** What a day column carries as a drop target. */
const DropSchema = z.object({ date: z.string() });

export function TimelineGrid({ days, selected, items, zone, now, dayLabel, time, onChange, onOpen, onDelete, onSlot }: Props) {
  const week = days.length > 1;
  const helpId = useId();
  const [preview, setPreview] = useState<DragPreview | null>(null);
  const [said, setSaid] = useState("");
  const start = useRef<HTMLDivElement>(null);
  /** A drag started since the last press: the click that ends it does not open the block's form. */
  const dragged = useRef(false);
  const open = (blockId: string) => {
    if (dragged.current) return void (dragged.current = false);
    onOpen(blockId);
  };
  const grid = useRef<HTMLDivElement>(null);
  /** W74: a block moved from the keyboard, to focus again once drawn where it went (←/→ remounts it in another day's column). */
  const refocus = useRef<string | null>(null);
  // Mouse at once (after 4 px); touch after a short press, so a swipe still scrolls the day (W75).
  const sensors = useSensors(useSensor(MouseSensor, { activationConstraint: { distance: 4 } }), useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }));
  const columns = days.map((day) => ({ day, ...dayColumn(items, day), hours: hourMarks(day, zone).map((m) => m.minute) }));
  const longest = Math.max(...days.map(dayMinutes));
  const today = days.find((d) => isOnDay(now, d));
  const gutter = hourMarks(today ?? days[0]!, zone);
  const when = (item: TimelineItem | DrawnItem) => (item.end === null ? time(item.start) : `${time(item.start)} – ${time(item.end)}`);
  const blockOf = (id: string) => items.find((i) => i.kind === "block" && i.id === id);

  // The day opens on now (today) or on the morning (7:00 at the top): once per day or week shown, not on every tick.
  const shown = `${days[0]?.date}/${days.length}`;
  const centred = Boolean(today);
  useEffect(() => {
    start.current?.scrollIntoView({ block: centred ? "center" : "start" });
  }, [shown, centred]);

  const commit = (blockId: string, span: Span) => {
    const words = onChange(blockId, span);
    if (words) setSaid(words);
  };
  const keyCommit = (blockId: string, span: Span) => {
    refocus.current = blockId;
    commit(blockId, span);
  };
  // After each render: the moved block's element on the day of its new start (a new element after ←/→) takes the focus back.
  useEffect(() => {
    const id = refocus.current;
    if (!id) return;
    const block = items.find((i) => i.kind === "block" && i.id === id);
    const day = block && days.find((d) => isOnDay(block.start, d));
    if (!block || !day) return void (refocus.current = null);
    const target = grid.current?.querySelector<HTMLElement>(`[data-date="${day.date}"] [data-block-id="${CSS.escape(id)}"] [role="button"]`);
    if (!target) return;
    refocus.current = null;
    if (document.activeElement !== target) target.focus();
  });
  const onDragStart = (e: DragStartEvent) => {
    dragged.current = true;
    const data = DragSchema.safeParse(e.active.data.current).data;
    if (data) setPreview({ blockId: data.blockId, mode: data.mode, minutes: 0, dx: 0 });
  };
  const onDragMove = (e: DragMoveEvent) => {
    const data = DragSchema.safeParse(e.active.data.current).data;
    if (data) setPreview({ blockId: data.blockId, mode: data.mode, minutes: pxToMinutes(e.delta.y, SCALE), dx: week ? e.delta.x : 0 });
  };
  const onDragEnd = (e: DragEndEvent) => {
    setPreview(null);
    const data = DragSchema.safeParse(e.active.data.current).data;
    const block = data && blockOf(data.blockId);
    if (!data || !block || block.end === null) return;
    const minutes = pxToMinutes(e.delta.y, SCALE);
    const span = { start: block.start, end: block.end };
    if (data.mode === "resize") return minutes !== 0 ? commit(block.id, resized(span, minutes)) : undefined;
    // Dropped over another day (week view): the same offset from that day's start.
    const target = DropSchema.safeParse(e.over?.data.current).data?.date ?? data.date;
    const from = days.find((d) => d.date === data.date);
    const to = days.find((d) => d.date === target);
    const shift = from && to ? (to.from - from.from) / MINUTE_MS : 0;
    if (minutes !== 0 || shift !== 0) commit(block.id, moved(span, minutes + shift));
  };
  const onKey = (item: DrawnItem, m: KeyMove) => {
    if (item.end === null) return;
    const span = { start: item.start, end: item.end };
    if (m.kind === "resize") return keyCommit(item.id, resized(span, m.minutes));
    if (m.kind === "move") return keyCommit(item.id, moved(span, m.minutes));
    // A day earlier or later keeps the time of day (DST: the same offset from that day's local midnight).
    const at = days.findIndex((d) => isOnDay(item.start, d));
    const to = days[at + m.days];
    const from = days[at];
    if (from && to) keyCommit(item.id, moved(span, (to.from - from.from) / MINUTE_MS));
  };

  const anchor = today ? minuteOf(now, today) : 7 * 60;
  return (
    <DndContext sensors={sensors} onDragStart={onDragStart} onDragMove={onDragMove} onDragEnd={onDragEnd} onDragCancel={() => setPreview(null)} accessibility={{ announcements: SILENT, screenReaderInstructions: { draggable: "" } }}>
      <p id={helpId} className="sr-only">
        Arrow up or down moves the block by 15 minutes; Shift with arrow up or down changes its end by 15 minutes{week ? "; arrow left or right moves it a day" : ""}; Enter edits it; Delete removes it.
      </p>
      <div role="status" aria-live="polite" data-testid="timeline-said" className="sr-only">
        {said}
      </div>
      {week && (
        <div className="sticky top-0 z-30 flex border-b border-stone-200 bg-white pl-16 max-md:hidden dark:border-stone-800 dark:bg-stone-900">
          {days.map((d) => (
            <div key={d.date} className={`flex-1 px-1 py-1 text-center text-xs font-medium ${d === today ? "text-indigo-700 dark:text-indigo-300" : "text-stone-600 dark:text-stone-400"}`}>
              {dayLabel(d)}
            </div>
          ))}
        </div>
      )}
      {columns.some((c) => c.allDay.length > 0) && (
        <div data-testid="timeline-all-day" className="flex border-b border-stone-200 pl-16 dark:border-stone-800">
          {columns.map(({ day, allDay }) => (
            <ul key={day.date} aria-label={`All day, ${dayLabel(day)}`} className={`min-w-0 flex-1 space-y-0.5 px-0.5 py-1 ${week && day.date !== selected ? "max-md:hidden" : ""}`}>
              {allDay.map((i) => (
                <li key={i.key} className={`truncate rounded border-l-4 px-1.5 text-xs ${itemLook(i)}`}>
                  <span className="sr-only">{KIND_LABEL[i.kind]}, all day: </span>
                  {i.title}
                </li>
              ))}
            </ul>
          ))}
        </div>
      )}
      <div ref={grid} className="relative flex pt-2" data-testid="timeline-grid" onPointerDownCapture={() => (dragged.current = false)}>
        <div aria-hidden className="relative w-16 shrink-0" style={{ height: longest * SCALE }}>
          {gutter.map((m) => (
            <span key={m.at} className="absolute right-1.5 -translate-y-1/2 text-[11px] whitespace-nowrap text-stone-600 tabular-nums dark:text-stone-400" style={{ top: m.minute * SCALE }}>
              {time(m.at)}
            </span>
          ))}
          <span ref={start} className="absolute" style={{ top: anchor * SCALE }} />
        </div>
        {columns.map(({ day, timed, hours }) => (
          <DayColumn
            key={day.date}
            day={day}
            label={dayLabel(day)}
            items={timed}
            hours={hours}
            scale={SCALE}
            minutes={dayMinutes(day)}
            now={isOnDay(now, day) ? minuteOf(now, day) : null}
            preview={preview}
            week={week}
            phoneHidden={week && day.date !== selected}
            when={when}
            onKey={onKey}
            onOpen={open}
            onDelete={onDelete}
            onSlot={(minute) => onSlot(day.from + Math.round(minute) * MINUTE_MS)}
            helpId={helpId}
          />
        ))}
      </div>
    </DndContext>
  );
}
