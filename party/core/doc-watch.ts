/**
 * Watches the document for edits made outside the command path — a device's
 * Yjs updates — and turns them into (docs/PROTOCOL.md D6, D8):
 * - repairs: an entry a client left invalid is reverted field by field to
 *   what it was before, or removed if the client created it invalid;
 * - readable ledger events: `task.created`, `task.updated` with the changed
 *   fields, `task.completed`, `task.deleted`, `note.created`, `note.updated`,
 *   `note.deleted`, and the same three for goals and blocks (B3).
 *
 * Observers only collect; `drain` does the work after the transaction, so a
 * repair is its own transaction with its own origin.
 */
import * as Y from "yjs";
import { LIMITS, NoteSchema, TaskSchema } from "../../shared/domain.ts";
import { blocksOf, goalsOf, notesOf, tasksOf } from "../../shared/doc-schema.ts";
import { BlockSchema, GoalSchema } from "../../shared/goals.ts";
import { EVENT_PAYLOADS, type NewEventBody } from "../../shared/events.ts";
import { CONTROL_CHARS, hasControl, textProblem } from "../../shared/text.ts";

/** Origin of the room's repair transactions. */
export const REPAIR_ORIGIN = { actorLabel: "system:repair" } as const;

type Kind = "task" | "note" | "goal" | "block";

/** B3: each kind's root map and schema; goals and blocks are validated and repaired like tasks. */
const rootOf = (doc: Y.Doc, kind: Kind) => (kind === "task" ? tasksOf(doc) : kind === "note" ? notesOf(doc) : kind === "goal" ? goalsOf(doc) : blocksOf(doc));
const SCHEMAS = { task: TaskSchema, note: NoteSchema, goal: GoalSchema, block: BlockSchema } as const;
type FieldChange = { action: "add" | "update" | "delete"; oldValue: unknown };

type Touched = {
  kind: Kind;
  id: string;
  /** Created (or replaced) in this batch. */
  created: boolean;
  deleted: boolean;
  fields: Map<string, FieldChange>;
  /** The entry this batch replaced at the root, as it was (read before Yjs collects it). */
  replaced?: Record<string, unknown>;
  /** Set by `repair`: whether the entry is valid now (checked once, reused by `describe`). */
  valid?: boolean;
  /** What is wrong with text typed into a note's body in this batch (D15), read from the inserts alone: no copy of the body per keystroke. */
  bodyProblem?: string;
};

export type Batch = { origin: unknown; touched: Touched[] };

export type Repair = { kind: Kind; id: string; action: "reverted" | "removed" | "truncated" | "cleaned"; reason: string };

export class DocWatch {
  #doc: Y.Doc;
  #pending: Batch[] = [];
  #ignore: (origin: unknown) => boolean;

  /** `ignore(origin)` is true for transactions already recorded elsewhere (the command path, loading, repairs). */
  constructor(doc: Y.Doc, ignore: (origin: unknown) => boolean) {
    this.#doc = doc;
    this.#ignore = ignore;
    tasksOf(doc).observeDeep((events, tr) => this.#collect("task", events, tr));
    notesOf(doc).observeDeep((events, tr) => this.#collect("note", events, tr));
    goalsOf(doc).observeDeep((events, tr) => this.#collect("goal", events, tr));
    blocksOf(doc).observeDeep((events, tr) => this.#collect("block", events, tr));
  }

  #collect(kind: Kind, events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction): void {
    if (this.#ignore(tr.origin) || tr.origin === REPAIR_ORIGIN) return;
    let batch = this.#pending.find((b) => b.origin === tr.origin);
    if (!batch) {
      batch = { origin: tr.origin, touched: [] };
      this.#pending.push(batch);
    }
    const touch = (id: string) => {
      let t = batch.touched.find((x) => x.kind === kind && x.id === id);
      if (!t) {
        t = { kind, id, created: false, deleted: false, fields: new Map() };
        batch.touched.push(t);
      }
      return t;
    };
    for (const event of events) {
      if (event.path.length === 0) {
        for (const [id, change] of event.changes.keys) {
          const t = touch(id);
          if (change.action === "delete") t.deleted = true;
          else {
            t.created = true;
            t.deleted = false;
            if (change.action === "update" && change.oldValue instanceof Y.Map && t.replaced === undefined) {
              t.replaced = rawMap(change.oldValue);
            }
          }
        }
        continue;
      }
      const t = touch(String(event.path[0]));
      if (event.path.length === 1 && event instanceof Y.YMapEvent) {
        for (const [field, change] of event.changes.keys) {
          // A replaced Y.Text is read now: once the transaction ends, Yjs drops deleted content.
          const oldValue = change.oldValue instanceof Y.Text ? rawText(change.oldValue) : change.oldValue;
          if (!t.fields.has(field)) t.fields.set(field, { action: change.action, oldValue });
        }
      } else {
        // Deeper: a note's body (Y.Text) or a nested value.
        const field = String(event.path[1] ?? "body");
        if (!t.fields.has(field)) t.fields.set(field, { action: "update", oldValue: undefined });
        if (kind === "note" && t.bodyProblem === undefined && event instanceof Y.YTextEvent) t.bodyProblem = insertProblem(event);
      }
    }
  }

  /** Takes the batches collected since the last drain. */
  take(): Batch[] {
    const batches = this.#pending;
    this.#pending = [];
    return batches;
  }

  /** Makes every entry touched in `batch` valid again; returns what it did. Runs as one REPAIR transaction, if any is needed. */
  repair(batch: Batch): Repair[] {
    const repairs: Repair[] = [];
    // Each touched entry is checked once; `describe` reuses the verdict.
    const problems = new Map<Touched, string>();
    for (const t of batch.touched) {
      const entry = t.deleted ? undefined : rootOf(this.#doc, t.kind).get(t.id);
      const problem =
        entry === undefined ? null : entry instanceof Y.Map ? (invalid(t.kind, t.id, entry) ?? bodyTextProblem(t, entry)) : `a ${t.kind} must be a Y.Map`;
      t.valid = entry !== undefined && problem === null;
      if (problem !== null) problems.set(t, problem);
    }
    if (problems.size === 0) return repairs;
    this.#doc.transact(() => {
      for (const t of batch.touched) {
        if (t.deleted) continue;
        const root = rootOf(this.#doc, t.kind);
        const entry = root.get(t.id);
        if (entry === undefined) continue;
        const problem = problems.get(t);
        if (problem === undefined) continue;
        if (t.created) {
          // A valid entry the client replaced with an invalid one comes back as it was.
          if (t.replaced && SCHEMAS[t.kind].safeParse(t.replaced).success) {
            root.set(t.id, rebuild(t.kind, t.replaced));
            t.valid = true;
            repairs.push({ kind: t.kind, id: t.id, action: "reverted", reason: problem });
          } else {
            root.delete(t.id);
            repairs.push({ kind: t.kind, id: t.id, action: "removed", reason: problem });
          }
          continue;
        }
        if (!(entry instanceof Y.Map)) continue;
        if (t.kind === "note") {
          const body = entry.get("body");
          if (body instanceof Y.Text && t.bodyProblem !== undefined) removeControls(body);
          if (body instanceof Y.Text && body.length > LIMITS.noteBody) body.delete(LIMITS.noteBody, body.length - LIMITS.noteBody);
          if (!(body instanceof Y.Text)) {
            const old = t.fields.get("body")?.oldValue;
            entry.set("body", new Y.Text(typeof old === "string" ? old : ""));
          }
        }
        // A body cleaned of controls is the only problem: the batch's other fields were valid and stay.
        if (problem !== t.bodyProblem) {
          for (const [field, change] of t.fields) {
            if (field === "body" && t.kind === "note") continue;
            if (change.action === "add") entry.delete(field);
            else entry.set(field, change.oldValue);
          }
        }
        const still = invalid(t.kind, t.id, entry);
        if (still !== null) {
          root.delete(t.id);
          repairs.push({ kind: t.kind, id: t.id, action: "removed", reason: still });
        } else {
          t.valid = true;
          const action = problem === t.bodyProblem ? "cleaned" : problem.startsWith("body") ? "truncated" : "reverted";
          repairs.push({ kind: t.kind, id: t.id, action, reason: problem });
        }
      }
    }, REPAIR_ORIGIN);
    return repairs;
  }

  /** The readable events for a batch, read after repairs: only what is valid now is reported. */
  describe(batch: Batch): NewEventBody[] {
    const events: NewEventBody[] = [];
    for (const t of batch.touched) {
      const entry = rootOf(this.#doc, t.kind).get(t.id);
      if (t.deleted || entry === undefined) {
        if (t.deleted && !t.created) events.push(deletedEvent(t.kind, t.id));
        continue;
      }
      if (!(entry instanceof Y.Map) || !(t.valid ?? invalid(t.kind, t.id, entry) === null)) continue;
      if (t.created) {
        const created = createdEvent(t.kind, entry);
        if (created) events.push(created);
        continue;
      }
      const changed = [...t.fields.keys()].filter((f) => f !== "updatedAt");
      if (changed.length === 0) continue;
      if (t.kind === "task" && changed.includes("status") && entry.get("status") === "done" && t.fields.get("status")?.oldValue === "open") {
        events.push({ type: "task.completed", payload: { taskId: t.id } });
        if (changed.length === 1) continue;
      }
      // A note's body can be 100k characters: events name it as changed, they do not copy it. A removed field has no value to copy.
      const changes = Object.fromEntries(
        changed.filter((f) => f !== "body" && entry.get(f) !== undefined).map((f) => [f, plainValue(entry.get(f))]),
      );
      const updated = updatedEvent(t.kind, t.id, changes, changed);
      if (updated) events.push(updated);
    }
    return events;
  }
}

function deletedEvent(kind: Kind, id: string): NewEventBody {
  switch (kind) {
    case "task":
      return { type: "task.deleted", payload: { taskId: id } };
    case "note":
      return { type: "note.deleted", payload: { noteId: id } };
    case "goal":
      return { type: "goal.deleted", payload: { goalId: id } };
    case "block":
      return { type: "block.deleted", payload: { blockId: id } };
  }
}

/** The entry, valid by now, as a `*.created` event; parsed, so the payload is typed. */
function createdEvent(kind: Kind, entry: Y.Map<unknown>): NewEventBody | null {
  if (kind === "goal") {
    const goal = GoalSchema.safeParse(fieldsOf(entry));
    return goal.success ? { type: "goal.created", payload: { goal: goal.data } } : null;
  }
  if (kind === "block") {
    const block = BlockSchema.safeParse(fieldsOf(entry));
    return block.success ? { type: "block.created", payload: { block: block.data } } : null;
  }
  if (kind === "task") {
    const task = TaskSchema.safeParse(fieldsOf(entry));
    return task.success ? { type: "task.created", payload: { task: task.data } } : null;
  }
  const body = entry.get("body");
  const note = NoteSchema.safeParse({ ...fieldsOf(entry, "body"), body: body instanceof Y.Text ? body.toString() : "" });
  return note.success ? { type: "note.created", payload: { note: note.data } } : null;
}

function updatedEvent(kind: Kind, id: string, changes: Record<string, unknown>, fields: string[]): NewEventBody | null {
  if (kind === "goal") {
    const payload = EVENT_PAYLOADS["goal.updated"].safeParse({ goalId: id, changes, fields });
    return payload.success ? { type: "goal.updated", payload: payload.data } : null;
  }
  if (kind === "block") {
    const payload = EVENT_PAYLOADS["block.updated"].safeParse({ blockId: id, changes, fields });
    return payload.success ? { type: "block.updated", payload: payload.data } : null;
  }
  if (kind === "task") {
    const payload = EVENT_PAYLOADS["task.updated"].safeParse({ taskId: id, changes, fields });
    return payload.success ? { type: "task.updated", payload: payload.data } : null;
  }
  const payload = EVENT_PAYLOADS["note.updated"].safeParse({ noteId: id, changes, fields });
  return payload.success ? { type: "note.updated", payload: payload.data } : null;
}

/**
 * Reads a Y type deleted in the current transaction. Its items are marked
 * deleted (so toJSON/toString skip them) but keep their content until the
 * transaction's cleanup collects it; observers run before that.
 */
type RawItem = { content: unknown; right: RawItem | null };

function rawText(text: Y.Text): string {
  let out = "";
  for (let item = (text as unknown as { _start: RawItem | null })._start; item; item = item.right) {
    if (item.content instanceof Y.ContentString) out += item.content.str;
  }
  return out;
}

function rawMap(map: Y.Map<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of (map as unknown as { _map: Map<string, RawItem> })._map) {
    const content = item.content;
    if (content instanceof Y.ContentAny) out[key] = content.arr[content.arr.length - 1];
    else if (content instanceof Y.ContentType && content.type instanceof Y.Text) out[key] = rawText(content.type);
  }
  return out;
}

function rebuild(kind: Kind, json: Record<string, unknown>): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(json)) entry.set(key, kind === "note" && key === "body" ? new Y.Text(String(value)) : value);
  return entry;
}

/** The entry's fields as JSON, as `toJSON` gives them, leaving out `skip` (a note's long body). */
function fieldsOf(entry: Y.Map<unknown>, skip?: string): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [key, value] of entry.entries()) {
    if (key !== skip) json[key] = plainValue(value);
  }
  return json;
}

const plainValue = (value: unknown): unknown => (value instanceof Y.AbstractType ? value.toJSON() : value);

/**
 * D15 for a note's body, which `invalid` leaves out: a body created in this
 * batch is read whole (once); an edited one is judged by what was inserted.
 */
function bodyTextProblem(t: Touched, entry: Y.Map<unknown>): string | null {
  if (t.kind !== "note") return null;
  if (!t.created) return t.bodyProblem ?? null;
  const body = entry.get("body");
  const problem = body instanceof Y.Text ? textProblem(body.toString()) : null;
  return problem === null ? null : `body: text ${problem}`;
}

function insertProblem(event: Y.YTextEvent): string | undefined {
  for (const op of event.delta) {
    // Only controls: lone surrogates cannot arrive, the wire is UTF-8 (the guard refuses malformed bytes, D10).
    if (typeof op.insert === "string" && hasControl(op.insert)) return "body: text contains a control character (only tab, line feed and carriage return are allowed)";
  }
  return undefined;
}

/** Deletes the control characters D15 refuses, one by one from the end, so what others typed around them stays. */
function removeControls(body: Y.Text): void {
  const found = [...body.toString().matchAll(CONTROL_CHARS)];
  for (let i = found.length - 1; i >= 0; i--) body.delete(found[i]!.index, 1);
}

/** Null when the entry matches the schema (D2, D3); otherwise what is wrong with it. */
export function invalid(kind: Kind, id: string, entry: Y.Map<unknown>): string | null {
  if (kind === "note") {
    const body = entry.get("body");
    if (!(body instanceof Y.Text)) return "body must be a Y.Text";
    if (body.length > LIMITS.noteBody) return `body exceeds ${LIMITS.noteBody} characters`;
  }
  // The body was checked above; the schema sees the other fields (no copy of a long text per keystroke).
  const parsed = SCHEMAS[kind].safeParse(kind === "note" ? { ...fieldsOf(entry, "body"), body: "" } : fieldsOf(entry));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join(".") || kind}: ${issue?.message ?? "invalid"}`;
  }
  if (parsed.data.id !== id) return "id must equal the entry's key";
  return null;
}

