/**
 * What the room core needs from its host (DESIGN.md §1, STYLE.md 3): the
 * Durable Object (party/brain.ts) provides these from the platform; tests in
 * Node provide them from node:sqlite and fake sockets.
 */
import type * as Y from "yjs";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ArchitectParams } from "./architect/calls.ts";
import type { RoomConfig } from "./config.ts";
import type { Client } from "./core/sockets.ts";
import type { SqlStore } from "./core/sql.ts";
import type { Level, LogFields } from "./log.ts";
import type { PushPort } from "./push/sender.ts";
import type { CalendarPort } from "./schedule/calendar-port.ts";
import type { VoiceProviders } from "./voice/types.ts";

/** Everything the room needs from its host, and nothing more. */
export type RoomPorts = {
  /** The user this room belongs to (the Durable Object's name). */
  userId: string;
  sql: SqlStore;
  /** The live document; the host's sync protocol applies device updates to it. */
  doc: Y.Doc;
  /** The room's clock. Tests pass a fixed one (S11). */
  now: () => number;
  /** The sockets connected now, as Clients; the host caches the list between connects and closes. */
  clients: () => readonly Client[];
  /** The socket behind a Yjs transaction origin (a device edit), if it is still connected. */
  clientOf: (origin: unknown) => Client | null;
  /** Sets the room's one alarm (S2). */
  setAlarm: (at: number) => void;
  log: (level: Level, fields: LogFields) => void;
  /** An invariant broke mid-write: memory may not match storage; the host restarts the room from storage. */
  abort: (reason: string) => void;
  /** A fresh request id (uuid v7). */
  newId: () => string;
  /** Issues a signed, single-use socket ticket for this user (A3, A7); the host redeems it before the upgrade. */
  issueTicket: () => Promise<{ ticket: string; expiresAt: string }>;
  config: RoomConfig;
  /**
   * Sends one Web Push message (N13–N14): the host's fetch, kept alive until it answers.
   * Absent (or push not configured): nothing is pushed and routing sees no subscription.
   */
  push?: PushPort;
  /** Calendars standing in for the room's own store (tests with a fake, K20–K29); the store's when absent. */
  calendar?: CalendarPort;
  /** K4: the network for calendar syncs and writes (the host's fetch); absent, syncs fail as offline. */
  fetch?: typeof fetch;
  /** Keeps work started by a request alive past its answer (a "Sync now"). */
  waitUntil?: (work: Promise<unknown>) => void;
  /** MCP servers' network (M4, M13): the platform's fetch, the OAuth state key, and keeping a confirmed call alive. Absent: no MCP. */
  mcp?: McpPort;
  /** B30: creates an architect workflow instance (the Durable Object's Workflow binding); absent, the architect is unavailable. */
  launchArchitect?: (params: ArchitectParams) => Promise<void>;
  /**
   * U14: erases the room: every socket closed with `CLOSE_CODES.accountDeleted`, the alarm and every row of
   * storage deleted, then the object restarts empty. Runs after the call returns; absent, accounts cannot be deleted.
   */
  deleteStorage?: () => void;
  /** V6–V10: speech-to-text and speech, read per job (a test may give its room fakes); absent, server voice is off. */
  voice?: () => VoiceProviders;
};

export type McpPort = {
  fetch: FetchLike;
  stateKey: () => Promise<CryptoKey>;
  /** Keeps work started by a hook alive after it returns (the DO's `ctx.waitUntil`). */
  waitUntil: (work: Promise<unknown>) => void;
};
