/**
 * Checks a decoded update against the live document before it is applied
 * (docs/PROTOCOL.md D11, D13), using the structs yjs-guard.ts decoded once:
 *
 * - every struct it depends on — its left and right origins, its parent, the
 *   structs before it from the same client — is in the document or in the
 *   update itself, with no cycle, and its deletes name only what exists then.
 *   Otherwise Yjs would park the rest in `doc.store.pendingStructs` (kept in
 *   memory, merged again on every later update, sent on to every device);
 * - no clock passes MAX_CLOCK;
 * - every new struct lands where the schema allows (D1–D3): only the `tasks`
 *   `notes`, `goals` and `blocks` roots (B3), entries that are Y.Maps, fields that are plain values,
 *   a note's `body` that is a Y.Text holding text only. Wrong plain values are
 *   left to the repair of D6; a Y type, a root or content outside the schema
 *   is refused here, before anything changes.
 *
 * Checking the decoded structs costs one look-up per reference, where
 * applying the update to a scratch copy of the document would cost a copy of
 * the document per frame. Where a struct sits is read from its parent, or —
 * when the encoder left the parent out — from its left or right neighbour,
 * exactly as Yjs decides it when integrating (Item.getMissing).
 *
 * It also measures the update for the budgets (D12): operations that change
 * something, the task and note entries it touches outside note bodies, and
 * whether it stores new content.
 */
import * as Y from "yjs";
import { BLOCKS, GOALS, NOTES, TASKS } from "../../shared/doc-schema.ts";
import { LIMITS } from "../../shared/domain.ts";
import { type DeleteSet, MAX_CLOCK, type Struct } from "./yjs-guard.ts";

/** Longest field name inside a task or note entry; D2/D3 use names of at most 9 characters. */
export const MAX_FIELD_NAME = 64;

type Kind = "task" | "note" | "goal" | "block";

/** Where a struct sits in the schema: what its parent is. */
type Place =
  | { at: "root"; kind: Kind }
  | { at: "entry"; kind: Kind; key: string }
  | { at: "body"; key: string }
  /** Next to content Yjs has garbage-collected: Yjs drops such a struct. */
  | { at: "collected" }
  /** Anywhere else; only a document stored before these checks can hold such a place. */
  | { at: "outside" };

export type UpdateShape =
  | {
      ok: true;
      /** New structs plus delete ranges that remove something (D12). */
      ops: number;
      /** Task and note entries created, deleted or changed outside a note body (D12). */
      entries: number;
      /** Whether the update stores new content (a pure delete does not count against the size cap). */
      grows: boolean;
    }
  | { ok: false; message: string };

const OUTSIDE: Place = { at: "outside" };
const COLLECTED: Place = { at: "collected" };
/** A Map, not an object: a root named `__proto__` or `toString` must not find anything. */
const ROOTS = new Map<string, Place>([
  [TASKS, { at: "root", kind: "task" }],
  [NOTES, { at: "root", kind: "note" }],
  // B3: goals and blocks are entries of plain fields, like tasks.
  [GOALS, { at: "root", kind: "goal" }],
  [BLOCKS, { at: "root", kind: "block" }],
]);

const isMap = (type: Y.AbstractType<unknown>) => type instanceof Y.Map;
// Y.XmlText extends Y.Text: a note body is the plain kind.
const isText = (type: Y.AbstractType<unknown>) => type instanceof Y.Text && !(type instanceof Y.XmlText);
const isPlain = (content: Y.AbstractStruct | object) =>
  content instanceof Y.ContentAny || content instanceof Y.ContentJSON || content instanceof Y.ContentDeleted;

/** The place of the children of a type of class `type`, itself at `at` under key `sub`. */
function placeInside(at: Place, sub: string | null, type: Y.AbstractType<unknown>): Place {
  if (at.at === "collected") return COLLECTED;
  if (at.at === "root" && sub !== null && isMap(type)) return { at: "entry", kind: at.kind, key: sub };
  if (at.at === "entry" && at.kind === "note" && sub === "body" && isText(type)) return { at: "body", key: at.key };
  return OUTSIDE;
}

/** Why `content` may not sit at `at` under `sub`, or null when it may. */
function misplaced(at: Place, sub: string | null, content: object): string | null {
  switch (at.at) {
    case "collected":
      return null;
    case "outside":
      return "it edits a part of the document outside the schema (D1)";
    case "root":
      if (sub === null) return `it inserts into the ${at.kind}s map as if it were a list`;
      if (sub.length > LIMITS.id) return `a ${at.kind} id is at most ${LIMITS.id} characters`;
      if (content instanceof Y.ContentType) return isMap(content.type) ? null : `a ${at.kind} must be a Y.Map`;
      return isPlain(content) ? null : `a ${at.kind} must be a Y.Map`;
    case "entry":
      if (sub === null) return `it inserts into a ${at.kind} as if it were a list`;
      if (sub.length > MAX_FIELD_NAME) return `a ${at.kind} field name is at most ${MAX_FIELD_NAME} characters`;
      if (content instanceof Y.ContentType) {
        if (at.kind === "note" && sub === "body") return isText(content.type) ? null : "a note's body must be a Y.Text";
        return `a ${at.kind}'s ${sub.slice(0, 40)} must be a plain value`;
      }
      return isPlain(content) ? null : `a ${at.kind}'s ${sub.slice(0, 40)} must be a plain value`;
    case "body":
      if (sub !== null) return "a note body is a text, not a map";
      if (content instanceof Y.ContentString) {
        return content.str.length > LIMITS.noteBody ? `a note body holds at most ${LIMITS.noteBody} characters` : null;
      }
      return content instanceof Y.ContentDeleted ? null : "a note body holds plain text only";
  }
}

/** A reference resolved: a struct in the document, or the index of one in the update. */
type Located = Y.Item | Y.GC | number;

export class ShapeChecker {
  #doc: Y.Doc;
  /** Where the children of each integrated type sit. A type never moves once integrated, so this never goes stale. */
  #placeOfChildren = new WeakMap<Y.AbstractType<unknown>, Place>();

  constructor(doc: Y.Doc) {
    this.#doc = doc;
  }

  check(structs: Struct[], ds: DeleteSet): UpdateShape {
    try {
      return this.#check(structs, ds);
    } catch {
      // The document store refused a look-up it should have answered: treat the update as inconsistent, not the room as broken.
      return { ok: false, message: "the update does not fit the document" };
    }
  }

  #check(structs: Struct[], ds: DeleteSet): UpdateShape {
    const store = this.#doc.store;
    const states = new Map<number, number>();
    const stateOf = (client: number) => {
      let s = states.get(client);
      if (s === undefined) states.set(client, (s = Y.getState(store, client)));
      return s;
    };
    const fail = (message: string): UpdateShape => ({ ok: false, message });

    // 1. Each client's structs are one run, contiguous with what the document has.
    const sections = new Map<number, { from: number; to: number; end: number }>();
    for (let i = 0; i < structs.length; i++) {
      const s = structs[i]!;
      const { client, clock } = s.id;
      const end = clock + s.length;
      if (end > MAX_CLOCK) return fail(`clock ${end} is out of range`);
      let section = sections.get(client);
      if (i === 0 || structs[i - 1]!.id.client !== client) {
        if (section) return fail(`client ${client} appears twice`);
        if (clock > stateOf(client)) return fail(`missing dependencies: client ${client} starts at ${clock}, the room has ${stateOf(client)}`);
        sections.set(client, (section = { from: i, to: i, end }));
      }
      section!.to = i + 1;
      section!.end = end;
      if (s instanceof Y.Skip && end > stateOf(client)) return fail(`missing dependencies: client ${client} skips ${clock}–${end}`);
    }
    const isNew = (i: number) => {
      const s = structs[i]!;
      return !(s instanceof Y.Skip) && s.id.clock + s.length > stateOf(s.id.client);
    };

    const locate = (id: Y.ID): Located | null => {
      if (id.clock < stateOf(id.client)) {
        const own = store.clients.get(id.client)!;
        return own[Y.findIndexSS(own, id.clock)]!;
      }
      const section = sections.get(id.client);
      if (!section || id.clock >= section.end) return null;
      let lo = section.from;
      let hi = section.to - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (structs[mid]!.id.clock <= id.clock) lo = mid;
        else hi = mid - 1;
      }
      return structs[lo] instanceof Y.Skip ? null : lo;
    };

    // 2. References: each one is in the document or in the update. Flat arrays: a frame can carry 20,000 structs.
    const n = structs.length;
    const fresh = new Uint8Array(n);
    const lefts: (Located | null)[] = new Array(n).fill(null);
    const rights: (Located | null)[] = new Array(n).fill(null);
    const parents: (Located | string | null)[] = new Array(n).fill(null);
    for (let i = 0; i < n; i++) {
      if (!isNew(i)) continue;
      fresh[i] = 1;
      const s = structs[i]!;
      if (!(s instanceof Y.Item)) continue;
      if (s.origin !== null) {
        const found = locate(s.origin);
        if (found === null) return fail(`missing dependencies: ${s.origin.client}:${s.origin.clock} is unknown`);
        lefts[i] = found;
      }
      if (s.rightOrigin !== null) {
        const found = locate(s.rightOrigin);
        if (found === null) return fail(`missing dependencies: ${s.rightOrigin.client}:${s.rightOrigin.clock} is unknown`);
        rights[i] = found;
      }
      const parent: unknown = s.parent;
      if (typeof parent === "string") {
        // Cheapest refusal first: a root outside the schema needs nothing else looked at.
        if (!ROOTS.has(parent)) return fail(`root "${parent.slice(0, 40)}" is outside the schema (D1)`);
        parents[i] = parent;
      } else if (parent instanceof Y.ID) {
        const found = locate(parent);
        if (found === null) return fail(`missing dependencies: ${parent.client}:${parent.clock} is unknown`);
        parents[i] = found;
      } else if (s.origin === null && s.rightOrigin === null) return fail("a struct has neither a parent nor a neighbour");
    }
    /** The update's structs that struct `i` needs integrated first: the one before it from its client, and its references. */
    const depsOf = (i: number, visit: (d: number) => boolean): boolean => {
      if (i > 0 && fresh[i - 1] === 1 && structs[i - 1]!.id.client === structs[i]!.id.client && !visit(i - 1)) return false;
      const l = lefts[i];
      const r = rights[i];
      const p = parents[i];
      return (typeof l !== "number" || visit(l)) && (typeof r !== "number" || visit(r)) && (typeof p !== "number" || visit(p));
    };

    // 3. In dependency order (a cycle is a missing dependency too), where each new struct lands.
    const places: (Place | undefined)[] = new Array(n);
    const subs: (string | null)[] = new Array(n).fill(null);
    const entries = new Set<string>();
    let ops = 0;
    let grows = false;
    const settle = (i: number): string | null => {
      const s = structs[i]!;
      ops++;
      if (!(s instanceof Y.Item)) {
        places[i] = COLLECTED;
        return null;
      }
      let at: Place;
      let sub = s.parentSub;
      const p = parents[i]!;
      if (typeof p === "string") at = ROOTS.get(p)!;
      else if (p !== null) {
        const parentItem = typeof p === "number" ? structs[p]! : p;
        // A deleted type whose content was collected: Yjs drops what is added to it (a late edit to a deleted note, say).
        if (!(parentItem instanceof Y.Item) || parentItem.content instanceof Y.ContentDeleted) at = COLLECTED;
        else if (!(parentItem.content instanceof Y.ContentType)) return "its parent is not a type";
        else at = typeof p === "number" ? placeInside(places[p]!, subs[p]!, parentItem.content.type) : this.#childrenOf(parentItem.content.type);
      } else {
        const l = lefts[i]!;
        const r = rights[i]!;
        const left = l === null ? null : typeof l === "number" ? structs[l]! : l;
        const right = r === null ? null : typeof r === "number" ? structs[r]! : r;
        // Item.getMissing: a neighbour that was collected makes the struct collected; otherwise it takes the left's parent, or the right's.
        const n = left ?? right;
        if ((left !== null && !(left instanceof Y.Item)) || (right !== null && !(right instanceof Y.Item)) || !(n instanceof Y.Item)) at = COLLECTED;
        else {
          const index = left !== null ? l : r;
          if (typeof index === "number") {
            at = places[index]!;
            sub = subs[index]!;
          } else {
            at = this.#placeOf(n);
            sub = n.parentSub;
          }
        }
      }
      const problem = misplaced(at, sub, s.content);
      if (problem !== null) return problem;
      places[i] = at;
      subs[i] = sub;
      if (!(s.content instanceof Y.ContentDeleted) && at.at !== "collected") grows = true;
      if (at.at === "root" && sub !== null) entries.add(`${at.kind}:${sub}`);
      if (at.at === "entry") entries.add(`${at.kind}:${at.key}`);
      return null;
    };
    // Iterative depth-first search: 0 unseen, 1 on the current path, 2 settled.
    const color = new Uint8Array(n);
    const stack: number[] = [];
    let cycle = false;
    const push = (d: number) => {
      if (color[d] === 1) return !(cycle = true);
      if (color[d] === 0) stack.push(d);
      return true;
    };
    for (let start = 0; start < n; start++) {
      if (fresh[start] === 0 || color[start] === 2) continue;
      stack.push(start);
      while (stack.length > 0) {
        const i = stack[stack.length - 1]!;
        if (color[i] === 2) {
          stack.pop();
          continue;
        }
        if (color[i] === 0) {
          color[i] = 1;
          if (!depsOf(i, push)) return fail("missing dependencies: the update depends on itself in a cycle");
          continue;
        }
        const problem = settle(i);
        if (problem !== null) return fail(problem);
        color[i] = 2;
        stack.pop();
      }
    }
    if (cycle) return fail("missing dependencies: the update depends on itself in a cycle");

    // 4. Deletes: only of what exists once the structs are in; each range that removes something is an operation.
    for (const [client, ranges] of ds.clients) {
      const state = stateOf(client);
      const limit = Math.max(state, sections.get(client)?.end ?? 0);
      const own = store.clients.get(client);
      for (const { clock, len } of ranges) {
        const end = clock + len;
        if (end > MAX_CLOCK) return fail(`clock ${end} is out of range`);
        if (end > limit) return fail(`missing dependencies: it deletes ${client}:${clock}–${end}, beyond what exists`);
        if (len === 0) continue;
        let removes = end > state;
        if (own && clock < state) {
          for (let k = Y.findIndexSS(own, clock); k < own.length && own[k]!.id.clock < end; k++) {
            const s = own[k]!;
            if (!(s instanceof Y.Item) || s.deleted) continue;
            removes = true;
            const at = this.#placeOf(s);
            if (at.at === "root" && s.parentSub !== null) entries.add(`${at.kind}:${s.parentSub}`);
            if (at.at === "entry") entries.add(`${at.kind}:${at.key}`);
          }
        }
        if (removes) ops++;
      }
    }
    return { ok: true, ops, entries: entries.size, grows };
  }

  /** Where an integrated item sits. */
  #placeOf(item: Y.Item): Place {
    return item.parent instanceof Y.AbstractType ? this.#childrenOf(item.parent) : OUTSIDE;
  }

  /** Where the children of an integrated type sit. */
  #childrenOf(type: Y.AbstractType<unknown>): Place {
    const known = this.#placeOfChildren.get(type);
    if (known) return known;
    let place: Place;
    const item = type._item;
    if (item === null) place = isMap(type) ? (ROOTS.get(Y.findRootTypeKey(type)) ?? OUTSIDE) : OUTSIDE;
    else place = placeInside(this.#placeOf(item), item.parentSub, type);
    this.#placeOfChildren.set(type, place);
    return place;
  }
}

/**
 * How many structs the answer to a state request carries: for each client the
 * document knows, its structs past the clock the device has. One binary search
 * per client, where encoding the answer costs a write per struct (D12).
 */
export function answerSize(doc: Y.Doc, stateVector: Map<number, number>): number {
  let structs = 0;
  for (const [client, own] of doc.store.clients) {
    const clock = stateVector.get(client) ?? 0;
    const last = own[own.length - 1]!;
    if (clock >= last.id.clock + last.length) continue;
    structs += own.length - Y.findIndexSS(own, clock);
  }
  return structs;
}
