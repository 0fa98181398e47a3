/**
 * Manual order of tasks (the `order` key of each task, D2): a moved task gets
 * a key between its new neighbours' keys, so one move is one field written on
 * one task and two devices moving different tasks at once never conflict.
 */

export type Ordered = { id: string; order: number };
export type OrderPatch = { id: string; order: number };

/** A key between two neighbours' keys; either may be missing (the ends of the list). */
export function orderBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return after! - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

/**
 * The writes that move `list[from]` to index `to` (as dnd-kit's arrayMove
 * places it): usually one key between the new neighbours. When no key fits
 * between them (equal keys, or doubles worn down by many moves) the whole
 * list is numbered again 1, 2, 3… in its new arrangement.
 */
export function planMove(list: readonly Ordered[], from: number, to: number): OrderPatch[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return [];
  const moved = list[from]!;
  const rest = list.filter((_, i) => i !== from);
  const before = rest[to - 1]?.order;
  const after = rest[to]?.order;
  const order = orderBetween(before, after);
  const fits = (before === undefined || order > before) && (after === undefined || order < after);
  if (fits) return [{ id: moved.id, order }];
  const arranged = [...rest.slice(0, to), moved, ...rest.slice(to)];
  return arranged.map((t, i) => ({ id: t.id, order: i + 1 })).filter((p) => list.find((t) => t.id === p.id)?.order !== p.order);
}
