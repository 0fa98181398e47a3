/**
 * The room's MCP hub (docs/PROTOCOL.md M1–M14): the one place the room meets
 * MCP servers. It keeps the servers' configs and tool lists in SQL (so they
 * survive hibernation and restart, M7), connects lazily on a tool's first call,
 * applies policy by annotations (M5, M6), caps each tool per day (M10, M11),
 * and hands outside output back capped, as data (M9).
 *
 * The chat reads `tools()` every turn and calls `call()`; the HTTP routes and
 * the OAuth callback use the management half.
 */
import type { Actor } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { McpServerInfo, McpServerInput } from "../../shared/mcp.ts";

/** A JSON Schema object as a server declares a tool's input (`type: "object"`). */
export type JsonSchemaObject = { type: "object"; properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;

/** One tool of one server as the chat sees it (M3). */
export type McpToolInfo = {
  /** `<server>__<tool>`: [a-z0-9_], at most 64 characters. */
  name: string;
  serverId: string;
  /** The tool's own name on its server. */
  remoteName: string;
  title: string;
  description: string;
  inputSchema: JsonSchemaObject;
  /** `readOnlyHint: true` (M5). */
  readOnly: boolean;
  /** Marked trusted by the user (M6). */
  trusted: boolean;
};

/** Who calls and under which request (for `tool.used`'s attribution and the log). */
export type McpCallContext = { actor: Actor; correlationId: string; clientActionId?: string | undefined };

/** A call's output (M9): `content` is the text, capped; `structured` is the server's `structuredContent` when it parsed as JSON within the cap. */
export type McpCallOutput = { content: string; structured?: unknown };

/** What `add` answers: the server, and where the user approves the room when it needs OAuth. */
export type McpAdded = McpServerInfo;

export interface McpHub {
  /** The tools of every server, from the SQL cache (no network). */
  tools(): McpToolInfo[];
  /**
   * Calls a tool now, after validating `args` against its schema and charging
   * its daily cap. Policy (proposal or not) is the caller's: the chat asks
   * `needsConfirmation(name)` first. Failures are values (a dead server:
   * `unavailable`), never throws.
   */
  call(name: string, args: unknown, ctx: McpCallContext): Promise<Result<McpCallOutput>>;
  /** The arguments, validated against the tool's input schema (M4), or why not. */
  check(name: string, args: unknown): Result<Record<string, unknown>>;
  /** True unless the tool is read-only or trusted (M5, M6). */
  needsConfirmation(name: string): boolean;
  servers(): McpServerInfo[];
  /** Connects and lists tools during the call (M1); `callbackUrl` is where an OAuth server sends the user back (M13). */
  add(input: McpServerInput, ctx: McpCallContext, callbackUrl: string): Promise<Result<McpAdded>>;
  remove(id: string, ctx: McpCallContext): Result<void>;
  setTrusted(id: string, tools: readonly string[], ctx: McpCallContext): Result<McpServerInfo>;
  /** The OAuth redirect came back (M13): `state` names the server and is single use. */
  finishAuth(state: string, code: string, ctx: McpCallContext): Promise<Result<McpServerInfo>>;
}
