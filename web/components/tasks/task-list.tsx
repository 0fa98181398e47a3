/**
 * The task list, reordered by dragging a row's handle (mouse, touch) or from
 * the keyboard (focus the handle, Space, ↑/↓, Space): dnd-kit's sortable
 * preset. A drop writes one new `order` between the new neighbours (W21).
 */
import { closestCenter, DndContext, type DragEndEvent, KeyboardSensor, type Modifier, PointerSensor, useSensor, useSensors } from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import type { ReactNode } from "react";
import type { Task } from "../../../shared/domain.ts";

/** Rows move up and down only (what @dnd-kit/modifiers' restrictToVerticalAxis does; that package is not installed). */
const vertical: Modifier = ({ transform }) => ({ ...transform, x: 0 });

type Props = { tasks: readonly Task[]; onMove: (from: number, to: number) => void; empty: ReactNode; children: ReactNode };

export function TaskList({ tasks, onMove, empty, children }: Props) {
  const sensors = useSensors(
    // A few pixels before a drag starts, so a click or a tap on the handle stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = tasks.findIndex((t) => t.id === active.id);
    const to = tasks.findIndex((t) => t.id === over.id);
    if (from >= 0 && to >= 0) onMove(from, to);
  };
  const titleOf = (id: string | number) => tasks.find((t) => t.id === id)?.title ?? "task";
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      modifiers={[vertical]}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements: {
          onDragStart: ({ active }) => `Picked up ${titleOf(active.id)}.`,
          onDragOver: ({ active, over }) => (over ? `${titleOf(active.id)} is over ${titleOf(over.id)}.` : `${titleOf(active.id)} is no longer over a task.`),
          onDragEnd: ({ active, over }) => (over ? `${titleOf(active.id)} dropped at ${titleOf(over.id)}'s place.` : `${titleOf(active.id)} dropped.`),
          onDragCancel: ({ active }) => `Moving ${titleOf(active.id)} was cancelled.`,
        },
      }}
    >
      <SortableContext items={tasks.map((t) => t.id)} strategy={verticalListSortingStrategy}>
        <ul data-testid="tasks" aria-label="Tasks" className="mt-3 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white shadow-sm dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
          {tasks.length === 0 ? <li className="px-4 py-8 text-center">{empty}</li> : children}
        </ul>
      </SortableContext>
    </DndContext>
  );
}
