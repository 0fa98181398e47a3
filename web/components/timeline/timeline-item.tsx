/**
 * One item on a day column (docs/PROTOCOL.md W72–W74). A block is moved by
 * dragging it and resized by dragging its bottom edge (@dnd-kit, mouse and
 * touch), or from the keyboard: ↑/↓ move it 15 minutes, Shift+↑/↓ change its
 * end by 15 minutes, ←/→ move it a day in the week view. Other items (events,
 * tasks, reminders, plan items) are shown, not moved: they belong to their
 * calendar or list.
 */
import { useDraggable } from "@dnd-kit/core";
import type { CSSProperties, KeyboardEvent, ReactNode } from "react";
import type { DrawnItem } from "../../lib/timeline-items.ts";
import { type KeyMove, keyMove } from "../../lib/timeline-keys.ts";
import { type DragPreview, itemLook, KIND_LABEL } from "./timeline-look.ts";

type Props = {
  item: DrawnItem;
  /** The column's local date (a block across midnight is drawn on two). */
  date: string;
  /** Pixels per minute of the column. */
  scale: number;
  /** "9:00 AM – 10:00 AM" (or a moment's time), in the preference zone. */
  when: string;
  /** The drag under way on this item, if any, in snapped minutes. */
  preview: DragPreview | null;
  week: boolean;
  onKey: (item: DrawnItem, move: KeyMove) => void;
  /** W82: a block clicked, tapped or Enter: its edit form; Delete: deleted (with Undo). */
  onOpen: (blockId: string) => void;
  onDelete: (blockId: string) => void;
  /** The id of the element that says how to move a block (one per view). */
  helpId: string;
};

export function TimelineItemView({ item, date, scale, when, preview, week, onKey, onOpen, onDelete, helpId }: Props) {
  const look = itemLook(item);
  const top = (item.top + (preview?.mode === "move" ? preview.minutes : 0)) * scale;
  const height = Math.max(18, (item.height + (preview?.mode === "resize" ? preview.minutes : 0)) * scale);
  const style = {
    top,
    height,
    left: `calc(${(item.lane / item.lanes) * 100}% + 2px)`,
    width: `calc(${100 / item.lanes}% - 4px)`,
    ...(preview?.mode === "move" && preview.dx ? { transform: `translateX(${preview.dx}px)` } : {}),
  };
  const body = (
    <>
      <span className="block truncate font-medium">{item.title}</span>
      {height >= 34 && <span className="block truncate text-xs tabular-nums opacity-90">{when}</span>}
    </>
  );
  if (!item.editable)
    return (
      <li data-kind={item.kind} data-testid="timeline-item" className={`absolute overflow-hidden rounded-md border-l-4 px-2 py-0.5 text-xs ${look}`} style={style}>
        <span className="sr-only">{KIND_LABEL[item.kind]}: </span>
        {body}
        <span className="sr-only">, {when}</span>
      </li>
    );
  return <EditableBlock item={item} date={date} style={style} look={look} when={when} week={week} onKey={onKey} onOpen={onOpen} onDelete={onDelete} helpId={helpId} dragging={preview !== null} body={body} />;
}

type EditableProps = Pick<Props, "item" | "date" | "when" | "week" | "onKey" | "onOpen" | "onDelete" | "helpId"> & { style: CSSProperties; look: string; dragging: boolean; body: ReactNode };

function EditableBlock({ item, date, style, look, when, week, onKey, onOpen, onDelete, helpId, dragging, body }: EditableProps) {
  const move = useDraggable({ id: `move:${item.id}:${date}`, data: { blockId: item.id, mode: "move", date } });
  const resize = useDraggable({ id: `resize:${item.id}:${date}`, data: { blockId: item.id, mode: "resize", date } });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const plain = !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey;
    if (plain && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      return onOpen(item.id);
    }
    if (plain && (e.key === "Delete" || e.key === "Backspace")) {
      e.preventDefault();
      return onDelete(item.id);
    }
    const m = keyMove(e, week);
    if (!m) return;
    e.preventDefault();
    onKey(item, m);
  };
  return (
    <li data-kind="block" data-testid="timeline-block" data-block-id={item.id} data-source={item.source} data-dragging={dragging || undefined} className="absolute" style={style}>
      <div
        ref={move.setNodeRef}
        {...move.listeners}
        role="button"
        tabIndex={0}
        aria-roledescription="movable block"
        aria-describedby={helpId}
        aria-label={`${item.title}, ${when}`}
        onKeyDown={onKeyDown}
        onClick={() => onOpen(item.id)}
        // touch-action: none on the block only: a drag on it moves it; the rest of the day scrolls as usual.
        className={`h-full cursor-grab touch-none overflow-hidden rounded-md border-l-4 px-2 py-0.5 text-xs outline-none select-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-1 ${look} ${dragging ? "z-20 cursor-grabbing shadow-lg ring-2 ring-indigo-400" : ""}`}
      >
        {body}
      </div>
      {/* The bottom edge resizes (pointer and touch); the keyboard resizes with Shift+↑/↓ on the block itself. */}
      <div ref={resize.setNodeRef} {...resize.listeners} aria-hidden data-testid="block-resize" className="absolute inset-x-0 -bottom-1 h-3 cursor-ns-resize touch-none" />
    </li>
  );
}
