/**
 * One day of the timeline (docs/PROTOCOL.md W70–W72): hour lines, the items
 * in lanes, and the now-line on today. A drop target, so a block dragged in
 * the week view lands on the day it is let go over.
 */
import { useDroppable } from "@dnd-kit/core";
import type { MouseEvent } from "react";
import type { DrawnItem } from "../../lib/timeline-items.ts";
import type { Day } from "../../lib/timeline-time.ts";
import type { KeyMove } from "../../lib/timeline-keys.ts";
import { TimelineItemView } from "./timeline-item.tsx";
import type { DragPreview } from "./timeline-look.ts";

type Props = {
  day: Day;
  label: string;
  items: DrawnItem[];
  /** Minutes from the day's start of each local full hour. */
  hours: number[];
  scale: number;
  minutes: number;
  /** Minutes from the day's start of now, when now is on this day. */
  now: number | null;
  preview: DragPreview | null;
  week: boolean;
  /** Hidden at phone width in the week view (one day at a time there), unless it is the day chosen. */
  phoneHidden: boolean;
  when: (item: DrawnItem) => string;
  onKey: (item: DrawnItem, move: KeyMove) => void;
  onOpen: (blockId: string) => void;
  onDelete: (blockId: string) => void;
  /** W82: a click or tap on an empty part of the day: a new block there (minutes from the day's start). */
  onSlot: (minute: number) => void;
  helpId: string;
};

export function DayColumn({ day, label, items, hours, scale, minutes, now, preview, week, phoneHidden, when, onKey, onOpen, onDelete, onSlot, helpId }: Props) {
  const drop = useDroppable({ id: `day:${day.date}`, data: { date: day.date } });
  // A pointer's shortcut to the "New block" button (which the keyboard uses): items handle their own clicks.
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (e.target instanceof Element && e.target.closest("li")) return;
    onSlot((e.clientY - e.currentTarget.getBoundingClientRect().top) / scale);
  };
  return (
    <div ref={drop.setNodeRef} data-testid="timeline-day" data-date={day.date} onClick={onClick} className={`relative min-w-0 flex-1 cursor-cell border-l border-stone-200 dark:border-stone-800 ${phoneHidden ? "max-md:hidden" : ""}`} style={{ height: minutes * scale }}>
      {hours.map((m) => (
        <div key={m} aria-hidden className="absolute inset-x-0 border-t border-stone-100 dark:border-stone-800/70" style={{ top: m * scale }} />
      ))}
      <ol aria-label={label} className="absolute inset-0">
        {items.map((item) => (
          <TimelineItemView key={item.key} item={item} date={day.date} scale={scale} when={when(item)} preview={preview?.blockId === item.id ? preview : null} week={week} onKey={onKey} onOpen={onOpen} onDelete={onDelete} helpId={helpId} />
        ))}
      </ol>
      {now !== null && (
        <div data-testid="now-line" aria-hidden className="pointer-events-none absolute inset-x-0 z-10 flex items-center" style={{ top: now * scale }}>
          <span className="-ml-1 size-2 rounded-full bg-red-600" />
          <span className="h-0.5 flex-1 bg-red-600" />
        </div>
      )}
    </div>
  );
}
