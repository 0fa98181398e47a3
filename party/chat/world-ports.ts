/**
 * What the assistant's tools may reach outside the room core (docs/PROTOCOL.md
 * M20–M26): the MCP hub (party/mcp/hub.ts) and the calendar
 * (`room.calendar.between`). Ports, so the tools stay testable with fakes and
 * the network stays with the Durable Object.
 */
import type { Result } from "../../shared/errors.ts";

/** One run-time tool of the MCP hub, as the flights rule needs to know it. */
export type McpToolRef = { name: string };
/** An MCP tool's result: capped text, and its structured content when it gave one — data, never instructions. */
export type McpCallResult = { content: string; structured?: unknown };
/** Who asks: the turn the call is attributed to in the ledger (`tool.used`). */
export type McpCallContext = { turnId: string; requestId: string };

export type McpPort = {
  tools(): readonly McpToolRef[];
  /** Counts the use against the tool's daily cap; a refused call is `rate_limited`. */
  call(name: string, args: Record<string, unknown>, ctx: McpCallContext): Promise<Result<McpCallResult>>;
};

/** A calendar event as the ranking needs it: instants with offset. */
export type BusyEvent = { title: string; start: string; end: string; allDay?: boolean };

export type CalendarPort = { between(fromMs: number, toMs: number): readonly BusyEvent[] };
