/**
 * Naming a task by words of its title (docs/PROTOCOL.md C10): the tools and
 * the offline assistant resolve "call John" to the task "Call John".
 */

const STOP = new Set(["the", "a", "an", "my", "to", "of", "for", "task", "with", "on", "at"]);
const words = (s: string) => new Set((s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w)));

/** The open task whose title best matches `query` (word overlap), or null. */
export function findTask<T extends { id: string; title: string }>(tasks: T[], query: string): T | null {
  const q = words(query);
  if (q.size === 0) return null;
  let best: { task: T; score: number } | null = null;
  for (const task of tasks) {
    const w = words(task.title);
    let overlap = 0;
    for (const x of q) if (w.has(x)) overlap++;
    // Mostly: how much of the query the title covers; then, how much of the title the query covers.
    const score = overlap / q.size + (w.size ? overlap / w.size / 10 : 0);
    if (overlap > 0 && (!best || score > best.score)) best = { task, score };
  }
  return best && best.score >= 0.5 ? best.task : null;
}
