/**
 * Reads and writes the Yjs document schema (DESIGN.md §3, docs/PROTOCOL.md D1–D6).
 *
 * `tasks` and `notes` are root maps of id → Y.Map. The room's HTTP API and
 * the assistant change them only through these functions, inside one
 * `doc.transact` with an origin naming the actor, so every device sees the
 * change live and the ledger can attribute it. The web app edits its local
 * copy with the same functions (no origin: the room attributes it to the device).
 */
import * as Y from "yjs";
import { type Note, NoteSchema, type Task, TaskSchema } from "./domain.ts";
import { textEdit } from "./text-diff.ts";

export const TASKS = "tasks";
export const NOTES = "notes";

/** Transaction origin for changes made by the room on behalf of an actor. */
export type ActorOrigin = { readonly actorLabel: string };

export const tasksOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(TASKS);
export const notesOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(NOTES);

/** Reads one task; `null` when the entry is missing or does not match the schema. */
export function readTask(doc: Y.Doc, id: string): Task | null {
  const entry = tasksOf(doc).get(id);
  if (!(entry instanceof Y.Map)) return null;
  const parsed = TaskSchema.safeParse(entry.toJSON());
  return parsed.success ? parsed.data : null;
}

/** All valid tasks in manual order, then by creation. Invalid entries are skipped, never thrown. */
export function readTasks(doc: Y.Doc): Task[] {
  const tasks: Task[] = [];
  for (const id of tasksOf(doc).keys()) {
    const task = readTask(doc, id);
    if (task) tasks.push(task);
  }
  return tasks.sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
}

export function readNotes(doc: Y.Doc): Note[] {
  const notes: Note[] = [];
  for (const [id, entry] of notesOf(doc).entries()) {
    if (!(entry instanceof Y.Map)) continue;
    const body = entry.get("body");
    const parsed = NoteSchema.safeParse({ ...entry.toJSON(), id, body: body instanceof Y.Text ? body.toString() : "" });
    if (parsed.success) notes.push(parsed.data);
  }
  return notes.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The next manual-order key: after every existing task. */
export function nextOrder(doc: Y.Doc): number {
  let max = 0;
  for (const entry of tasksOf(doc).values()) {
    const order = entry instanceof Y.Map ? entry.get("order") : undefined;
    if (typeof order === "number" && order > max) max = order;
  }
  return max + 1;
}

export function writeTask(doc: Y.Doc, task: Task, origin?: ActorOrigin): void {
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(task)) entry.set(key, value);
    tasksOf(doc).set(task.id, entry);
  }, origin);
}

/** Sets the given fields of an existing task; `tags` is a plain array, replaced whole (D2). */
export function patchTask(doc: Y.Doc, id: string, fields: Partial<Task>, origin?: ActorOrigin): void {
  const entry = tasksOf(doc).get(id);
  if (!(entry instanceof Y.Map)) throw new Error(`patchTask: task ${id} is missing; check readTask first`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      entry.set(key, value);
    }
  }, origin);
}

export function removeTask(doc: Y.Doc, id: string, origin: ActorOrigin): void {
  doc.transact(() => tasksOf(doc).delete(id), origin);
}

/** Fields of a note as written by the command path; `body` is the full new text. */
export type NoteFields = { title?: string; body?: string; pinned?: boolean; updatedAt?: string };

export function readNote(doc: Y.Doc, id: string): Note | null {
  return readNotes(doc).find((n) => n.id === id) ?? null;
}

export function writeNote(doc: Y.Doc, note: Note, origin?: ActorOrigin): void {
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(note)) entry.set(key, key === "body" ? new Y.Text(note.body) : value);
    notesOf(doc).set(note.id, entry);
  }, origin);
}

/**
 * Sets a note's fields. A new body is applied as the smallest edit (common
 * prefix and suffix kept, both ends on character boundaries: D17), so
 * concurrent edits elsewhere in the text survive and no emoji is split.
 */
export function patchNote(doc: Y.Doc, id: string, fields: NoteFields, origin?: ActorOrigin): void {
  const entry = notesOf(doc).get(id);
  if (!(entry instanceof Y.Map)) throw new Error(`patchNote: note ${id} is missing; check readNote first`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (key !== "body") entry.set(key, value);
      else if (typeof value === "string") replaceBody(entry, value);
    }
  }, origin);
}

export function removeNote(doc: Y.Doc, id: string, origin: ActorOrigin): void {
  doc.transact(() => notesOf(doc).delete(id), origin);
}

function replaceBody(entry: Y.Map<unknown>, next: string): void {
  const body = entry.get("body");
  // A body that is not a Y.Text (a client broke it; readers see "") is replaced whole.
  if (!(body instanceof Y.Text)) {
    entry.set("body", new Y.Text(next));
    return;
  }
  replaceText(body, next);
}

/** Turns `text` into `next` with the smallest edit whose ends fall between characters (D17). */
export function replaceText(text: Y.Text, next: string): void {
  const edit = textEdit(text.toString(), next);
  if (!edit) return;
  if (edit.remove > 0) text.delete(edit.index, edit.remove);
  if (edit.insert) text.insert(edit.index, edit.insert);
}
