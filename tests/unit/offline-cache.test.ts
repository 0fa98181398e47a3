/**
 * The last known state kept on the device (docs/PROTOCOL.md W41), in Node over an
 * in-memory localStorage: per user, validated when read back, capped, used only
 * when the request got no answer, and cleared by clearLocalData.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BrainState, BrainStateSchema } from "../../shared/api.ts";
import { ApiError } from "../../web/lib/api.ts";
import { clearLocalData, MAX_CACHED_STATE_CHARS, NoOfflineCopyError, readState, saveState, sessionUser, withOfflineFallback } from "../../web/lib/offline-cache.ts";
import { FakeRoom } from "../support/fake-room.ts";

class MemoryStorage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  key(i: number) {
    return [...this.#items.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.#items.set(key, String(value));
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  clear() {
    this.#items.clear();
  }
}

/** A token whose payload names `sub` (the server verifies tokens; the client only reads the name). */
const tokenFor = (sub: string) => `h.${Buffer.from(JSON.stringify({ sub })).toString("base64url")}.s`;

async function roomState(userId: string): Promise<BrainState> {
  const room = new FakeRoom({ userId });
  const res = await room.room.request(new Request("http://room.test/api/v1/state"), "req-state");
  return BrainStateSchema.parse(await res.json());
}

const message = (i: number, text = `message ${i}`) => ({ id: `m${i}`, role: "user" as const, text, channel: "chat" as const, status: "complete" as const, createdAt: "2026-11-25T10:00:00.000Z" });

describe("Web — the last known state kept offline", () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
    Object.assign(globalThis, { localStorage: storage });
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, "localStorage");
  });

  it("[W41] is read back only for its own user, and only when it parses", async () => {
    const alice = await roomState("alice");
    saveState(alice);
    expect(readState("alice")).toEqual(alice);
    expect(readState("bob")).toBeNull();
    // Alice's copy under Bob's key is still Alice's: never shown to Bob.
    storage.setItem("micro-cos.state.bob", storage.getItem("micro-cos.state.alice")!);
    expect(readState("bob")).toBeNull();
    storage.setItem("micro-cos.state.alice", JSON.stringify({ v: 1, savedAt: "x", state: { ...alice, tasks: "nope" } }));
    expect(readState("alice")).toBeNull();
    storage.setItem("micro-cos.state.alice", "{not json");
    expect(readState("alice")).toBeNull();
  });

  it("[W41] is capped: past the cap only the newest messages are kept, and a state too large even then is not kept", async () => {
    const alice = await roomState("alice");
    const many = { ...alice, recentMessages: Array.from({ length: 3000 }, (_, i) => message(i, `${i} ${"x".repeat(400)}`)) };
    saveState(many);
    const kept = readState("alice");
    expect(kept?.recentMessages.map((m) => m.id)).toEqual(Array.from({ length: 20 }, (_, i) => `m${2980 + i}`));
    expect(storage.getItem("micro-cos.state.alice")!.length).toBeLessThanOrEqual(MAX_CACHED_STATE_CHARS);
    // Even trimmed it would not fit: nothing is kept (the older copy is dropped, not left stale).
    saveState({ ...alice, memories: [], undoneTurns: Array.from({ length: 30_000 }, (_, i) => `turn-${i}-${"y".repeat(30)}`) });
    expect(storage.getItem("micro-cos.state.alice")).toBeNull();
  });

  it("[W41] stands in for the state only when the request got no answer", async () => {
    const alice = await roomState("alice");
    storage.setItem("micro-cos.token", tokenFor("alice"));
    expect(sessionUser()).toBe("alice");
    const offline = () => Promise.reject(new TypeError("Failed to fetch"));
    // No copy yet: a typed error the error view shows, not the raw network error.
    await expect(withOfflineFallback(offline)).rejects.toBeInstanceOf(NoOfflineCopyError);
    saveState(alice);
    await expect(withOfflineFallback(offline)).resolves.toEqual(alice);
    // The server answered (here 503): that answer stands, the copy does not cover it up.
    const refused = new ApiError(503, { code: "internal", message: "down", requestId: "r1" });
    await expect(withOfflineFallback(() => Promise.reject(refused))).rejects.toBe(refused);
    // Signed in as someone else: Alice's copy is not theirs.
    storage.setItem("micro-cos.token", tokenFor("bob"));
    await expect(withOfflineFallback(offline)).rejects.toBeInstanceOf(NoOfflineCopyError);
  });

  it("[W41] clearLocalData removes the user's kept state and outbox, and no one else's", async () => {
    saveState(await roomState("alice"));
    saveState(await roomState("bob"));
    storage.setItem("micro-cos.outbox.alice", "[]");
    const deleted: string[] = [];
    Object.assign(globalThis, {
      indexedDB: {
        deleteDatabase: (name: string) => {
          deleted.push(name);
          const request: { onsuccess?: () => void } = {};
          queueMicrotask(() => request.onsuccess?.());
          return request;
        },
      },
    });
    try {
      await clearLocalData("alice");
    } finally {
      Reflect.deleteProperty(globalThis, "indexedDB");
    }
    expect(storage.getItem("micro-cos.state.alice")).toBeNull();
    expect(storage.getItem("micro-cos.outbox.alice")).toBeNull();
    expect(readState("bob")?.userId).toBe("bob");
    expect(deleted).toEqual(["micro-cos-alice"]);
  });
});
