/**
 * Undo of one assistant turn (docs/PROTOCOL.md D9, D18), read from the ledger:
 * the turn's own events say what it did, the events after them what others
 * built on since. Everything the turn did is reverted — tasks and notes,
 * reminders, memories, preferences, plan items, pending proposals — except
 * what the user changed after it: that is kept, and the answer says why.
 * Nothing here reads the document's update rows, so a turn undoes however
 * old it is, compacted or not.
 */
import type * as Y from "yjs";
import type { Undone } from "../../shared/api.ts";
import { type ActorOrigin, patchNote, patchTask, readNote, readTask, removeNote, removeTask, writeNote, writeTask } from "../../shared/doc-schema.ts";
import {
  type Actor,
  DEFAULT_PREFERENCES,
  type Memory,
  type Preferences,
  type PreferencesPatch,
  PreferencesPatchSchema,
  PreferencesSchema,
  planTimeProblem,
  TaskSchema,
} from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { LedgerEvent, PayloadOf } from "../../shared/events.ts";
import { preferenceFields, preferenceLabel, type UndoKept, type UndoRevert, undoMessage } from "../../shared/undo.ts";
import type { Ledger } from "./ledger.ts";
import { applyPreferencesPatch, memorySlot } from "./projections.ts";
import { keptReason, TOUCHING_TYPES, type Touch, Touches } from "./undo-touches.ts";
import { undoGoalsAndBlocks } from "./undo-goals.ts";

/** What undo needs from the chat: core/ does not import chat/. */
export type TurnPort = {
  /** Whether the turn is still queued or streaming: what it does is not final yet. */
  running(turnId: string): boolean;
  /** Its proposals still waiting for the user. */
  pendingProposals(turnId: string): { id: string; summary: string }[];
  /** Cancels a pending proposal; runs inside the undo's transaction. */
  cancelProposal(proposalId: string): void;
};

export type UndoDeps = { doc: Y.Doc; ledger: Ledger; now: () => number; turns?: TurnPort };

export type UndoPlan = { payload: PayloadOf<"turn.undone">; result: Undone; write: (origin: ActorOrigin) => void };

/** The plain answers a person gets (H12). */
export const ALREADY_UNDONE = "This was already undone.";
export const NOTHING_TO_UNDO = "There is nothing to undo for that request.";
export const STILL_RUNNING = "The assistant is still working on that request: stop it first, then undo.";

export function planUndo(deps: UndoDeps, turnId: string): Result<UndoPlan> {
  const { ledger } = deps;
  if (ledger.hasEvent("turn.undone", "turnId", turnId)) return fail("conflict", ALREADY_UNDONE);
  if (deps.turns?.running(turnId)) return fail("conflict", STILL_RUNNING);
  const own = ledger.ofTurn(turnId);
  const undoneTurns = new Set(ledger.ofTypes(["turn.undone"]).flatMap((e) => (e.type === "turn.undone" ? [e.payload.turnId] : [])));
  const skip = (actor: Actor) => actor.kind === "assistant" && (actor.turnId === turnId || undoneTurns.has(actor.turnId));
  const undo = new Reverting(deps, new Touches(ledger.ofTypes(TOUCHING_TYPES, (own[0]?.seq ?? ledger.lastSeq) - 1), skip));
  const removedTasks = undo.tasks(own);
  undo.notes(own);
  undo.planItems(own, removedTasks);
  undo.reminders(own);
  undo.memories(own);
  undo.preferences(own);
  undo.calendarEvents(own);
  undo.goalsAndBlocks(own, removedTasks);
  const proposals = deps.turns?.pendingProposals(turnId) ?? [];
  for (const p of proposals) undo.reverted.push({ kind: "proposal.cancelled", proposalId: p.id, summary: p.summary });
  const { reverted, kept } = undo;
  if (reverted.length === 0 && kept.length === 0) return fail("not_found", NOTHING_TO_UNDO);
  const result: Undone = { turnId, steps: reverted.length, reverted, kept, message: undoMessage(reverted, kept) };
  return ok({
    payload: { turnId, steps: reverted.length, reverted, kept },
    result,
    write: (origin) => {
      deps.doc.transact(() => undo.writes.forEach((w) => w(origin)), origin);
      for (const p of proposals) deps.turns?.cancelProposal(p.id);
    },
  });
}

/** Collects the reverts (with their document writes) and what is kept, entry by entry. */
class Reverting {
  readonly reverted: UndoRevert[] = [];
  readonly kept: UndoKept[] = [];
  readonly writes: ((origin: ActorOrigin) => void)[] = [];
  #deps: UndoDeps;
  #touches: Touches;
  #now: string;

  constructor(deps: UndoDeps, touches: Touches) {
    this.#deps = deps;
    this.#touches = touches;
    this.#now = new Date(deps.now()).toISOString();
  }

  /** B16: goals and blocks (party/core/undo-goals.ts). */
  goalsAndBlocks(own: readonly LedgerEvent[], removedTasks: ReadonlySet<string>): void {
    undoGoalsAndBlocks({ doc: this.#deps.doc, touches: this.#touches, now: this.#now, reverted: this.reverted, kept: this.kept, writes: this.writes }, own, removedTasks);
  }

  /** K29: events the turn put on a calendar and nobody deleted since; the room deletes them once the undo is recorded. */
  calendarEvents(own: readonly LedgerEvent[]): void {
    const { ledger } = this.#deps;
    const deleted = new Set(ledger.ofTypes(["calendar.event.deleted"]).flatMap((e) => (e.type === "calendar.event.deleted" ? [e.payload.eventId] : [])));
    for (const e of own) {
      if (e.type !== "calendar.event.created" || deleted.has(e.payload.eventId)) continue;
      this.reverted.push({ kind: "calendar.event.removed", sourceId: e.payload.sourceId, eventId: e.payload.eventId, title: e.payload.title });
    }
  }

  #keep(kind: UndoKept["kind"], id: string, title: string, touch: Touch): void {
    this.kept.push({ kind, id, title, by: touch.actor.kind, reason: keptReason(touch) });
  }

  /** Tasks the turn created (removed unless touched since), changed (fields set back), completed (reopened) or deleted (restored). */
  tasks(own: readonly LedgerEvent[]): Set<string> {
    const removed = new Set<string>();
    for (const [id, events] of grouped(own, taskIdOf)) {
      const { doc } = this.#deps;
      const current = readTask(doc, id);
      const created = events.find((e) => e.type === "task.created" || e.type === "plan.item.settled");
      if (created) {
        if (!current) continue;
        const touch = this.#touches.after(`task:${id}`, created.seq);
        if (touch) {
          this.#keep("task", id, current.title, touch);
          continue;
        }
        removed.add(id);
        this.reverted.push({ kind: "task.removed", taskId: id, title: current.title });
        this.writes.push((o) => removeTask(doc, id, o));
        continue;
      }
      const deleted = events.findLast((e) => e.type === "task.deleted");
      const copy = deleted?.type === "task.deleted" ? deleted.payload.task : undefined;
      // Deleted by the turn and still gone: restored from the copy its event kept. Gone for another reason: nothing to revert.
      const base = deleted ? (current ? null : copy) : current;
      if (!base) continue;
      const { values, touches } = this.#earlier(`task:${id}`, events);
      const changes = TaskSchema.partial().parse(values);
      if (deleted) {
        const task = { ...base, ...changes, updatedAt: this.#now };
        this.reverted.push({ kind: "task.restored", task });
        this.writes.push((o) => writeTask(doc, task, o));
      } else if (Object.keys(changes).length > 0) {
        this.reverted.push({ kind: "task.reverted", taskId: id, title: changes.title ?? base.title, changes });
        this.writes.push((o) => patchTask(doc, id, { ...changes, updatedAt: this.#now }, o));
      }
      // Named as the user will see it after the undo.
      if (touches[0]) this.#keep("task", id, changes.title ?? base.title, touches[0]);
    }
    return removed;
  }

  /** Notes, the same way: created → removed, changed → set back (body too), deleted → restored. */
  notes(own: readonly LedgerEvent[]): void {
    for (const [id, events] of grouped(own, noteIdOf)) {
      const { doc } = this.#deps;
      const current = readNote(doc, id);
      const created = events.find((e) => e.type === "note.created");
      if (created) {
        if (!current) continue;
        const touch = this.#touches.after(`note:${id}`, created.seq);
        if (touch) {
          this.#keep("note", id, current.title, touch);
          continue;
        }
        this.reverted.push({ kind: "note.removed", noteId: id, title: current.title });
        this.writes.push((o) => removeNote(doc, id, o));
        continue;
      }
      const deleted = events.findLast((e) => e.type === "note.deleted");
      const copy = deleted?.type === "note.deleted" ? deleted.payload.note : undefined;
      const base = deleted ? (current ? null : copy) : current;
      if (!base) continue;
      const { values, touches } = this.#earlier(`note:${id}`, events);
      const fields = {
        ...(typeof values.title === "string" ? { title: values.title } : {}),
        ...(typeof values.body === "string" ? { body: values.body } : {}),
        ...(typeof values.pinned === "boolean" ? { pinned: values.pinned } : {}),
      };
      if (deleted) {
        const note = { ...base, ...fields, updatedAt: this.#now };
        this.reverted.push({ kind: "note.restored", note });
        this.writes.push((o) => writeNote(doc, note, o));
      } else if (Object.keys(fields).length > 0) {
        this.reverted.push({ kind: "note.reverted", noteId: id, title: fields.title ?? base.title, fields: Object.keys(fields) });
        this.writes.push((o) => patchNote(doc, id, { ...fields, updatedAt: this.#now }, o));
      }
      if (touches[0]) this.#keep("note", id, fields.title ?? base.title, touches[0]);
    }
  }

  /**
   * The values an entry's fields had before the turn changed them, for the
   * fields nobody changed since; and the changes since that keep the others.
   * Walks the turn's events newest first, so the oldest value wins.
   */
  #earlier(key: string, events: readonly LedgerEvent[]): { values: Record<string, unknown>; touches: Touch[] } {
    const values: Record<string, unknown> = {};
    const touches: Touch[] = [];
    for (const e of [...events].reverse()) {
      const before =
        e.type === "task.updated" || e.type === "note.updated"
          ? e.payload.before
          : e.type === "task.completed"
            ? { status: "open" }
            : undefined;
      if (e.type === "task.updated" || e.type === "note.updated") {
        // Events written before D18 carry no earlier values: those changes stay, and the answer says why.
        if (!before) touches.push({ seq: e.seq, actor: { kind: "system" }, fields: "all", verb: "changed", reason: "its earlier values were not recorded" });
      }
      for (const [field, value] of Object.entries(before ?? {})) {
        const touch = this.#touches.after(key, e.seq, [field]);
        if (touch) touches.push(touch);
        else values[field] = value;
      }
    }
    return { values, touches };
  }

  /** Plan items the turn settled are proposed again — unless the task an item became is kept. */
  planItems(own: readonly LedgerEvent[], removedTasks: Set<string>): void {
    const proposed = this.#deps.ledger.ofTypes(["plan.proposed"]);
    for (const e of own) {
      if (e.type !== "plan.item.settled") continue;
      const { date, itemId, task } = e.payload;
      if (task && !removedTasks.has(task.id) && readTask(this.#deps.doc, task.id)) continue;
      const first = proposed.flatMap((p) => (p.type === "plan.proposed" && p.payload.plan.date === date ? p.payload.plan.items : [])).find((i) => i.id === itemId);
      const now = this.#deps.ledger.state.plans[date]?.items.find((i) => i.id === itemId);
      if (!first || !now || now.status === "proposed") continue;
      this.reverted.push({ kind: "plan.item.reopened", date, item: first });
    }
  }

  /** Reminders the turn set are dismissed, so they never fire — unless the user snoozed one since. */
  reminders(own: readonly LedgerEvent[]): void {
    const { reminders } = this.#deps.ledger.state;
    for (const e of own) {
      if (e.type !== "reminder.set") continue;
      const reminder = reminders[e.payload.reminder.id];
      if (!reminder) continue;
      const touch = this.#touches.after(`reminder:${reminder.id}`, e.seq);
      if (touch) this.#keep("reminder", reminder.id, reminder.title, touch);
      else this.reverted.push({ kind: "reminder.dismissed", reminderId: reminder.id, title: reminder.title });
    }
  }

  /** Memory slots the turn pinned or unpinned go back to what they held before it, unless changed since. */
  memories(own: readonly LedgerEvent[]): void {
    const slots = grouped(own, (e) => (e.type === "memory.pinned" ? memorySlot(e.payload.memory) : e.type === "memory.unpinned" ? e.payload.slot : null));
    if (slots.size === 0) return;
    const history = this.#deps.ledger.ofTypes(["memory.pinned", "memory.unpinned", "turn.undone"]);
    for (const [slot, events] of slots) {
      const pinned = events.flatMap((e) => (e.type === "memory.pinned" ? [e.payload.memory] : []));
      const key = pinned[0]?.key ?? slot.slice(slot.indexOf(":") + 1);
      const touch = this.#touches.after(`memory:${slot}`, events.at(-1)!.seq);
      if (touch) {
        this.#keep("memory", slot, key, touch);
        continue;
      }
      this.reverted.push({ kind: "memory.restored", slot, key, memory: slotBefore(history, slot, events[0]!.seq) });
    }
  }

  /** Preference fields the turn changed go back to their earlier values, each unless changed since. */
  preferences(own: readonly LedgerEvent[]): void {
    const changed = new Map<string, number>();
    let first: number | null = null;
    for (const e of own) {
      if (e.type !== "preferences.updated") continue;
      first ??= e.seq;
      for (const [field] of preferenceFields(e.payload.patch)) changed.set(field, e.seq);
    }
    if (first === null) return;
    const earlier = new Map(preferenceFields(asPatch(prefsBefore(this.#deps.ledger.ofTypes(["preferences.updated", "turn.undone"]), first))));
    const restored: [string, unknown][] = [];
    const keptFields: string[] = [];
    let touched: Touch | undefined;
    for (const [field, seq] of changed) {
      const touch = this.#touches.after("preferences", seq, [field]);
      if (touch) {
        keptFields.push(field);
        touched ??= touch;
      } else restored.push([field, earlier.get(field)]);
    }
    if (restored.length > 0) {
      const patch = PreferencesPatchSchema.safeParse(nest(restored));
      const merged = patch.success ? PreferencesSchema.safeParse(applyPreferencesPatch(this.#deps.ledger.state.preferences, patch.data)) : null;
      if (patch.success && merged?.success && !planTimeProblem(merged.data)) {
        this.reverted.push({ kind: "preferences.restored", patch: patch.data });
      } else {
        // Restoring only some fields would leave the preferences inconsistent (a plan time outside work hours): all stay.
        keptFields.push(...restored.map(([f]) => f));
        touched ??= { seq: first, actor: { kind: "system" }, fields: "all", verb: "changed", reason: "changing it back alone would conflict with your other preferences" };
      }
    }
    if (touched) this.#keep("preferences", keptFields.join(", "), keptFields.map(preferenceLabel).join(", "), touched);
  }
}

/** The turn's events grouped by the entry they change, in order of first appearance. */
function grouped(events: readonly LedgerEvent[], keyOf: (e: LedgerEvent) => string | null): Map<string, LedgerEvent[]> {
  const groups = new Map<string, LedgerEvent[]>();
  for (const e of events) {
    const key = keyOf(e);
    if (key === null) continue;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return groups;
}

function taskIdOf(e: LedgerEvent): string | null {
  switch (e.type) {
    case "task.created":
      return e.payload.task.id;
    case "task.updated":
    case "task.completed":
    case "task.deleted":
      return e.payload.taskId;
    case "plan.item.settled":
      // Only a settle that created its task made a task; accepting an existing one changes none.
      return e.payload.task?.id ?? null;
    default:
      return null;
  }
}

function noteIdOf(e: LedgerEvent): string | null {
  switch (e.type) {
    case "note.created":
      return e.payload.note.id;
    case "note.updated":
    case "note.deleted":
      return e.payload.noteId;
    default:
      return null;
  }
}

/** What a memory slot held just before `seq`, from its whole history in the ledger (undo restores included). */
function slotBefore(history: readonly LedgerEvent[], slot: string, seq: number): Memory | null {
  let held: Memory | null = null;
  for (const e of history) {
    if (e.seq >= seq) break;
    if (e.type === "memory.pinned" && memorySlot(e.payload.memory) === slot) held = e.payload.memory;
    if (e.type === "memory.unpinned" && e.payload.slot === slot) held = null;
    if (e.type === "turn.undone") {
      for (const r of e.payload.reverted ?? []) if (r.kind === "memory.restored" && r.slot === slot) held = r.memory;
    }
  }
  return held;
}

/** The preferences just before `seq`, folded from their history (undo restores included). */
function prefsBefore(history: readonly LedgerEvent[], seq: number): Preferences {
  let prefs = DEFAULT_PREFERENCES;
  for (const e of history) {
    if (e.seq >= seq) break;
    if (e.type === "preferences.updated") prefs = applyPreferencesPatch(prefs, e.payload.patch);
    if (e.type === "turn.undone") {
      for (const r of e.payload.reverted ?? []) if (r.kind === "preferences.restored") prefs = applyPreferencesPatch(prefs, r.patch);
    }
  }
  return prefs;
}

/** `[["workHours.start", "08:00"]]` → `{ workHours: { start: "08:00" } }`, checked by the caller against the patch schema. */
function nest(fields: readonly [string, unknown][]): Record<string, unknown> {
  const out: Record<string, Record<string, unknown> | unknown> = {};
  const groups: Record<string, Record<string, unknown>> = {};
  for (const [field, value] of fields) {
    const dot = field.indexOf(".");
    if (dot < 0) out[field] = value;
    else (groups[field.slice(0, dot)] ??= {})[field.slice(dot + 1)] = value;
  }
  return { ...out, ...groups };
}

/** Preferences as a patch that would set them: a zone never chosen ("default") is not something a patch can say (S12). */
function asPatch({ timezoneSource, ...rest }: Preferences): PreferencesPatch {
  return timezoneSource === "default" ? rest : { ...rest, timezoneSource };
}
