/**
 * How the assistant words times and reads tool results back: shared by the
 * action cards (tools.ts) and the offline assistant's replies.
 */

/** A due date or time as the user reads it on an action card, in their zone. */
export function when(value: string, timeZone: string): string {
  if (value.length === 10) return value;
  return new Date(value).toLocaleString("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

/** A due date or time as the offline assistant says it: calendar dates get their weekday too. */
export function formatDue(due: string, timeZone: string): string {
  if (due.length === 10) {
    const [y, m, d] = due.split("-").map(Number);
    return new Date(Date.UTC(y!, m! - 1, d!, 12)).toLocaleDateString("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });
  }
  return new Date(due).toLocaleString("en-US", { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone });
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** One field of a tool result that came back through the model as JSON; undefined when absent. */
export const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);
