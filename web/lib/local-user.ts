/**
 * The signed-in user as this browser knows it, and the names of that user's
 * local stores (W33, W41). The token was verified by the server when it was
 * issued and on every call; here its `sub` is only read — to name the user on
 * screen and to keep each user's local data (document, outbox, last known
 * state) apart on a shared browser. One reader for every module that needs it.
 */
import { z } from "zod";
import { session } from "./api.ts";

const TokenClaimsSchema = z.object({ sub: z.string().min(1).max(256).optional(), name: z.string().max(256).optional() });

export type Account = { userId: string; name: string };

/** The user inside a token (its `sub`, and `name` when the identity provider sets one); null for a token that does not parse. */
export function accountOf(token: string): Account | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    // base64url → bytes → UTF-8 (atob alone gives bytes as Latin-1: "José" would read "JosÃ©").
    const bytes = Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const claims = TokenClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!claims.success || !claims.data.sub) return null;
    return { userId: claims.data.sub, name: claims.data.name ?? claims.data.sub };
  } catch {
    return null;
  }
}

/** The signed-in user, or null (no token, or one without a `sub`). */
export const signedIn = (): Account | null => (session.token ? accountOf(session.token) : null);

/** The y-indexeddb database holding a user's task/note document. */
export const localDatabaseOf = (userId: string): string => `micro-cos-${userId}`;

/** The outbox of a user's unsent chat messages (localStorage): a message queued by Alice is never sent as Bob. */
export const outboxKeyOf = (userId: string): string => `micro-cos.outbox.${userId}`;

/** The last known state kept for a user (localStorage, W41). */
export const stateKeyOf = (userId: string): string => `micro-cos.state.${userId}`;
