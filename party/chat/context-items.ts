/**
 * The tasks and notes a turn's context shows (docs/PROTOCOL.md C9, R33): the
 * first open tasks in the list's order and the entries the user pointed at —
 * read from the document without validating every entry. A room with 10,000
 * tasks and 1,000 notes validates at most CONTEXT_OPEN_TASKS + the pointed
 * ids per turn, so a turn starts as fast with a long list as with a short one.
 */
import * as Y from "yjs";
import { readNote, readTask, TASKS, tasksOf } from "../../shared/doc-schema.ts";
import type { Note, Task } from "../../shared/domain.ts";

/** Open tasks listed in a turn's context (C9). */
export const CONTEXT_OPEN_TASKS = 50;

export type ContextItems = {
  /** The first open tasks, in manual order then creation, as `readTasks` orders them. */
  open: Task[];
  /** The tasks and notes named by the message's `contextIds`, in that order; ids that name nothing are skipped. */
  pointed: (Task | Note)[];
  /** Entries validated against their schema to answer: the work this read did (R33). */
  parsed: number;
  /** Task entries whose fields were read to find the open ones: 0 when no task changed since the last read (R33). */
  scanned: number;
};

type Candidate = { id: string; order: number; createdAt: string };

/**
 * The open tasks in list order, per document, until a transaction changes
 * anything under `tasks` (Yjs lists every ancestor of a changed type in
 * `changedParentTypes`): turns between edits do not scan the list again.
 */
const openInOrder = new WeakMap<Y.Doc, { candidates: Candidate[] | null }>();

function candidatesOf(doc: Y.Doc): { candidates: Candidate[]; scanned: number } {
  let cached = openInOrder.get(doc);
  if (!cached) {
    const entry: { candidates: Candidate[] | null } = { candidates: null };
    tasksOf(doc);
    // The root type as Yjs files it (the untyped view of `tasksOf`), to look it up among the changed ones.
    const tasks = doc.share.get(TASKS)!;
    doc.on("afterTransaction", (tr: Y.Transaction) => {
      if (tr.changedParentTypes.has(tasks) || tr.changed.has(tasks)) entry.candidates = null;
    });
    openInOrder.set(doc, entry);
    cached = entry;
  }
  if (cached.candidates) return { candidates: cached.candidates, scanned: 0 };
  const candidates: Candidate[] = [];
  let scanned = 0;
  for (const [id, entry] of tasksOf(doc).entries()) {
    scanned++;
    if (!(entry instanceof Y.Map) || entry.get("status") !== "open") continue;
    const order = entry.get("order");
    const createdAt = entry.get("createdAt");
    candidates.push({ id, order: typeof order === "number" ? order : Number.POSITIVE_INFINITY, createdAt: typeof createdAt === "string" ? createdAt : "" });
  }
  candidates.sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
  cached.candidates = candidates;
  return { candidates, scanned };
}

/**
 * One pass over the task map (only after a change under `tasks`) reads
 * `status`, `order` and `createdAt` of each entry (no copy, no validation);
 * the open ones, in order, are validated one by one until `limit` are valid —
 * an invalid entry is skipped, as `readTasks` skips it.
 */
export function readContextItems(doc: Y.Doc, contextIds: readonly string[], limit = CONTEXT_OPEN_TASKS): ContextItems {
  const { candidates, scanned } = candidatesOf(doc);
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
  return { open, pointed, parsed, scanned };
}
