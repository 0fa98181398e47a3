/**
 * The SDK's `OAuthClientProvider` for one MCP server, backed by the room's SQL
 * (docs/PROTOCOL.md M12, M13): dynamic client registration's answer, the tokens
 * and the PKCE verifier live in `mcp_secrets`, so an authorization survives
 * hibernation and restart. "Redirecting" the user means remembering the
 * authorization URL: the add call answers it (`needs_auth`), and the Settings page
 * opens it.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import {
  type OAuthClientInformationMixed,
  OAuthClientInformationFullSchema,
  OAuthClientInformationSchema,
  type OAuthClientMetadata,
  type OAuthTokens,
  OAuthTokensSchema,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { McpStore } from "./store.ts";

/** Signs a fresh state for this server and returns it with its nonce (oauth-state.ts). */
export type StateSigner = (serverId: string) => Promise<{ state: string; nonce: string }>;

export class RoomOAuthProvider implements OAuthClientProvider {
  #store: McpStore;
  #serverId: string;
  #sign: StateSigner;
  #redirectUrl: string;

  constructor(store: McpStore, serverId: string, redirectUrl: string, sign: StateSigner) {
    this.#store = store;
    this.#serverId = serverId;
    this.#sign = sign;
    this.#redirectUrl = redirectUrl;
  }

  get redirectUrl(): string {
    return this.#redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Micro CoS",
      redirect_uris: [this.#redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A public client: PKCE is its proof (OAuth 2.1); it holds no client secret.
      token_endpoint_auth_method: "none",
    };
  }

  async state(): Promise<string> {
    const { state, nonce } = await this.#sign(this.#serverId);
    this.#store.setSecret(this.#serverId, "state_nonce", nonce);
    return state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    const stored = this.#store.secrets(this.#serverId).clientInfo;
    const full = OAuthClientInformationFullSchema.safeParse(stored);
    if (full.success) return full.data;
    const basic = OAuthClientInformationSchema.safeParse(stored);
    return basic.success ? basic.data : undefined;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#store.setSecret(this.#serverId, "client_info", info);
  }

  tokens(): OAuthTokens | undefined {
    const parsed = OAuthTokensSchema.safeParse(this.#store.secrets(this.#serverId).tokens);
    return parsed.success ? parsed.data : undefined;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#store.setSecret(this.#serverId, "tokens", tokens);
    this.#store.setSecret(this.#serverId, "authorize_url", null);
  }

  redirectToAuthorization(url: URL): void {
    // The URL comes from the server's metadata and becomes a link in Settings: only a web address, never `javascript:` or `data:`.
    if (url.protocol !== "https:" && url.protocol !== "http:") return;
    this.#store.setSecret(this.#serverId, "authorize_url", url.toString());
  }

  saveCodeVerifier(verifier: string): void {
    this.#store.setSecret(this.#serverId, "code_verifier", verifier);
  }

  codeVerifier(): string {
    const verifier = this.#store.secrets(this.#serverId).codeVerifier;
    if (verifier === null) throw new Error("no PKCE verifier stored for this server: the authorization was not started by this room");
    return verifier;
  }

  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "client") this.#store.setSecret(this.#serverId, "client_info", null);
    if (scope === "all" || scope === "tokens") this.#store.setSecret(this.#serverId, "tokens", null);
    if (scope === "all" || scope === "verifier") this.#store.setSecret(this.#serverId, "code_verifier", null);
  }
}
