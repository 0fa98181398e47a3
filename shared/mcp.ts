/**
 * MCP server wire shapes (docs/PROTOCOL.md M1–M14): what a client sends to add,
 * trust or remove a server, and what the room answers. Secrets (headers, OAuth
 * tokens) are accepted on input only and never appear in an answer.
 */
import { z } from "zod";

export const MAX_MCP_URL_LENGTH = 2_048;
export const MAX_MCP_HEADERS = 8;
/** How many servers one user may add. */
export const MAX_MCP_SERVERS = 20;
/** How many tools of one server the room keeps (the rest are ignored). */
export const MAX_MCP_TOOLS = 64;

/** A namespaced tool name: `<server>__<tool>`, lower case, digits and `_`, at most 64 characters (M3). */
export const McpToolNameSchema = z.string().regex(/^[a-z0-9_]{1,64}$/);

const HeaderName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "a header name (letters, digits, -)");
const HeaderValue = z.string().min(1).max(4_096).regex(/^[\t\x20-\x7e]*$/, "printable ASCII");

/** `POST /api/v1/mcp/servers` (M1). `headers` (e.g. `Authorization: Bearer …`) are stored as secrets (M2). */
export const McpServerInputSchema = z.strictObject({
  url: z.string().min(1).max(MAX_MCP_URL_LENGTH),
  name: z.string().trim().min(1).max(40).optional(),
  headers: z
    .record(HeaderName, HeaderValue)
    .refine((h) => Object.keys(h).length <= MAX_MCP_HEADERS, `at most ${MAX_MCP_HEADERS} headers`)
    .optional(),
});
export type McpServerInput = z.infer<typeof McpServerInputSchema>;

/** `PATCH /api/v1/mcp/servers/:id` (M6): the tools (namespaced or bare names) that run without confirmation. */
export const McpServerPatchSchema = z.strictObject({
  trusted: z.array(z.string().min(1).max(128)).max(MAX_MCP_TOOLS),
});
export type McpServerPatch = z.infer<typeof McpServerPatchSchema>;

/** A server's connection state (M8): `needs_auth` until the user completes OAuth; `unreachable` since `lastSeenAt`. */
export const McpServerStatusSchema = z.enum(["ok", "needs_auth", "unreachable"]);
export type McpServerStatus = z.infer<typeof McpServerStatusSchema>;

export const McpToolSummarySchema = z.strictObject({
  /** Namespaced: `<server>__<tool>`. */
  name: McpToolNameSchema,
  /** The server's annotation `readOnlyHint: true`: runs without confirmation (M5). */
  readOnly: z.boolean(),
  /** Marked trusted by the user: runs without confirmation though not read-only (M6). */
  trusted: z.boolean(),
  /** Optional; the server's own title or description, shortened. */
  title: z.string().optional(),
  /** Uses a day (M10, M11); today's count is the state's `usage.tools[name]`. Optional; older rooms omit it. */
  dailyCap: z.number().int().min(1).optional(),
});
export type McpToolSummary = z.infer<typeof McpToolSummarySchema>;

/** One server as every answer shows it — never its headers or tokens. */
export const McpServerInfoSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  status: McpServerStatusSchema,
  /** When the room last reached it; null before the first success. */
  lastSeenAt: z.string().nullable(),
  tools: z.array(McpToolSummarySchema),
  /** With `status: "needs_auth"`: where the user approves the room (open it in a browser). */
  authorizeUrl: z.string().optional(),
});
export type McpServerInfo = z.infer<typeof McpServerInfoSchema>;

export const McpServerListSchema = z.strictObject({ servers: z.array(McpServerInfoSchema) });
