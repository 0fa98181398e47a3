/**
 * The room's reach outside itself (docs/PROTOCOL.md K1–K12, M1–M14): the
 * user's calendars and MCP servers, built on the host's network ports. Their
 * configuration and credentials live in the room's own tables; without a
 * network port a sync fails as offline and an MCP call is refused.
 */
import { Calendar } from "./calendar/calendar.ts";
import { CalendarStore } from "./calendar/store.ts";
import type { Ledger } from "./core/ledger.ts";
import { RoomMcpHub } from "./mcp/room-hub.ts";
import { McpStore } from "./mcp/store.ts";
import type { RoomPorts } from "./room-ports.ts";

/** Calendar sources, their sync and the events they hold; `reschedule` moves the room's alarm after a sync is planned. */
export function roomCalendar(ports: RoomPorts, ledger: Ledger, reschedule: () => void): Calendar {
  const { sql, now, userId, config } = ports;
  return new Calendar({
    store: new CalendarStore(sql, now),
    ledger,
    now,
    development: config.development,
    timeZone: () => ledger.state.preferences.timezone,
    ...(ports.fetch ? { fetch: ports.fetch } : {}),
    ...(ports.waitUntil ? { waitUntil: ports.waitUntil } : {}),
    reschedule,
    log: (event, detail) => ports.log("warn", { event, userId, detail }),
  });
}

/** The user's MCP servers and their tools; `onToolsChanged` puts a changed tool list in the assistant's registry (M7). */
export function roomMcp(ports: RoomPorts, ledger: Ledger, onToolsChanged: () => void): RoomMcpHub {
  const { sql, now, userId, config } = ports;
  return new RoomMcpHub({
    userId,
    store: new McpStore(sql, now),
    ledger,
    now,
    newId: ports.newId,
    development: config.development,
    dailyCap: config.mcpToolDailyCap,
    fetch: ports.mcp?.fetch ?? (() => Promise.reject(new Error("this host has no network for MCP servers"))),
    ...(ports.mcp ? { stateKey: ports.mcp.stateKey } : {}),
    log: (event, detail) => ports.log("warn", { event, userId, detail }),
    onToolsChanged,
  });
}
