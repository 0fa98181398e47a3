/**
 * A proposal whose effect leaves the room (docs/PROTOCOL.md C8, M6): a call of
 * a tool on an outside server (MCP). It is stored in the proposal's `command`
 * column like a command, but never goes through the command path: on
 * confirmation the room hands it to its outward port, which calls the server
 * asynchronously and reports the outcome as a card.
 */
import { z } from "zod";
import type { ActionCardFrame } from "../../shared/chat.ts";
import type { Actor } from "../../shared/domain.ts";

export const ExternalCallSchema = z.strictObject({
  kind: z.literal("external"),
  /** The namespaced tool (`<server>__<tool>`). */
  tool: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()),
});
export type ExternalCall = z.infer<typeof ExternalCallSchema>;

/** What the room does with a confirmed external call: starts it (async), and reports its outcome as a card under `cardId` with `report`. */
export type OutwardPort = (call: ExternalCall, ctx: { actor: Actor; turnId: string; requestId: string; cardId: string; report: (card: ActionCardFrame) => void }) => void;

/** The stored command as an external call, or null for a room command. */
export function externalCallOf(stored: string): ExternalCall | null {
  try {
    const parsed = ExternalCallSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
