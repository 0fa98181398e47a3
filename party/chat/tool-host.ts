/**
 * What the tools of one turn may do (docs/PROTOCOL.md C8, C13): act as the
 * assistant through the command path, propose destructive actions, read the
 * user's state, and count their daily uses.
 */
import { v7 as uuidv7 } from "uuid";
import type { Command } from "../../shared/commands.ts";
import type { AgendaItem } from "../../shared/agenda.ts";
import type { CalendarSourceName } from "../schedule/calendar-port.ts";
import type { Plan, Task } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import { liveMemories } from "../core/memory-life.ts";
import type { ChatStore } from "./store.ts";
import type { SqlStore } from "../core/sql.ts";
import { refusedOffer } from "./memory-proposals.ts";
import type { ReschedulePort, RescheduleRequest } from "./structured-port.ts";
import { toolUses } from "./budget.ts";
import type { ToolHost } from "./registry.ts";
import type { CalendarPort, McpPort } from "./world-ports.ts";

export type ToolHostDeps = {
  ledger: Ledger;
  store: ChatStore;
  now: () => number;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  tasks: () => Task[];
  proposePlan: () => Promise<Result<Plan>>;
  /** Records one use of a tool today (a `tool.used` event). */
  charge: (tool: string) => void;
  /** The merged agenda (K20) and the calendar sources (K24, K27); absent in rooms without calendars. */
  agenda?: (from: number, to: number) => AgendaItem[];
  calendars?: () => readonly CalendarSourceName[];

  /** The MCP hub and the calendar, when the room has them (M20, M22). */
  mcp?: McpPort | undefined;
  calendar?: CalendarPort | undefined;
  /** B17: the room's rescheduling; absent in rooms without it. */
  reschedule?: ReschedulePort | undefined;
  /** Y13: the room's SQL, to read which memory offers were dismissed or made; absent, none is refused. */
  sql?: SqlStore | undefined;
};

export function toolHost(deps: ToolHostDeps, turnId: string, requestId: string, day: string): ToolHost {
  const actor = { kind: "assistant" as const, turnId };
  return {
    turnId,
    requestId,
    run: (command) => deps.execute(command, { actor, correlationId: requestId }),
    propose: (tool, command, summary, items = [], ttlMs) => {
      const proposalId = uuidv7();
      // The proposal's row and its event commit together: the state's `proposals` and the ledger never disagree (C15).
      return deps.ledger.transaction(() => {
        const expiresAt = new Date(deps.store.propose(proposalId, turnId, tool, command, summary, deps.now(), items, ttlMs)).toISOString();
        const listed = items.length > 0 ? { items: [...items] } : {};
        deps.ledger.append({ type: "proposal.created", actor, correlationId: requestId, payload: { proposalId, tool, summary, expiresAt, ...listed } });
        return { proposalId, expiresAt };
      });
    },
    tasks: deps.tasks,
    proposePlan: deps.proposePlan,
    ...(deps.reschedule ? { reschedule: (request: RescheduleRequest) => deps.reschedule!(turnId, requestId, request) } : {}),
    // Y5: an expired memory is not the user's any more — no tool reads it (the flight origin, "already known").
    memories: () => liveMemories(deps.ledger.state, deps.now()),
    message: () => {
      const messageId = deps.store.turn(turnId)?.message_id;
      return deps.ledger.state.recentMessages.find((m) => m.id === messageId) ?? null;
    },
    ...(deps.sql ? { memoryRefused: (pin) => refusedOffer({ sql: deps.sql!, now: deps.now }, pin, deps.store.turn(turnId)?.message_id ?? null) } : {}),
    preferences: () => deps.ledger.state.preferences,
    now: () => new Date(deps.now()),
    ...(deps.agenda ? { agenda: deps.agenda } : {}),
    ...(deps.calendars ? { calendars: deps.calendars } : {}),

    mcp: deps.mcp,
    calendar: deps.calendar,
    charge: (tool, cap) => {
      if (toolUses(deps.ledger.state.usage, day, tool) >= cap) return false;
      deps.charge(tool);
      return true;
    },
  };
}
