/**
 * How the assistant reads tool results back: shared by the action cards
 * (tools.ts) and the offline assistant's replies. Dates are worded by the one
 * formatter of shared/format.ts, as every view words them (W5).
 */

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** One field of a tool result that came back through the model as JSON; undefined when absent. */
export const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);
