/**
 * The room's epoch on this browser (docs/PROTOCOL.md U17, W113): which life of
 * the account this browser's local copy (IndexedDB document, outbox, cached
 * state) belongs to. The socket ticket names the room's epoch; a copy of
 * another epoch is of an erased account and is discarded before the socket
 * opens, so a device that was offline during the deletion never syncs it back.
 */
import type { QueryClient } from "@tanstack/react-query";
import { signOut } from "./account.ts";
import { outboxKeyOf, stateKeyOf } from "./local-user.ts";

type KeyStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export const epochKeyOf = (userId: string): string => `micro-cos.epoch.${userId}`;

/**
 * `same`: the local copy is of this epoch; `adopted`: none was known (first
 * connect on this browser, or the copy predates epochs) and `epoch` is kept
 * from now on; `other`: the local copy is of an erased account.
 */
export function checkEpoch(store: KeyStore, userId: string, epoch: string): "same" | "adopted" | "other" {
  const known = store.getItem(epochKeyOf(userId));
  if (known === epoch) return "same";
  if (known === null) {
    store.setItem(epochKeyOf(userId), epoch);
    return "adopted";
  }
  return "other";
}

/**
 * Drops the local copy of an erased account: the IndexedDB document (through its open
 * persistence, so the delete is not blocked), the kept state and the outbox; then keeps the
 * new epoch. The caller reloads the page: the document in memory still holds the old data.
 */
export async function discardErased(store: KeyStore, userId: string, epoch: string, clearDocument: () => Promise<void>): Promise<void> {
  store.removeItem(outboxKeyOf(userId));
  store.removeItem(stateKeyOf(userId));
  await clearDocument();
  store.setItem(epochKeyOf(userId), epoch);
}

/** W113: signing out after the deletion happens once, whether the confirm's answer or the socket's 4410 comes first. */
let signingOut: Promise<void> | null = null;
export function signOutOnce(queryClient: QueryClient, leave: () => Promise<void>): Promise<void> {
  signingOut ??= signOut(queryClient, leave).finally(() => {
    signingOut = null;
  });
  return signingOut;
}
