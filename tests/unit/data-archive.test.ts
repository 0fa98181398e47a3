/**
 * The account archive in Node (docs/PROTOCOL.md U1–U12): the caps before
 * anything is inflated, the Markdown of branched chats, and a room at its
 * limits (100k events, 10k tasks) exported and imported through the room's
 * own HTTP routes — with its size and time printed (U4; never gated on ms).
 */
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readBlocks, readNotes, readTasks } from "../../shared/doc-schema.ts";
import type { Message } from "../../shared/domain.ts";
import { slug } from "../../shared/export.ts";
import { chatMarkdown } from "../../party/data/export.ts";
import { readArchive, readZipBody } from "../../party/data/import.ts";
import { FakeRoom } from "../support/fake-room.ts";
import { BIG_ROOM, seedRoom } from "../support/seed-history.ts";

const LIMITS = { compressedBytes: 1024 * 1024, uncompressedBytes: 1024 * 1024, entries: 10 };

const msg = (id: string, role: Message["role"], text: string, parentId: string | null, extra: Partial<Message> = {}): Message => ({
  id,
  role,
  text,
  channel: "chat",
  status: "complete",
  createdAt: `2026-11-25T10:00:0${id.length % 10}.000Z`,
  parentId,
  ...extra,
});

describe("your data — the archive", () => {
  it("[U6] a zip bomb is refused 413 from the zip's directory, before anything is inflated", () => {
    // 4 MiB of zeros deflate to a few KiB: small on the wire, large once inflated.
    const bomb = zipSync({ "export.json": new Uint8Array(4 * 1024 * 1024) });
    expect(bomb.byteLength).toBeLessThan(LIMITS.compressedBytes);
    expect(readArchive(bomb, LIMITS)).toEqual({ ok: false, error: { code: "too_large", message: expect.stringContaining("inflates to more than") } });
    const many = zipSync(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`notes/${i}.md`, strToU8("x")])));
    expect(readArchive(many, LIMITS)).toEqual({ ok: false, error: { code: "too_large", message: expect.stringContaining("more than 10 entries") } });
  });

  it("[U6][U7] no export.json, not JSON, not the schema, not a zip: 400 typed", () => {
    const code = (zip: Uint8Array) => {
      const r = readArchive(zip, LIMITS);
      return r.ok ? "ok" : `${r.error.code}: ${r.error.message}`;
    };
    expect(code(zipSync({ "notes/a.md": strToU8("# a") }))).toMatch(/^invalid_request: the archive has no export.json/);
    expect(code(zipSync({ "export.json": strToU8("{not json") }))).toMatch(/^invalid_request: export.json is not JSON/);
    expect(code(zipSync({ "export.json": strToU8(JSON.stringify({ format: "other" })) }))).toMatch(/^invalid_request: export.json: /);
    expect(code(strToU8("PK but not really"))).toMatch(/^invalid_request: the body is not a zip archive/);
  });

  it("[U6] the upload is refused 413 from its Content-Length, or once the bytes read pass the cap", async () => {
    const declared = new Request("https://x/api/v1/import", { method: "POST", headers: { "content-type": "application/zip", "content-length": "2000" }, body: new Uint8Array(10) });
    expect(await readZipBody(declared, 1000)).toMatchObject({ ok: false, error: { code: "too_large" } });
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(300));
        c.close();
      },
    });
    const streamed = new Request("https://x/api/v1/import", { method: "POST", headers: { "content-type": "application/zip" }, body: chunks, duplex: "half" } as RequestInit);
    expect(await readZipBody(streamed, 1000)).toMatchObject({ ok: false, error: { code: "too_large" } });
    const json = new Request("https://x/api/v1/import", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await readZipBody(json, 1000)).toMatchObject({ ok: false, error: { code: "invalid_request" } });
  });

  it("[U3] a chat's Markdown marks every branch: the edited question and both replies stay", () => {
    const messages = [
      msg("q1", "user", "Where should we stay?", null),
      msg("a1", "assistant", "The Grand.", "q1"),
      msg("q2", "user", "Where should we stay in Rome?", null, { editOf: "q1" }),
      msg("a2", "assistant", "Hotel Artemide.", "q2"),
      msg("a3", "assistant", "Hotel Quirinale.", "q2"),
    ];
    const md = chatMarkdown("Trip", messages, "UTC");
    expect(md.startsWith("# Trip\n")).toBe(true);
    expect(md).toMatch(/## You — .* · branch 1 of 2\n\nWhere should we stay\?/);
    expect(md).toMatch(/## You — .* · branch 2 of 2 \(edited\)\n\nWhere should we stay in Rome\?/);
    expect(md).toMatch(/## Assistant — .* · branch 1 of 2\n\nHotel Artemide\./);
    expect(md).toMatch(/## Assistant — .* · branch 2 of 2\n\nHotel Quirinale\./);
    // a1 is the only reply to q1: not a branch.
    expect(md).toMatch(/## Assistant — [^·\n]*\n\nThe Grand\./);
    expect(slug("Réunion: Q3 — plans!")).toBe("reunion-q3-plans");
    expect(slug("???")).toBe("untitled");
  });

  it("[U4][U9] a room at its limits (100k events, 10k tasks) exports and imports through the routes, and replays to the same state", async () => {
    const now = Date.parse("2026-11-25T10:00:00.000Z");
    const from = new FakeRoom({ userId: "big-from", now });
    seedRoom({ ledger: from.room.ledger, doc: from.doc, store: from.room.chat.store, now, setClock: (ms) => (from.clock = ms) }, BIG_ROOM);
    let t = performance.now();
    const res = await from.room.request(new Request("https://x/api/v1/export"), "export-1");
    const zip = new Uint8Array(await res.arrayBuffer());
    const exportMs = performance.now() - t;
    // U4: memory is not sampled (the build is synchronous: nothing can look inside it); what it holds at once is
    // printed instead — the events, export.json as a string and as bytes, and the zip.
    const heldAfter = process.memoryUsage();
    expect(res.status).toBe(200);
    const json = unzipSync(zip, { filter: (f) => f.name === "export.json" })["export.json"]!;
    const to = new FakeRoom({ userId: "big-to", now });
    t = performance.now();
    const imported = await to.room.request(new Request("https://x/api/v1/import", { method: "POST", headers: { "content-type": "application/zip" }, body: zip }), "import-1");
    const importMs = performance.now() - t;
    expect(imported.status).toBe(200);
    console.log(`[U4] room of ${BIG_ROOM.events} events, ${BIG_ROOM.tasks} tasks, ${BIG_ROOM.notes} notes: zip ${(zip.byteLength / 1e6).toFixed(1)} MB (export.json ${(json.byteLength / 1e6).toFixed(1)} MB), export ${exportMs.toFixed(0)} ms (heap ${(heldAfter.heapUsed / 1e6).toFixed(0)} MB + buffers ${(heldAfter.arrayBuffers / 1e6).toFixed(0)} MB right after, no GC forced), import ${importMs.toFixed(0)} ms (Node, this machine)`);
    expect(readTasks(to.doc)).toEqual(readTasks(from.doc));
    expect(readNotes(to.doc)).toEqual(readNotes(from.doc));
    expect(readBlocks(to.doc)).toEqual(readBlocks(from.doc));
    const { lastEventSeq: _a, ...was } = from.room.ledger.state;
    const { lastEventSeq: _b, ...is } = to.room.ledger.replayFromZero();
    expect(is).toEqual(was);
    // U3, U9: the new room's archive holds every kept message that is not hot — at least the old archive (also those not archived there yet).
    expect(to.room.chat.store.history("9999", "", 5_000).length).toBeGreaterThanOrEqual(from.room.chat.store.history("9999", "", 5_000).length);
  }, 240_000);
});
