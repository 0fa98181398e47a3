/**
 * Goals into plans inside the room (docs/PROTOCOL.md B10–B18, B30–B47): the
 * structured proposals the architect and rescheduling make, and the architect
 * runs this room started, built on the room's storage, ledger and chat.
 */
import type { Task } from "../shared/domain.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import { ArchitectRoom } from "./architect/architect-room.ts";
import type { ChatEngine } from "./chat/engine.ts";
import type { Ledger } from "./core/ledger.ts";
import type { ArchitectPort } from "./goals/architect-port.ts";
import { GoalProposals } from "./goals/structured.ts";
import type { RoomPorts } from "./room-ports.ts";

/** B10–B18: plans and moves proposed entry by entry; `busy` is the calendar's timed events in a range. */
export function roomGoalProposals(
  ports: RoomPorts,
  ledger: Ledger,
  hooks: { chat: () => ChatEngine; busy: (from: number, to: number) => { start: string; end: string }[] },
): GoalProposals {
  return new GoalProposals({
    sql: ports.sql,
    doc: ports.doc,
    ledger,
    now: ports.now,
    newId: ports.newId,
    chatStore: () => hooks.chat().store,
    action: (turnId, card) => hooks.chat().announce(turnId, card),
    timeZone: () => ledger.state.preferences.timezone,
    workHours: () => ledger.state.preferences.workHours,
    events: hooks.busy,
  });
}

/** B30–B41: the architect runs, their steps' calls back to the room, and their progress to every device. */
export function roomArchitect(
  ports: RoomPorts,
  ledger: Ledger,
  hooks: { chat: () => ChatEngine; tasks: () => Task[]; broadcast: (frame: ServerFrame) => void; proposals: () => ArchitectPort },
): ArchitectRoom {
  const { userId } = ports;
  return new ArchitectRoom({
    userId,
    sql: ports.sql,
    ledger,
    now: ports.now,
    newId: ports.newId,
    config: ports.config,
    gate: (holder) => hooks.chat().budgetGate(holder),
    tasks: hooks.tasks,
    broadcast: hooks.broadcast,
    proposals: hooks.proposals,
    launch: ports.launchArchitect,
    log: (event, detail) => ports.log("warn", { event, userId, detail }),
  });
}
