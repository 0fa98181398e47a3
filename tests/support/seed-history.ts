/**
 * A room with history, for the wake-up, memory and time-to-first-token
 * benchmarks (issue 19 items 3, 4, 6): ledger events (chat messages and
 * memories, as a year of use leaves), tasks and notes in the document, and
 * archived days of chat. Written through the room's own classes, so the rows,
 * snapshots and document updates are the ones a real room has. Runs in Node
 * (node:sqlite) and inside the bench worker's Durable Object alike.
 */
import * as Y from "yjs";
import type { Message, Note, Task } from "../../shared/domain.ts";
import { notesOf, tasksOf } from "../../shared/doc-schema.ts";
import type { ChatStore } from "../../party/chat/store.ts";
import type { Ledger } from "../../party/core/ledger.ts";

export type SeedSize = { events: number; tasks: number; notes: number; archivedDays: number };

/** The room of issue 19 item 4. */
export const BIG_ROOM: SeedSize = { events: 100_000, tasks: 10_000, notes: 1_000, archivedDays: 100 };

const DAY_MS = 86_400_000;
const ARCHIVED_PER_DAY = 20;
const ACTOR = { actorLabel: "user:seed" };

export function seedTask(i: number, at: string): Task {
  return { id: `seed-task-${i}`, title: `Task ${i}: call about the ${i % 7 === 0 ? "budget" : "plan"}`, status: i % 3 === 0 ? "done" : "open", due: i % 5 === 0 ? "2026-12-24" : null, tags: i % 4 === 0 ? ["work"] : [], order: i + 1, createdAt: at, updatedAt: at, createdBy: "user:seed" };
}

/** The tasks and notes of the document, in transactions of 500 (a bulk import would look so). */
export function seedDoc(doc: Y.Doc, size: Pick<SeedSize, "tasks" | "notes">, at: string): void {
  for (let from = 0; from < size.tasks; from += 500) {
    doc.transact(() => {
      for (let i = from; i < Math.min(size.tasks, from + 500); i++) {
        const entry = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(seedTask(i, at))) entry.set(k, Array.isArray(v) ? [...v] : v);
        tasksOf(doc).set(`seed-task-${i}`, entry);
      }
    }, ACTOR);
  }
  for (let from = 0; from < size.notes; from += 500) {
    doc.transact(() => {
      for (let i = from; i < Math.min(size.notes, from + 500); i++) {
        const note: Note = { id: `seed-note-${i}`, title: `Note ${i}`, body: `Meeting notes ${i}. `.repeat(12), pinned: i % 50 === 0, createdAt: at, updatedAt: at, createdBy: "user:seed" };
        const entry = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(note)) entry.set(k, k === "body" ? new Y.Text(note.body) : v);
        notesOf(doc).set(note.id, entry);
      }
    }, ACTOR);
  }
}

function message(i: number, at: string): Message {
  const user = i % 2 === 0;
  return { id: `seed-msg-${i}`, role: user ? "user" : "assistant", text: user ? `remind me about thing ${i}` : `Done — I noted thing ${i - 1}.`, channel: "chat", turnId: `seed-turn-${i >> 1}`, status: "complete", createdAt: at };
}

/**
 * Appends `count` events after those already there: three chat messages for
 * each pinned memory (50 distinct keys, so the projection stays small, as a
 * real one does). In transactions of 1,000, so snapshots land as they would.
 */
export function seedEvents(ledger: Ledger, count: number, at: (i: number) => string, tick: (i: number) => void = () => {}): void {
  for (let from = 0; from < count; from += 1_000) {
    ledger.transaction(() => {
      for (let i = from; i < Math.min(count, from + 1_000); i++) {
        tick(i);
        const correlationId = `seed-${i}`;
        if (i % 4 === 3) {
          ledger.append({ type: "memory.pinned", actor: { kind: "user", deviceId: "seed" }, correlationId, payload: { memory: { id: `seed-mem-${i % 50}`, type: "fact", key: `fact ${i % 50}`, value: `value ${i}`, pinnedAt: at(i), updatedAt: at(i) } } });
        } else {
          const m = message(i, at(i));
          ledger.append({ type: "message.added", actor: m.role === "user" ? { kind: "user", deviceId: "seed" } : { kind: "assistant", turnId: m.turnId! }, correlationId, payload: { message: m } });
        }
      }
    });
  }
}

/** `days` archived days of chat before `now`, ARCHIVED_PER_DAY messages each (C12). */
export function seedArchive(store: ChatStore, days: number, now: number): void {
  for (let d = days; d >= 1; d--) {
    const base = now - d * DAY_MS;
    store.archive(Array.from({ length: ARCHIVED_PER_DAY }, (_, k) => ({ ...message(d * 1000 + k, new Date(base + k * 60_000).toISOString()), id: `seed-archived-${d}-${k}` })));
  }
}

/** Spacing of seeded events on the room's clock: a million events span about two years. */
export const EVENT_SPACING_MS = 60_000;

/**
 * Everything of `size` into one room's storage. `setClock` moves the room's
 * clock (which stamps each event) so the events are spread over the past,
 * EVENT_SPACING_MS apart, ending a day before `now`; the caller sets it back.
 */
export function seedRoom(room: { ledger: Ledger; doc: Y.Doc; store: ChatStore; now: number; setClock: (ms: number) => void }, size: SeedSize): void {
  const at = new Date(room.now - DAY_MS).toISOString();
  seedDoc(room.doc, size, at);
  seedArchive(room.store, size.archivedDays, room.now);
  const start = room.now - DAY_MS - size.events * EVENT_SPACING_MS;
  seedEvents(room.ledger, size.events, (i) => new Date(start + i * EVENT_SPACING_MS).toISOString(), (i) => room.setClock(start + i * EVENT_SPACING_MS));
  room.setClock(room.now);
}
