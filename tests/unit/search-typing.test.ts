/**
 * Notes typed on a device through Yjs reach the search index whole (docs/PROTOCOL.md Q19): the
 * device's edits make one `note.updated` per 30 s on the leading edge, so the index re-reads a note
 * DEBOUNCE_MS after its last document change, and checks the document against the index on wake.
 * Real room core (FakeRoom), Yjs updates with the device's socket as origin.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { NOTES } from "../../shared/doc-schema.ts";
import { DEBOUNCE_MS } from "../../party/search/indexer.ts";
import { FakeRoom } from "../support/fake-room.ts";

async function http(room: FakeRoom, method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, headers: body === undefined ? {} : { "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${path}`);
  return { status: res.status, body: (await res.json()) as { id?: string; results?: { id: string; kind: string }[] } };
}

/** A note created over HTTP, then typed word by word on a device, one Yjs update per word, a second apart. */
async function typed(room: FakeRoom, words: string[]) {
  const socket = room.connect();
  socket.hello("laptop");
  room.flush();
  const created = await http(room, "POST", "/api/v1/notes", { action: "create", note: { title: "Packing", body: "" } });
  expect(created.status).toBe(201);
  const id = created.body.id!;
  room.flush();
  const device = new Y.Doc();
  Y.applyUpdate(device, Y.encodeStateAsUpdate(room.doc));
  for (const word of words) {
    const before = Y.encodeStateVector(device);
    const text = (device.getMap(NOTES).get(id) as Y.Map<unknown>).get("body") as Y.Text;
    text.insert(text.length, word);
    socket.sendUpdate(Y.encodeStateAsUpdate(device, before));
    room.clock += 1000;
    room.flush();
    // A second between words: the scheduled index steps run (and the debounce restarts).
    vi.advanceTimersByTime(0);
  }
  return id;
}

const indexedBody = (room: FakeRoom, id: string) =>
  room.sql.exec<{ body: string }>("SELECT body FROM search_docs WHERE kind = 'note' AND ref_id = ?", id).toArray()[0]?.body;

const WORDS = ["bring ", "the ", "blue ", "suit ", "and ", "passport"];

describe("search: notes typed through Yjs (Q19)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("[Q19] a note typed over six updates is indexed whole DEBOUNCE_MS after the last keystroke, with no event and no search", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const room = new FakeRoom();
    vi.advanceTimersByTime(0); // the wake-up check of an empty room
    const id = await typed(room, WORDS);
    // The scheduled steps indexed the events: the leading-edge note.updated saw the first word only.
    expect(indexedBody(room, id)).toBe("bring ");
    vi.advanceTimersByTime(DEBOUNCE_MS - 1);
    expect(indexedBody(room, id)).toBe("bring ");
    vi.advanceTimersByTime(1);
    expect(indexedBody(room, id)).toBe("bring the blue suit and passport");
    const found = await http(room, "GET", "/api/v1/search?q=passport");
    expect(found.body.results!.map((r) => [r.kind, r.id])).toEqual([["note", id]]);
  });

  it("[Q19] a search before the debounce fires finds the last words typed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const room = new FakeRoom();
    const id = await typed(room, WORDS);
    const found = await http(room, "GET", "/api/v1/search?q=passport");
    expect(found.body.results!.map((r) => r.id)).toEqual([id]);
  });

  it("[Q19] evicted before the debounce fires: on wake the note is read again from the document and found", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const room = new FakeRoom();
    const id = await typed(room, WORDS);
    // Eviction: the timers of the old object never run; a new room core opens the same storage.
    vi.clearAllTimers();
    expect(indexedBody(room, id) ?? "").not.toContain("passport");
    const woken = new FakeRoom({ sql: room.sql, now: room.clock });
    vi.advanceTimersByTime(0);
    expect(indexedBody(woken, id)).toBe("bring the blue suit and passport");
    const found = await http(woken, "GET", "/api/v1/search?q=passport");
    expect(found.body.results!.map((r) => r.id)).toEqual([id]);
  });
});
