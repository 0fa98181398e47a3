/**
 * The tasks and notes a turn's context shows (docs/PROTOCOL.md C9, R33): the
 * first open tasks in the list's order and the entries the user pointed at —
 * read from the document without validating every entry. A room with 10,000
 * tasks and 1,000 notes validates at most CONTEXT_OPEN_TASKS + the pointed
 * ids per turn, so a turn starts as fast with a long list as with a short one.
 */
import * as Y from "yjs";
import { notesOf, readTask, tasksOf } from "../../shared/doc-schema.ts";
import { type Note, NoteSchema, type Task } from "../../shared/domain.ts";

/** Open tasks listed in a turn's context (C9). */
export const CONTEXT_OPEN_TASKS = 50;

export type ContextItems = {
  /** The first open tasks, in manual order then creation, as `readTasks` orders them. */
  open: Task[];
  /** The tasks and notes named by the message's `contextIds`, in that order; ids that name nothing are skipped. */
  pointed: (Task | Note)[];
  /** Entries validated against their schema to answer: the work this read did (R33). */
  parsed: number;
};

function readNote(doc: Y.Doc, id: string): Note | null {
  const entry = notesOf(doc).get(id);
  if (!(entry instanceof Y.Map)) return null;
  const body = entry.get("body");
  const parsed = NoteSchema.safeParse({ ...entry.toJSON(), id, body: body instanceof Y.Text ? body.toString() : "" });
  return parsed.success ? parsed.data : null;
}

/**
 * One pass over the task map reads only `status`, `order` and `createdAt` of
 * each entry (no copy, no validation); the open ones are ordered and validated
 * one by one until `limit` are valid — an invalid entry is skipped, as
 * `readTasks` skips it.
 */
export function readContextItems(doc: Y.Doc, contextIds: readonly string[], limit = CONTEXT_OPEN_TASKS): ContextItems {
  const candidates: { id: string; order: number; createdAt: string }[] = [];
  for (const [id, entry] of tasksOf(doc).entries()) {
    if (!(entry instanceof Y.Map) || entry.get("status") !== "open") continue;
    const order = entry.get("order");
    const createdAt = entry.get("createdAt");
    candidates.push({ id, order: typeof order === "number" ? order : Number.POSITIVE_INFINITY, createdAt: typeof createdAt === "string" ? createdAt : "" });
  }
  candidates.sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
  let parsed = 0;
  const open: Task[] = [];
  for (const c of candidates) {
    if (open.length >= limit) break;
    parsed++;
    const task = readTask(doc, c.id);
    if (task && task.status === "open") open.push(task);
  }
  const pointed: (Task | Note)[] = [];
  for (const id of new Set(contextIds)) {
    parsed++;
    const task = readTask(doc, id);
    const note = readNote(doc, id);
    if (task) pointed.push(task);
    if (note) pointed.push(note);
  }
  return { open, pointed, parsed };
}
