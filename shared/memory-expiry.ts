/**
 * When a memory is forgotten (docs/PROTOCOL.md Y5): pure, shared by the room
 * (not given to the model, unpinned by maintenance) and the memory view
 * (hidden until the room unpins it), so the web bundle needs no server code.
 */
import type { Memory } from "./domain.ts";

/** Y5: a memory at or past its `expiresAt` is no longer the user's. */
export const isExpired = (m: Pick<Memory, "expiresAt">, now: number): boolean => m.expiresAt !== undefined && Date.parse(m.expiresAt) <= now;
