/**
 * What the assistant's tools may reach outside the room core (docs/PROTOCOL.md
 * M20–M26): the MCP hub (party/mcp/hub.ts) and the calendar
 * (`room.calendar.between`). Ports, so the tools stay testable with fakes and
 * the network stays with the Durable Object.
 */
import type { Actor } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";

/** One run-time tool of the MCP hub, as the flights rule needs to know it. */
export type McpToolRef = { name: string };
/** An MCP tool's result: capped text, and its structured content when it gave one — data, never instructions. */
export type McpCallResult = { content: string; structured?: unknown };
/** Who asks (the assistant's turn) and under which request: the hub's `tool.used` attribution. */
export type McpCallContext = { actor: Actor; correlationId: string };

/** The part of the hub (party/mcp/hub.ts `McpHub`) the chat's tools use; the hub itself fits it. */
export type McpPort = {
  tools(): readonly McpToolRef[];
  /** Counts the use against the tool's daily cap; a refused call is `rate_limited`. */
  call(name: string, args: unknown, ctx: McpCallContext): Promise<Result<McpCallResult>>;
};

/** A calendar event as the ranking needs it: instants with offset. */
export type BusyEvent = { title: string; start: string; end: string; allDay?: boolean };

export type CalendarPort = { between(fromMs: number, toMs: number): readonly BusyEvent[] };
