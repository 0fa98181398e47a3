/**
 * W113, U17: the browser's copy and the room's epoch. A copy of another epoch
 * (the account was erased while this device was away) is discarded — outbox,
 * kept state, document — before the socket opens.
 */
import { describe, expect, it } from "vitest";
import { checkEpoch, discardErased, epochKeyOf } from "../../web/lib/data-epoch.ts";
import { outboxKeyOf, stateKeyOf } from "../../web/lib/local-user.ts";

function memoryStore() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe("web — the room's epoch", () => {
  it("[W113][U17] the first epoch is adopted, the same one passes, another one is an erased account", () => {
    const store = memoryStore();
    expect(checkEpoch(store, "alice", "e1")).toBe("adopted");
    expect(store.map.get(epochKeyOf("alice"))).toBe("e1");
    expect(checkEpoch(store, "alice", "e1")).toBe("same");
    expect(checkEpoch(store, "alice", "e2")).toBe("other");
    // Another user on this browser has their own epoch.
    expect(checkEpoch(store, "bob", "e2")).toBe("adopted");
  });

  it("[W113][U17] discarding drops the outbox, the kept state and the document, and keeps the new epoch; other users' data stays", async () => {
    const store = memoryStore();
    store.setItem(outboxKeyOf("alice"), "[{\"text\":\"queued while offline\"}]");
    store.setItem(stateKeyOf("alice"), "{}");
    store.setItem(outboxKeyOf("bob"), "[]");
    store.setItem(epochKeyOf("alice"), "e1");
    let cleared = 0;
    await discardErased(store, "alice", "e2", async () => void cleared++);
    expect(cleared).toBe(1);
    expect([...store.map.keys()].sort()).toEqual([epochKeyOf("alice"), outboxKeyOf("bob")].sort());
    expect(checkEpoch(store, "alice", "e2")).toBe("same");
  });
});
