/**
 * The chat engine of a room, wired to the room's parts (docs/PROTOCOL.md C1–C17,
 * T1–T16, Y1–Y12): its tools reach the document, the agenda, the calendars, MCP,
 * the plan and the structured proposals; a finished turn may notify the device in use.
 */
import type { Command } from "../shared/commands.ts";
import { localDate } from "../shared/dates.ts";
import { readNotes, readTasks } from "../shared/doc-schema.ts";
import type { Result } from "../shared/errors.ts";
import type { AgendaItem } from "../shared/agenda.ts";
import type { Calendar } from "./calendar/calendar.ts";
import { readContextItems } from "./chat/context-items.ts";
import { ChatEngine } from "./chat/engine.ts";
import type { Applied, CommandContext } from "./core/commands.ts";
import type { Ledger } from "./core/ledger.ts";
import { broadcast, currentDevices, type SocketDeps } from "./core/sockets.ts";
import type { GoalProposals } from "./goals/structured.ts";
import { runConfirmed } from "./mcp/confirmed.ts";
import type { RoomMcpHub } from "./mcp/room-hub.ts";
import { modelFor } from "./models.ts";
import type { RoomPorts } from "./room-ports.ts";
import type { CalendarPort } from "./schedule/calendar-port.ts";
import type { Schedule } from "./schedule/runner.ts";

export type RoomChatParts = {
  ledger: Ledger;
  sockets: Pick<SocketDeps, "clients">;
  goalProposals: GoalProposals;
  mcp: RoomMcpHub;
  calendar: Calendar;
  /** The calendars the chat reads and writes: the store, or a test's stand-in (K20–K28). */
  calendarPort: CalendarPort;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  agenda: (from: number, to: number) => AgendaItem[];
  /** Built after the chat: read when a turn needs it. */
  schedule: () => Schedule;
};

export function roomChat(ports: RoomPorts, parts: RoomChatParts): ChatEngine {
  const { sql, doc, now, userId, config } = ports;
  const { ledger, sockets, goalProposals, mcp } = parts;
  return new ChatEngine({
    userId,
    structured: goalProposals,
    reschedule: (turnId, requestId, request) => goalProposals.reschedule(turnId, requestId, request),
    outward: (call, ctx) => {
      const work = runConfirmed(mcp, call, ctx);
      if (ports.mcp) ports.mcp.waitUntil(work);
    },
    sql,
    ledger,
    now,
    limits: config.chat,
    model: ({ timeZone, tools }) => modelFor(config, { timeZone, tools, now: () => new Date(now()) }),
    execute: parts.execute,
    tasks: () => readTasks(doc),
    notes: () => readNotes(doc),
    contextItems: (ids) => readContextItems(doc, ids),
    agenda: parts.agenda,
    calendars: () => parts.calendarPort.sources(),
    calendarWriter: parts.calendarPort.writer,
    ...(ports.waitUntil ? { waitUntil: ports.waitUntil } : {}),
    proposePlan: () => parts.schedule().proposePlan(localDate(ledger.state.preferences.timezone, new Date(now())), "chat"),
    // M20, M22: the flights rule calls the hub's search tool and ranks offers around the synced calendar.
    mcp,
    calendar: parts.calendar,
    onTurnEnd: ({ turnId, status, text }) => {
      // S8: the assistant finished while the user was elsewhere — tell the device in use.
      if (status === "completed" && !currentDevices(sockets).some((d) => d.focused)) {
        parts.schedule().notify("assistant", "Your assistant replied", text.slice(0, 200), turnId);
      }
    },
    broadcast: (frame) => broadcast(sockets, frame),
    ...(ports.deleteStorage ? { deleteAccount: ports.deleteStorage } : {}),
    log: (event, fields) => ports.log(event === "turn.failed" ? "warn" : "info", { event, userId, ...fields }),
  });
}
