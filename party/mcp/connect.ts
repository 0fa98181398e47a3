/**
 * One connection to one MCP server (docs/PROTOCOL.md M4, M8): the SDK `Client`
 * with the Workers-safe JSON Schema validator (workerd forbids `eval`, which
 * AJV's compiled validators need), over Streamable HTTP — and, when the server
 * answers the Streamable HTTP initialize with a 4xx, over the older HTTP+SSE
 * transport, as the SDK's documentation describes for backwards compatibility.
 * Every request goes through the room's guarded fetch (G9).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type OAuthClientProvider, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";

/** How long connecting and listing tools may take during an add or a first call. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** How long one tool call may take. */
export const CALL_TIMEOUT_MS = 30_000;

export type ConnectOptions = {
  fetch: FetchLike;
  headers: Record<string, string>;
  /** Absent when the user gave an Authorization header: a static bearer, no OAuth. */
  authProvider?: OAuthClientProvider;
};

export type Connected = { ok: true; client: Client; transport: "streamable-http" | "sse" };
export type NotConnected = { ok: false; reason: "needs_auth" } | { ok: false; reason: "unreachable"; detail: string };

const newClient = () => new Client({ name: "micro-cos", version: "1.0.0" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });

/** The error's class, as a short text for the log (never the server's body). */
const kindOf = (error: unknown) => (error instanceof Error ? `${error.name}${error instanceof StreamableHTTPError && error.code !== undefined ? ` ${error.code}` : ""}` : "error");

export async function connect(url: URL, options: ConnectOptions): Promise<Connected | NotConnected> {
  const requestInit: RequestInit = { headers: options.headers };
  const common = { fetch: options.fetch, requestInit, ...(options.authProvider ? { authProvider: options.authProvider } : {}) };
  const client = newClient();
  try {
    await client.connect(new StreamableHTTPClientTransport(url, common), { timeout: CONNECT_TIMEOUT_MS });
    return { ok: true, client, transport: "streamable-http" };
  } catch (error) {
    await client.close().catch(() => {});
    if (error instanceof UnauthorizedError) return { ok: false, reason: "needs_auth" };
    // Only a 4xx to the initialize POST means "not Streamable HTTP here" (the SDK's fallback rule); anything else is the server being down.
    const fallback = error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500;
    if (!fallback) return { ok: false, reason: "unreachable", detail: kindOf(error) };
  }
  const sse = newClient();
  try {
    await sse.connect(new SSEClientTransport(url, common), { timeout: CONNECT_TIMEOUT_MS });
    return { ok: true, client: sse, transport: "sse" };
  } catch (error) {
    await sse.close().catch(() => {});
    if (error instanceof UnauthorizedError) return { ok: false, reason: "needs_auth" };
    return { ok: false, reason: "unreachable", detail: kindOf(error) };
  }
}

/** Completes an OAuth authorization (M13): exchanges `code` with the stored PKCE verifier; the tokens land in the provider's store. */
export async function finishAuth(url: URL, options: ConnectOptions & { authProvider: OAuthClientProvider }, code: string): Promise<void> {
  const transport = new StreamableHTTPClientTransport(url, { fetch: options.fetch, requestInit: { headers: options.headers }, authProvider: options.authProvider });
  await transport.finishAuth(code);
}
