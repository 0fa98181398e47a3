/**
 * The thread view's plain helpers and its HTTP calls (docs/PROTOCOL.md W90,
 * W92–W94): a thread deleted elsewhere, one empty "New chat", branch choices
 * kept over a reload, the regenerate frame, idempotency keys on every write.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../../shared/conversations.ts";
import { ClientFrameSchema } from "../../shared/protocol.ts";
import { isGone, oneEmptyNewChat, readChoices, regenerateFrame, withCreated, writeChoices } from "../../web/components/chat/threads.ts";
import { conversationsApi } from "../../web/lib/conversations-api.ts";

const at = (minute: number) => `2026-12-01T09:${String(minute).padStart(2, "0")}:00.000Z`;
const conversation = (id: string, title: string, created: number, updated = created, archived = false): Conversation => ({ id, title, createdAt: at(created), updatedAt: at(updated), archived });

/** A Storage in memory (sessionStorage in the browser). */
function memoryStorage() {
  const store = new Map<string, string>();
  return {
    store,
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
}

describe("Web — threads (plain helpers)", () => {
  it("[W90] a thread not in the state's conversations is gone (deleted elsewhere); main never is", () => {
    const work = conversation("c-work", "work", 1);
    expect(isGone("c-work", [work])).toBe(false);
    expect(isGone("c-trip", [work])).toBe(true);
    expect(isGone("main", [])).toBe(false);
  });

  it("[W90] a thread created here is listed before its event, once, in the list order", () => {
    const work = conversation("c-work", "work", 1, 5);
    const made = conversation("c-new", "New chat", 9);
    expect(withCreated([work], made).map((c) => c.id)).toEqual(["c-new", "c-work"]);
    // The room handed back one already listed (its event came first): listed once, the listed one kept.
    const renamed = { ...made, title: "renamed" };
    expect(withCreated([work, renamed], made)).toEqual([renamed, work]);
    expect(withCreated(undefined, made)).toEqual([made]);
  });

  it("[W90] untitled threads without messages are listed once: the newest, or the one on screen", () => {
    const list = [conversation("c-e2", "New chat", 8), conversation("c-e1", "New chat", 3), conversation("c-used", "New chat", 2, 6), conversation("c-msg", "New chat", 1), conversation("c-work", "work", 0)];
    const hasMessages = (id: string) => id === "c-msg";
    expect(oneEmptyNewChat(list, "main", hasMessages).map((c) => c.id)).toEqual(["c-e2", "c-used", "c-msg", "c-work"]);
    expect(oneEmptyNewChat(list, "c-e1", hasMessages).map((c) => c.id)).toEqual(["c-e1", "c-used", "c-msg", "c-work"]);
    // One empty one: nothing hidden.
    expect(oneEmptyNewChat(list.slice(1), "main", hasMessages)).toEqual(list.slice(1));
  });

  it("[W92] the chosen sibling per fork is kept per thread over a reload; bad or foreign values read as none", () => {
    const storage = memoryStorage();
    writeChoices(storage, "c-work", new Map([["root", "m-2"], ["reply:m-2", "a-1"], ["reply:m-3", ""]]));
    expect(readChoices(storage, "c-work")).toEqual(new Map([["root", "m-2"], ["reply:m-2", "a-1"]]));
    expect(readChoices(storage, "c-trip")).toEqual(new Map());
    // Back to the newest everywhere: the key goes.
    writeChoices(storage, "c-work", new Map([["root", ""]]));
    expect([...storage.store.keys()]).toEqual([]);
    for (const raw of ["not json", '{"root":"m-1"}', '[["root", 42]]', JSON.stringify([["k", "x".repeat(500)]])]) {
      storage.setItem("micro-cos:branch-choices:c-bad", raw);
      expect(readChoices(storage, "c-bad")).toEqual(new Map());
    }
    // Capped: the latest choices win.
    writeChoices(storage, "c-many", new Map(Array.from({ length: 300 }, (_, i) => [`next:m-${i}`, `m-${i + 1}`])));
    const kept = readChoices(storage, "c-many");
    expect(kept.size).toBe(200);
    expect(kept.get("next:m-299")).toBe("m-300");
    // Storage refused (private mode): no throw.
    const refusing = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); }, removeItem: () => { throw new Error("denied"); } };
    expect(() => writeChoices(refusing, "c", new Map([["root", "m"]]))).not.toThrow();
    expect(readChoices(refusing, "c")).toEqual(new Map());
    expect(readChoices(undefined, "c")).toEqual(new Map());
  });

  it("[W93] regenerate rides the socket as a message.regenerate frame the room accepts, its rid the client action id", () => {
    const frame = regenerateFrame("m-1", "web-abcdef12");
    expect(frame).toEqual({ type: "message.regenerate", rid: "web-abcdef12", command: { messageId: "m-1", clientActionId: "web-abcdef12" } });
    expect(ClientFrameSchema.safeParse(frame).success).toBe(true);
  });
});

describe("Web — thread writes carry an Idempotency-Key", () => {
  const seen: { method: string; key: string | null; body: unknown }[] = [];
  beforeEach(() => {
    seen.length = 0;
    vi.stubGlobal("localStorage", memoryStorage());
    vi.stubGlobal("location", { assign: vi.fn() });
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_path: string, init: RequestInit) => {
        const headers = new Headers(init.headers);
        seen.push({ method: init.method ?? "GET", key: headers.get("idempotency-key"), body: init.body ? JSON.parse(String(init.body)) : undefined });
        const body = init.method === "DELETE" ? { deleted: true } : conversation("c-1", "New chat", 1);
        return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it("[W94] delete sends an Idempotency-Key (a retried delete is applied once); create and patch send one even when not given", async () => {
    await conversationsApi.remove("c-1");
    await conversationsApi.remove("c-1", "web-fixed");
    await conversationsApi.create({});
    await conversationsApi.patch("c-1", { title: "work" });
    await conversationsApi.patch("c-1", { archived: true, clientActionId: "web-given" });
    expect(seen.map((s) => s.method)).toEqual(["DELETE", "DELETE", "POST", "PATCH", "PATCH"]);
    for (const s of seen) expect(s.key).toMatch(/^web-/);
    expect(seen[1]!.key).toBe("web-fixed");
    // The body's clientActionId is the same key (H7: the room merges them).
    expect(seen[2]!.body).toEqual({ clientActionId: seen[2]!.key });
    expect(seen[3]!.body).toEqual({ title: "work", clientActionId: seen[3]!.key });
    expect(seen[4]).toEqual({ method: "PATCH", key: "web-given", body: { archived: true, clientActionId: "web-given" } });
    // Two deletes asked separately are two actions.
    expect(seen[0]!.key).not.toBe(seen[1]!.key);
  });
});
