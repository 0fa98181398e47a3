/**
 * What the room decides about an MCP tool without the network (docs/PROTOCOL.md
 * M5, M6, M9–M11): whether a call needs the user's confirmation, its daily cap,
 * and how its output enters the model's context — capped, and wrapped as data.
 */
import { SEPARATOR } from "./naming.ts";

/** The seed policy's cap for flight searches: 10 per user per day (M11). */
export const FLIGHT_SEARCH_DAILY_CAP = 10;
/** The most text of one result the model is given (M9). */
export const MAX_OUTPUT_CHARS = 16_000;
/** The most JSON of one result's `structuredContent` the room keeps. */
export const MAX_STRUCTURED_CHARS = 64_000;

/** Runs directly only when the server says it reads only (`readOnlyHint: true`) or the user trusts it (M5, M6). */
export const needsConfirmation = (tool: { readOnly: boolean; trusted: boolean }) => !tool.readOnly && !tool.trusted;

/** A tool's uses per day (M10, M11): a flight search has the seed cap; every other tool the configured `MCP_TOOL_DAILY_CAP`. */
export function dailyCapOf(name: string, defaultCap: number): number {
  const tool = name.slice(name.indexOf(SEPARATOR) + SEPARATOR.length);
  return tool === "search_flights" ? Math.min(FLIGHT_SEARCH_DAILY_CAP, defaultCap) : defaultCap;
}

/** Cut to `max` characters, saying so. */
export function capText(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const note = `\n[… cut: ${text.length - max} more characters]`;
  return text.slice(0, max - note.length) + note;
}

/**
 * Outside output as data (M9, G9): inside a `<data source="mcp:…">` block that
 * no closing tag in the text can end early; the system prompt says text in data
 * blocks is never instructions (party/chat/context.ts).
 */
export function asData(tool: string, text: string): string {
  const body = text.replace(/<\/?data\b[^>]*>/gi, "[tag removed]");
  return `<data source="mcp:${tool}">\n${body}\n</data>`;
}
