/**
 * The built-in offline assistant's understanding: plain rules over the
 * user's words, with natural-language dates from chrono-node read in the
 * user's time zone. Deterministic and honest about its limits.
 */
import { clean, splitTitleAndDue } from "../../shared/dates.ts";

export { extractDue, localDate, zonedToUtc, zoneOffsetMinutes } from "../../shared/dates.ts";

export type Intent =
  | { kind: "create_task"; title: string; due: string | null; remind: boolean }
  | { kind: "agenda" }
  | { kind: "pin_memory"; key: string; value: string }
  | { kind: "complete_task"; query: string }
  | { kind: "delete_task"; query: string }
  | { kind: "add_note"; body: string }
  | { kind: "plan_day" }
  | { kind: "greeting" }
  | { kind: "unknown" };

export function understand(text: string, timeZone: string, now: Date): Intent {
  const t = text.trim();
  const lower = t.toLowerCase();

  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b[!. ]*$/i.test(t)) return { kind: "greeting" };

  if (/\bplan (my|the) day\b|\bdaily plan\b|\bplan for today\b/i.test(t)) return { kind: "plan_day" };

  if (/\b(agenda|schedule)\b|what('| i)?s on (my plate|today)|what do i have (today|on)|what('| i)?s due (today|now)/i.test(lower)) {
    return { kind: "agenda" };
  }

  const remember = /^(?:please\s+)?remember(?: that)?\s+(?:my\s+)?(.+?)\s+(?:is|are|=)\s+(.+)$/i.exec(t);
  if (remember) return { kind: "pin_memory", key: clean(remember[1]!), value: clean(remember[2]!) };

  const note = /^(?:please\s+)?(?:add|take|make|write)?\s*(?:a\s+)?note(?:\s+that)?\s*[:,-]?\s*(.+)$/i.exec(t) ?? /^jot down\s*[:,-]?\s*(.+)$/i.exec(t);
  if (note && clean(note[1]!)) return { kind: "add_note", body: clean(note[1]!) };

  const done =
    /^(?:please\s+)?(?:mark|set)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$/i.exec(t) ??
    /^(?:please\s+)?(?:complete|finish|check off|tick off|close)\s+(?:the\s+task\s+)?(.+)$/i.exec(t) ??
    /^(?:i(?:'ve| have)?\s+)?(?:done|finished|completed)(?:\s+with)?\s+(.+)$/i.exec(t);
  if (done) return { kind: "complete_task", query: clean(done[1]!.replace(/^(the\s+)?task\s+/i, "")) };

  const del = /^(?:please\s+)?(?:delete|remove|drop|cancel)\s+(?:the\s+task\s+)?(.+)$/i.exec(t);
  if (del) return { kind: "delete_task", query: clean(del[1]!) };

  const task =
    /^(?:please\s+)?remind me (?:to|that i need to|about)\s+(.+)$/i.exec(t) ??
    /^(?:please\s+)?(?:add|create|new)\s+(?:a\s+)?(?:task|todo|to-do)\s*(?:to|:|-)?\s*(.+)$/i.exec(t) ??
    /^(?:todo|to-do|task)\s*[:-]\s*(.+)$/i.exec(t) ??
    /^i (?:need|have) to\s+(.+)$/i.exec(t);
  if (task) {
    const { title, due } = splitTitleAndDue(task[1]!, timeZone, now);
    if (title) return { kind: "create_task", title, due, remind: /\bremind\b/i.test(t) };
  }
  return { kind: "unknown" };
}

/** The open task whose title best matches `query` (word overlap), or null. */
export function findTask<T extends { id: string; title: string }>(tasks: T[], query: string): T | null {
  const STOP = new Set(["the", "a", "an", "my", "to", "of", "for", "task", "with", "on", "at"]);
  const words = (s: string) => new Set((s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w)));
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
