/**
 * The room's MCP servers in SQL (docs/PROTOCOL.md M2, M7): configs and the
 * cached tool lists in `mcp_servers`, which survive hibernation and restart; the
 * secrets — headers, OAuth client information, tokens, the PKCE verifier and the
 * pending OAuth state — in `mcp_secrets`, a separate table that nothing reads
 * into state, the ledger, a log line or a response.
 */
import { z } from "zod";
import type { McpServerStatus } from "../../shared/mcp.ts";
import { type SqlStore, SqlTables } from "../core/sql.ts";

/** One tool as cached from the server's `tools/list`. */
export const CachedToolSchema = z.object({
  /** Namespaced `<server>__<tool>`. */
  name: z.string(),
  remoteName: z.string(),
  title: z.string(),
  description: z.string(),
  inputSchema: z.looseObject({ type: z.literal("object") }),
  readOnly: z.boolean(),
});
export type CachedTool = z.infer<typeof CachedToolSchema>;

export type ServerRow = {
  id: string;
  name: string;
  /** The namespace of its tools (naming.ts). */
  slug: string;
  url: string;
  status: McpServerStatus;
  lastSeenAt: number | null;
  tools: CachedTool[];
  trusted: string[];
  createdAt: number;
};

/** What only the connection may read. */
export type Secrets = {
  headers: Record<string, string>;
  clientInfo: unknown;
  tokens: unknown;
  codeVerifier: string | null;
  redirectUrl: string | null;
  /** The nonce of the OAuth state the room is waiting for (single use, M13). */
  stateNonce: string | null;
  /** Where the user approves the room, while `needs_auth`. */
  authorizeUrl: string | null;
};

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS mcp_servers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    last_seen_at INTEGER,
    tools TEXT NOT NULL DEFAULT '[]',
    trusted TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS mcp_secrets (
    server_id TEXT PRIMARY KEY,
    headers TEXT NOT NULL DEFAULT '{}',
    client_info TEXT,
    tokens TEXT,
    code_verifier TEXT,
    redirect_url TEXT,
    state_nonce TEXT,
    authorize_url TEXT
  )`,
];

type Row = { id: string; name: string; slug: string; url: string; status: string; last_seen_at: number | null; tools: string; trusted: string; created_at: number };
type SecretRow = {
  headers: string;
  client_info: string | null;
  tokens: string | null;
  code_verifier: string | null;
  redirect_url: string | null;
  state_nonce: string | null;
  authorize_url: string | null;
};

const StatusSchema = z.enum(["ok", "needs_auth", "unreachable"]);
const ToolsSchema = z.array(CachedToolSchema);
const NamesSchema = z.array(z.string());
const HeadersSchema = z.record(z.string(), z.string());

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

function toServer(row: Row): ServerRow {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    url: row.url,
    status: StatusSchema.catch("unreachable").parse(row.status),
    lastSeenAt: row.last_seen_at,
    tools: ToolsSchema.catch([]).parse(parseJson(row.tools)),
    trusted: NamesSchema.catch([]).parse(parseJson(row.trusted)),
    createdAt: row.created_at,
  };
}

export class McpStore extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  list(): ServerRow[] {
    return this.sql.exec<Row>("SELECT * FROM mcp_servers ORDER BY created_at, id").toArray().map(toServer);
  }

  get(id: string): ServerRow | null {
    const row = this.sql.exec<Row>("SELECT * FROM mcp_servers WHERE id = ?", id).toArray()[0];
    return row ? toServer(row) : null;
  }

  insert(server: Omit<ServerRow, "createdAt">, headers: Record<string, string>): void {
    this.sql.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO mcp_servers (id, name, slug, url, status, last_seen_at, tools, trusted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        server.id,
        server.name,
        server.slug,
        server.url,
        server.status,
        server.lastSeenAt,
        JSON.stringify(server.tools),
        JSON.stringify(server.trusted),
        this.now(),
      );
      this.sql.exec("INSERT INTO mcp_secrets (server_id, headers) VALUES (?, ?)", server.id, JSON.stringify(headers));
    });
  }

  /** The connection's outcome: status, when last seen, and the tools when it listed them. */
  update(id: string, patch: { status?: McpServerStatus; lastSeenAt?: number; tools?: CachedTool[]; trusted?: string[] }): void {
    const current = this.get(id);
    if (!current) return;
    this.sql.exec(
      "UPDATE mcp_servers SET status = ?, last_seen_at = ?, tools = ?, trusted = ? WHERE id = ?",
      patch.status ?? current.status,
      patch.lastSeenAt ?? current.lastSeenAt,
      JSON.stringify(patch.tools ?? current.tools),
      JSON.stringify(patch.trusted ?? current.trusted),
      id,
    );
  }

  remove(id: string): boolean {
    return this.sql.transactionSync(() => {
      const existed = this.sql.exec<{ id: string }>("SELECT id FROM mcp_servers WHERE id = ?", id).toArray().length > 0;
      this.sql.exec("DELETE FROM mcp_servers WHERE id = ?", id);
      this.sql.exec("DELETE FROM mcp_secrets WHERE server_id = ?", id);
      return existed;
    });
  }

  secrets(id: string): Secrets {
    const row = this.sql.exec<SecretRow>("SELECT * FROM mcp_secrets WHERE server_id = ?", id).toArray()[0];
    return {
      headers: HeadersSchema.catch({}).parse(parseJson(row?.headers ?? "{}")),
      clientInfo: parseJson(row?.client_info ?? null),
      tokens: parseJson(row?.tokens ?? null),
      codeVerifier: row?.code_verifier ?? null,
      redirectUrl: row?.redirect_url ?? null,
      stateNonce: row?.state_nonce ?? null,
      authorizeUrl: row?.authorize_url ?? null,
    };
  }

  setSecret(id: string, field: "client_info" | "tokens", value: unknown): void;
  setSecret(id: string, field: "code_verifier" | "redirect_url" | "state_nonce" | "authorize_url", value: string | null): void;
  setSecret(id: string, field: "client_info" | "tokens" | "code_verifier" | "redirect_url" | "state_nonce" | "authorize_url", value: unknown): void {
    const stored = field === "client_info" || field === "tokens" ? (value === null ? null : JSON.stringify(value)) : typeof value === "string" ? value : null;
    // The column name comes from the overloads' closed list, never from input.
    this.sql.exec(`UPDATE mcp_secrets SET ${field} = ? WHERE server_id = ?`, stored, id);
  }

  /** Takes the pending OAuth state of `id` if it is `nonce` (M13: single use). */
  takeState(id: string, nonce: string): boolean {
    return this.sql.transactionSync(() => {
      const pending = this.secrets(id).stateNonce;
      if (pending === null || pending !== nonce) return false;
      this.setSecret(id, "state_nonce", null);
      return true;
    });
  }
}
