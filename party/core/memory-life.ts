/**
 * A memory's life after it is pinned (docs/PROTOCOL.md Y2, Y4, Y5): where it
 * came from, when a turn last used it, and when it expires. Pure over the
 * projection, plus the two appends the room makes on its own: one
 * `memory.used` per turn at most, and `memory.unpinned {reason: "expired"}`.
 */
import { v7 as uuidv7 } from "uuid";
import type { MemoryPin } from "../../shared/commands.ts";
import type { Actor, Memory, MemorySource } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { isExpired } from "../../shared/memory-expiry.ts";
import type { Ledger } from "./ledger.ts";
import { memoriesOf, memorySlot, type Projection } from "./projections.ts";

/** Y4: a memory used again within this long is not recorded again (the ledger does not grow per turn). */
export const USED_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Y5: a memory past its `expiresAt` is no longer the user's: not given to the model, unpinned by the next maintenance (shared/memory-expiry.ts). */
export { isExpired };

/** The memories a turn may give the model at `now` (Y5). */
export const liveMemories = (state: Projection, now: number): Memory[] => memoriesOf(state).filter((m) => !isExpired(m, now));

/** Y2: the source a pin gets when the command names none — the user by hand, or the assistant's turn. */
export function sourceOf(actor: Actor): MemorySource {
  if (actor.kind === "assistant") return { kind: "turn", turnId: actor.turnId };
  return { kind: "user", ...(actor.kind === "user" && actor.deviceId ? { deviceId: actor.deviceId } : {}) };
}

/**
 * The memory a `memory.pin` makes (Y2, Y5). The same slot again replaces the
 * value under the same id, keeps when it was last used, keeps its source when
 * the value did not change and no new one is given (a change of expiry from the
 * memory view is not a new origin), and keeps its expiry unless the pin sets one.
 */
export function pinnedMemory(state: Projection, pin: MemoryPin, source: MemorySource | undefined, actor: Actor, now: number): Result<Memory> {
  if (pin.expiresAt !== undefined && pin.ttlDays !== undefined) return fail("invalid_request", "give expiresAt or ttlDays, not both");
  const at = new Date(now).toISOString();
  const { type, key, value } = pin;
  const existing = state.memories[memorySlot({ type, key })];
  const expiry = pin.ttlDays !== undefined ? new Date(now + pin.ttlDays * DAY_MS).toISOString() : pin.expiresAt;
  if (expiry && Date.parse(expiry) <= now) return fail("invalid_request", "expiresAt is in the past");
  const kept = existing && existing.value === value && !source ? existing.source : undefined;
  const origin = source ?? kept ?? sourceOf(actor);
  const expiresAt = expiry === undefined ? existing?.expiresAt : (expiry ?? undefined);
  const memory: Memory = {
    id: existing?.id ?? uuidv7(),
    type,
    // The slot ignores case: a re-pin as "airport" keeps the memory's "Airport".
    key: existing?.key ?? key,
    value,
    pinnedAt: existing?.pinnedAt ?? at,
    updatedAt: at,
    source: origin,
    ...(expiresAt ? { expiresAt } : {}),
    ...(existing?.lastUsedAt ? { lastUsedAt: existing.lastUsedAt } : {}),
  };
  return ok(memory);
}

/** Y4: the memories of `given` whose use is worth recording now: never used, or last used over an hour ago. */
export function staleUses(given: readonly Memory[], now: number): string[] {
  return given.filter((m) => !m.lastUsedAt || now - Date.parse(m.lastUsedAt) >= USED_EVERY_MS).map((m) => m.id);
}

/** Y4: one `memory.used` for the memories a turn gave the model, when any of them is due; nothing otherwise. */
export function recordUse(ledger: Ledger, given: readonly Memory[], turnId: string, now: number, correlationId: string): number {
  const memoryIds = staleUses(given, now);
  if (memoryIds.length === 0) return 0;
  ledger.append({ type: "memory.used", actor: { kind: "system" }, correlationId, payload: { memoryIds, at: new Date(now).toISOString(), turnId } });
  return memoryIds.length;
}

/** Y5: unpins every expired memory, each with `reason: "expired"`, in one transaction; how many. */
export function expireMemories(ledger: Ledger, now: number): number {
  const expired = memoriesOf(ledger.state).filter((m) => isExpired(m, now));
  if (expired.length === 0) return 0;
  const correlationId = uuidv7();
  ledger.transaction(() => {
    for (const m of expired) {
      ledger.append({ type: "memory.unpinned", actor: { kind: "system" }, correlationId, payload: { memoryId: m.id, slot: memorySlot(m), reason: "expired" } });
    }
  });
  return expired.length;
}
