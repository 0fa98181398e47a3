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
import { type Note, NoteReadSchema, type Task, TaskReadSchema } from "./domain.ts";
import { type Block, BlockReadSchema, type Goal, GoalReadSchema } from "./goals.ts";
import { textEdit } from "./text-diff.ts";

export const TASKS = "tasks";
export const NOTES = "notes";

/** Transaction origin for changes made by the room on behalf of an actor. */
export type ActorOrigin = { readonly actorLabel: string };

export const isActorOrigin = (origin: unknown): origin is ActorOrigin =>
  typeof origin === "object" && origin !== null && "actorLabel" in origin && typeof origin.actorLabel === "string";

export const tasksOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(TASKS);
export const notesOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(NOTES);

/** One entry of a root map read through its schema; `null` when missing or not matching (D40: unknown fields dropped). */
function readEntry<T>(map: Y.Map<Y.Map<unknown>>, id: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T | null {
  const entry = map.get(id);
  if (!(entry instanceof Y.Map)) return null;
  const parsed = schema.safeParse(entry.toJSON());
  return parsed.success ? parsed.data : null;
}

/** Reads one task; `null` when the entry is missing or does not match the schema. D40: fields it does not know are dropped. */
export function readTask(doc: Y.Doc, id: string): Task | null {
  return readEntry(tasksOf(doc), id, TaskReadSchema);
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
  for (const id of notesOf(doc).keys()) {
    const note = readNote(doc, id);
    if (note) notes.push(note);
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
  doc.transact(() => writeEntry(tasksOf(doc), task.id, task), origin);
}

/** Sets the given fields of an existing task; `tags` is a plain array, replaced whole (D2). */
export function patchTask(doc: Y.Doc, id: string, fields: Partial<Task>, origin?: ActorOrigin): void {
  patchEntry(doc, tasksOf(doc), id, fields, origin, "task");
}

export function removeTask(doc: Y.Doc, id: string, origin: ActorOrigin): void {
  doc.transact(() => tasksOf(doc).delete(id), origin);
}

/** Fields of a note as written by the command path; `body` is the full new text. */
export type NoteFields = { title?: string; body?: string; pinned?: boolean; updatedAt?: string };

/** Reads one note (its body is the text of its `Y.Text`); `null` when missing or not matching the schema. */
export function readNote(doc: Y.Doc, id: string): Note | null {
  const entry = notesOf(doc).get(id);
  if (!(entry instanceof Y.Map)) return null;
  const body = entry.get("body");
  const parsed = NoteReadSchema.safeParse({ ...entry.toJSON(), id, body: body instanceof Y.Text ? body.toString() : "" });
  return parsed.success ? parsed.data : null;
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

// ---- Goals and blocks (B1–B3, D40–D42): the same functions as tasks', on their own maps ----

export const GOALS = "goals";
export const BLOCKS = "blocks";
export const goalsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(GOALS);
export const blocksOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(BLOCKS);

/** Reads one goal; `null` when missing or not matching the schema (unknown fields dropped, D40). */
export function readGoal(doc: Y.Doc, id: string): Goal | null {
  return readEntry(goalsOf(doc), id, GoalReadSchema);
}

/** All valid goals by creation. Invalid entries are skipped, never thrown. */
export function readGoals(doc: Y.Doc): Goal[] {
  const goals: Goal[] = [];
  for (const id of goalsOf(doc).keys()) {
    const goal = readGoal(doc, id);
    if (goal) goals.push(goal);
  }
  return goals.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Reads one block; `null` when missing or not matching the schema (unknown fields dropped, D40). */
export function readBlock(doc: Y.Doc, id: string): Block | null {
  return readEntry(blocksOf(doc), id, BlockReadSchema);
}

/** All valid blocks by start instant. Invalid entries are skipped, never thrown. */
export function readBlocks(doc: Y.Doc): Block[] {
  const blocks: Block[] = [];
  for (const id of blocksOf(doc).keys()) {
    const block = readBlock(doc, id);
    if (block) blocks.push(block);
  }
  return blocks.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
}

function writeEntry(map: Y.Map<Y.Map<unknown>>, id: string, value: object): void {
  const entry = new Y.Map<unknown>();
  for (const [key, field] of Object.entries(value)) entry.set(key, field);
  map.set(id, entry);
}

function patchEntry(doc: Y.Doc, map: Y.Map<Y.Map<unknown>>, id: string, fields: object, origin: ActorOrigin | undefined, what: string): void {
  const entry = map.get(id);
  if (!(entry instanceof Y.Map)) throw new Error(`patch: ${what} ${id} is missing; read it first`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      entry.set(key, value);
    }
  }, origin);
}

export function writeGoal(doc: Y.Doc, goal: Goal, origin?: ActorOrigin): void {
  doc.transact(() => writeEntry(goalsOf(doc), goal.id, goal), origin);
}

/** Sets the given fields of an existing goal; `taskIds` is a plain array, replaced whole. */
export function patchGoal(doc: Y.Doc, id: string, fields: Partial<Goal>, origin?: ActorOrigin): void {
  patchEntry(doc, goalsOf(doc), id, fields, origin, "goal");
}

export function removeGoal(doc: Y.Doc, id: string, origin?: ActorOrigin): void {
  doc.transact(() => goalsOf(doc).delete(id), origin);
}

export function writeBlock(doc: Y.Doc, block: Block, origin?: ActorOrigin): void {
  doc.transact(() => writeEntry(blocksOf(doc), block.id, block), origin);
}

/** Sets the given fields of an existing block (a drag sets `start`, `end`, `updatedAt`). */
export function patchBlock(doc: Y.Doc, id: string, fields: Partial<Block>, origin?: ActorOrigin): void {
  patchEntry(doc, blocksOf(doc), id, fields, origin, "block");
}

export function removeBlock(doc: Y.Doc, id: string, origin?: ActorOrigin): void {
  doc.transact(() => blocksOf(doc).delete(id), origin);
}
