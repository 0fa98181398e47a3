/**
 * What the chat engine of a room is lent (docs/PROTOCOL.md C1–C14): storage,
 * the ledger, the clock, the command path, the user's tasks and notes, the
 * model, its limits, and where its frames and logs go.
 */
import type { LanguageModel } from "ai";
import type { LlmFrame } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import type { AgendaItem } from "../../shared/agenda.ts";
import type { CalendarPort as RoomCalendarPort, CalendarSourceName } from "../schedule/calendar-port.ts";
import type { Note, Plan, Task } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { OutwardPort } from "./external-call.ts";
import type { ToolEntry, ToolRegistry } from "./registry.ts";
import type { CalendarPort, McpPort } from "./world-ports.ts";
import type { ReschedulePort, StructuredProposals } from "./structured-port.ts";
import type { ContextItems } from "./context-items.ts";

export type ChatLimits = {
  messagesPerMinute: number;
  dailyTokens: number;
  toolDailyCap: number;
  /** The most tokens one model call may write: part of the bound each call reserves from `dailyTokens` (C13). */
  maxOutputTokens: number;
};

export type ChatDeps = {
  userId: string;
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  limits: ChatLimits;
  /** The model for a turn; the time zone and the turn's tools let the offline assistant read dates and phrases. */
  model: (options: { timeZone: string; tools: () => readonly ToolEntry[] }) => LanguageModel;
  /** The assistant's tools, read every turn; the built-in ones when absent. */
  tools?: ToolRegistry;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  tasks: () => Task[];
  notes: () => Note[];
  /**
   * R33: the open tasks and pointed-at entries a turn's context shows, read
   * without validating the whole document (party/chat/context-items.ts).
   * Absent: `tasks()` and `notes()` are read whole and filtered.
   */
  contextItems?: (contextIds: string[]) => Pick<ContextItems, "open" | "pointed">;
  /** Sends a turn frame to every device of the user. */
  broadcast: (frame: LlmFrame) => void;
  /** S6: builds, stores and announces today's plan ("plan my day" in chat). */
  proposePlan: () => Promise<Result<Plan>>;
  /** K20: the merged agenda over [from, to) epoch ms; the tools list only tasks without it. */
  agenda?: (from: number, to: number) => AgendaItem[];
  /** K24, K27: the calendar sources by name, and which can be written to. */
  calendars?: () => readonly CalendarSourceName[];
  /** K28: where a confirmed calendar write goes. */
  calendarWriter?: RoomCalendarPort["writer"];
  /** Keeps a confirmed calendar write alive past the frame that confirmed it (`ctx.waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
  /** U14: the host's erase of the whole room, run when the user confirms deleting their account. */
  deleteAccount?: () => void;

  /** Where confirmed external calls (MCP tools, M6) go; absent, they cannot be confirmed. */
  outward?: OutwardPort;
  /** B11: proposals confirmed entry by entry; absent, there are none. */
  structured?: StructuredProposals;
  /** B17: moves blocks ("I missed today's run"); absent, the tool says there is no timeline. */
  reschedule?: ReschedulePort;
  /** Called when a turn ends (S8: tell the device in use if the user was elsewhere). */
  onTurnEnd?: (turn: { turnId: string; status: "completed" | "interrupted" | "failed"; text: string }) => void;
  /** The MCP hub (party/mcp/hub.ts) the tools may call (M20); absent without one. */
  mcp?: McpPort;
  /** The user's calendar (`room.calendar`), for the flights rule's conflicts (M22); absent without one. */
  calendar?: CalendarPort;
  /** Tells the ledger's listeners about an event appended outside the command path. */
  log: (event: string, fields: { requestId?: string; detail?: string; durationMs?: number }) => void;
};
