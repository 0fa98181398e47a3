/**
 * Seeded fuzz inputs for the standing attack suite (docs/PROTOCOL.md X1, X2):
 * HTTP bodies and JSON frames made by fast-check from a fixed seed, so a
 * failing run replays with `TEST_SEED=<seed>`. Runs in Node and in workerd.
 *
 * Most inputs start from a valid body of one of the room's inputs (so they get
 * past the first check and reach the handlers) and are then mutated: a node
 * replaced by a hostile value, a key dropped or added, the text cut short.
 * The rest is noise: random JSON, random text, bytes that are not UTF-8.
 * `"$id"` and `"$key"` in a recipe are placeholders, resolved when it is sent
 * to an id the room handed out earlier and to an idempotency key from a small
 * pool, so repeats and conflicts happen too.
 */
import fc from "fast-check";
import type { JsonValue } from "fast-check";
import type { InputName } from "../../party/core/inputs.ts";

export type { JsonValue };

export const ID = "$id";
export const KEY = "$key";

/**
 * A valid body (the HTTP body, or the socket frame's `command`) of every
 * input, with placeholders. Keyed by the input table's names, so a new input
 * does not compile until it has its seeds here. Ids-only inputs have no body.
 */
export const INPUT_SEEDS: { readonly [K in InputName]: readonly JsonValue[] } = {
  task: [
    { action: "create", task: { title: "Call John", due: "2026-11-26", tags: ["calls"] }, clientActionId: KEY },
    { action: "create", task: { title: "Pay rent", due: "2026-11-26T15:00:00+01:00" } },
    { action: "update", taskId: ID, patch: { title: "Call John back", due: null, status: "done", order: 2, tags: [] } },
    { action: "complete", taskId: ID, clientActionId: KEY },
    { action: "delete", taskId: ID },
  ],
  note: [
    { action: "create", note: { title: "Mood", body: "mood: 😀 ok", pinned: true }, clientActionId: KEY },
    { action: "update", noteId: ID, patch: { body: "mood: 😁 ok", title: "Mood", pinned: false } },
    { action: "delete", noteId: ID },
  ],
  undo: [{ turnId: ID, clientActionId: KEY }],
  "memory.pin": [{ type: "place", key: "favorite airport", value: "JFK", clientActionId: KEY }],
  "memory.unpin": [{ memoryId: ID }],
  "preferences.update": [
    {
      timezone: "Europe/Paris",
      workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] },
      notifications: { enabled: true, quietHours: { start: "22:00", end: "07:00" }, dailyPlan: true, dailyPlanTime: "09:30" },
    },
    { notifications: { quietHours: null }, clientActionId: KEY },
  ],
  "reminder.set": [
    { at: "2026-11-26T09:00:00Z", title: "Tea", clientActionId: KEY },
    { at: "2026-11-26T09:00:00+01:00", taskId: ID },
    { title: "Stretch", rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", routine: { prompt: "What is on my agenda today?" } },
  ],
  "reminder.snooze": [{ minutes: 10, clientActionId: KEY }],
  "reminder.dismiss": [],
  "reminder.update": [{ title: "Tea time", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30", clientActionId: KEY }, { at: "2026-11-26T10:00:00Z", rrule: null }],
  "notification.ack": [],
  "plan.item": [
    { date: "2026-11-25", itemId: ID, action: "accept" },
    { date: "2026-11-25", itemId: ID, action: "edit", text: "Call John first", clientActionId: KEY },
  ],
  "message.send": [
    { text: "remind me to call John tomorrow at 3pm", clientActionId: KEY },
    { text: "plan my day", channel: "chat" },
    { text: "delete call john" },
    { text: "what's on my agenda today?", contextIds: [ID], channel: "voice" },
    { text: "remember that my favorite airport is JFK" },
  ],
  "message.regenerate": [{ messageId: ID, clientActionId: KEY }, { messageId: ID }],
  "conversation.create": [{ title: "Trip to Lisbon", clientActionId: KEY }, { id: "trip-2027", title: "Trip" }, {}],
  "conversation.update": [{ title: "Work", clientActionId: KEY }, { archived: true }, { title: "Trip", archived: false }],
  "conversation.delete": [],
  "turn.stop": [],
  "proposal.confirm": [],
  "proposal.reject": [],
};

/** Values that have broken parsers, validators and date code elsewhere. */
const NASTY: readonly JsonValue[] = [
  "",
  " ",
  "\u0000",
  "\u200b\u200b",
  "\ud800",
  "a\udc00b",
  "😀",
  "x".repeat(501),
  "x".repeat(4_001),
  "__proto__",
  "constructor",
  "0000-01-01",
  "2026-02-30",
  "2026-13-45",
  "9999-12-31T23:59:59Z",
  "2026-11-22T15:00:00+25:00",
  "2026-11-22T24:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "Mars/Phobos",
  "Etc/GMT+14",
  "24:00",
  "23:60",
  "../../etc/passwd",
  "%00%2e%2e",
  "<script>alert(1)</script>",
  "![x](http://evil.invalid/beacon.png)",
  ID,
  KEY,
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  true,
  false,
  null,
  [],
  {},
  [[[[[]]]]],
  // An own `__proto__` key, as JSON.parse makes it (an object literal would set the prototype instead).
  JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue,
];

/** One hostile value: a known-bad one, or random JSON. */
export const hostileValue: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
);

/** One edit of a JSON tree: the node at `at` (in walk order) is replaced, dropped, given a new key, or wrapped. */
export type Mutation = { op: "replace" | "drop" | "add" | "wrap"; at: number; key: string; value: JsonValue };

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom("replace", "replace", "drop", "add", "wrap"),
  at: fc.nat({ max: 1_000 }),
  key: fc.oneof(fc.constantFrom("__proto__", "constructor", "extra", "clientActionId", "id", "type", "action"), fc.string({ maxLength: 8 })),
  value: hostileValue,
});

/** fast-check's JSON object: its values may be missing (`undefined` is dropped by JSON.stringify). */
type JsonObject = { [key: string]: JsonValue | undefined };
type Slot = { parent: JsonValue[] | JsonObject | null; key: string | number; node: JsonValue };

function slots(root: JsonValue): Slot[] {
  const out: Slot[] = [{ parent: null, key: "", node: root }];
  const walk = (node: JsonValue) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i, node: child });
        walk(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const key of Object.keys(node)) {
        const child = node[key];
        if (child === undefined) continue;
        out.push({ parent: node, key, node: child });
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

const copy = (value: JsonValue): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

/** Applies mutations to a copy of `value`; pure and deterministic. */
export function mutate(value: JsonValue, mutations: readonly Mutation[]): JsonValue {
  let root = copy(value);
  for (const m of mutations) {
    const all = slots(root);
    const slot = all[m.at % all.length]!;
    const replacement: JsonValue | undefined =
      // A copy of the value: the known-bad values are shared, and a later mutation inside one must not reach the
      // constant itself (it could be put inside itself, and the next walk would never end).
      m.op === "replace" ? copy(m.value) : m.op === "wrap" ? [slot.node] : m.op === "add" ? addKey(slot.node, m.key, copy(m.value)) : undefined;
    if (slot.parent === null) {
      root = replacement ?? null;
    } else if (Array.isArray(slot.parent) && typeof slot.key === "number") {
      if (replacement === undefined) slot.parent.splice(slot.key, 1);
      else slot.parent[slot.key] = replacement;
    } else if (!Array.isArray(slot.parent) && typeof slot.key === "string") {
      if (replacement === undefined) delete slot.parent[slot.key];
      else Object.defineProperty(slot.parent, slot.key, { value: replacement, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

function addKey(node: JsonValue, key: string, value: JsonValue): JsonValue {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: JsonObject = { ...node };
  // defineProperty, so that "__proto__" becomes an own key, as in a parsed body.
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** What goes in a body or a frame: JSON to serialize, raw text, raw bytes, or nothing. */
export type Payload = { kind: "json"; value: JsonValue } | { kind: "text"; text: string } | { kind: "bytes"; bytes: number[] } | { kind: "none" };

/** A seed as it is (half the time: valid input reaches the handlers and builds state) or with 1–3 mutations. */
const mutated = (seeds: readonly JsonValue[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...seeds), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([seed, ms]) => mutate(seed, ms)), weight: 1 },
  );

/** Text that is almost, or not at all, JSON. */
const rawText = (seeds: readonly JsonValue[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([seed, n]) => {
      const text = JSON.stringify(seed);
      return text.slice(0, n % Math.max(1, text.length));
    }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", "null", "[]", "0", '"text"', "{", '{"a":1,"a":2}', "[".repeat(20_000) + "]".repeat(20_000), "\ufeff{}"),
    fc.tuple(fc.constantFrom(...seeds), fc.integer({ min: 60_000, max: 80_000 })).map(([seed, n]) =>
      // Over the 64 KiB body cap (H2) and the frame cap (P4), as valid JSON.
      JSON.stringify({ pad: "x".repeat(n), seed }),
    ),
    fc.constantFrom(...seeds).map((seed) => `{"__proto__":{"admin":true},${JSON.stringify(seed).slice(1)}`),
  );

/** Bodies for one route: mostly mutated seeds (zero mutations = a valid body), then noise. */
export function payload(seeds: readonly JsonValue[]): fc.Arbitrary<Payload> {
  const pool = seeds.length > 0 ? seeds : [{}];
  return fc.oneof(
    { arbitrary: mutated(pool).map((value): Payload => ({ kind: "json", value })), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Payload => ({ kind: "json", value })), weight: 2 },
    { arbitrary: rawText(pool).map((text): Payload => ({ kind: "text", text })), weight: 2 },
    { arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes): Payload => ({ kind: "bytes", bytes: [0xff, ...bytes] })), weight: 1 },
    { arbitrary: fc.constant<Payload>({ kind: "none" }), weight: 1 },
  );
}

/** A route as the fuzz sees it: its method and path pattern (party/api/routes.ts ROUTES). */
export type RouteShape = { readonly method: string; readonly path: string; readonly write: boolean };

/** One HTTP request, before its placeholders are resolved. */
export type HttpShot = {
  route: number;
  /** One per `:param` of the path: the placeholder, or any string (URL-encoded when sent). */
  params: string[];
  query: [string, string][];
  headers: [string, string][];
  body: Payload;
};

const QUERY_NAMES = ["since", "limit", "before", "date", "ticket", "userId", "__proto__", "x"] as const;
const queryValue = fc.oneof(
  fc.constantFrom("0", "-1", "1", "1000", "1001", "1e3", "99999999999999999999", "2026-13-45", "2026-11-25", "0000-01-01", "", "%00", "2026-11-25T10:00:00.000Z|abc", "|", "NaN"),
  fc.string({ maxLength: 20 }),
);

const header = fc.oneof(
  fc.tuple(fc.constant("content-type"), fc.constantFrom("text/plain", "application/json; charset=utf-16", "APPLICATION/JSON", "application/jsonx", "")),
  fc.tuple(fc.constant("idempotency-key"), fc.oneof(fc.constant(KEY), fc.string({ maxLength: 140 }), fc.constantFrom("short", "a".repeat(129), "ok-key-but/slash"))),
  fc.tuple(fc.constant("x-device-id"), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("phone-1", "a".repeat(200), "../x"))),
  // A6: trusted headers a client must not be able to set.
  fc.tuple(fc.constantFrom("x-mc-user-id", "x-partykit-room", "x-partykit-namespace"), fc.constantFrom("victim", "bob", "")),
);

const param = fc.oneof({ arbitrary: fc.constant(ID), weight: 4 }, { arbitrary: fc.string({ maxLength: 70 }), weight: 1 }, { arbitrary: fc.constantFrom("..", "a".repeat(65), "%2F"), weight: 1 });

/** HTTP requests over every route in `routes`; `seedsOf(route)` are that route's valid bodies. */
export function httpShot(routes: readonly RouteShape[], seedsOf: (route: RouteShape) => readonly JsonValue[]): fc.Arbitrary<HttpShot> {
  return fc.nat({ max: routes.length - 1 }).chain((index) => {
    const route = routes[index]!;
    const paramCount = route.path.split("/").filter((s) => s.startsWith(":")).length;
    return fc.record({
      route: fc.constant(index),
      params: fc.array(param, { minLength: paramCount, maxLength: paramCount }),
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), queryValue), { maxLength: 3 }),
      headers: fc.array(header, { maxLength: 2 }),
      body: payload(seedsOf(route)),
    });
  });
}

/** Every socket frame's valid shape, with placeholders (P2–P13); input frames carry their seeds as `command`. */
export function frameSeeds(): JsonValue[] {
  const frames: JsonValue[] = [
    { type: "hello", v: 1, deviceId: "fuzz-device", name: "Fuzz", kind: "web", focused: true, lastEventSeq: 0, rid: "h" },
    { type: "ping", rid: "p" },
    { type: "focus", focused: true },
    { type: "events.backfill", since: 0, limit: 10, rid: "b" },
    { type: "reminder.dismiss", reminderId: ID },
    { type: "notification.ack", notificationId: ID },
    { type: "turn.stop", turnId: ID },
    { type: "proposal.confirm", proposalId: ID },
    { type: "proposal.reject", proposalId: ID },
  ];
  for (const [name, seeds] of Object.entries(INPUT_SEEDS)) {
    if (name === "memory.unpin") continue; // HTTP only (party/core/inputs.ts)
    for (const command of seeds) frames.push(name === "reminder.snooze" || name === "reminder.update" ? { type: name, reminderId: ID, command, rid: "r" } : { type: name, command, rid: "r" });
  }
  return frames;
}

/** One JSON frame: a mutated frame seed (zero mutations = valid), random JSON, or raw text. */
export const jsonFrame: fc.Arbitrary<Payload> = fc.oneof(
  { arbitrary: mutated(frameSeeds()).map((value): Payload => ({ kind: "json", value })), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Payload => ({ kind: "json", value })), weight: 2 },
  { arbitrary: rawText(frameSeeds()).map((text): Payload => ({ kind: "text", text })), weight: 2 },
);

/** Replaces placeholders: `$id` by an id the room gave out (or a made-up one), `$key` by a key from a small pool. */
export function resolve(value: JsonValue, pick: (placeholder: string) => string): JsonValue {
  if (value === ID || value === KEY) return pick(value);
  if (Array.isArray(value)) return value.map((v) => resolve(v, pick));
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (child !== undefined) Object.defineProperty(out, key, { value: resolve(child, pick), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Text of a payload (what goes on the wire), after placeholders. */
export function payloadText(body: Payload, pick: (placeholder: string) => string): string | Uint8Array<ArrayBuffer> | undefined {
  switch (body.kind) {
    case "json":
      return JSON.stringify(resolve(body.value, pick));
    case "text":
      return body.text;
    case "bytes":
      return Uint8Array.from(body.bytes);
    case "none":
      return undefined;
  }
}

const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"] as const;

/**
 * Ids the room handed out, harvested from its answers, to aim later inputs at
 * real objects. Picks are made with the run's own random numbers, so a seed
 * replays the same choices.
 */
export class IdPool {
  #ids: string[] = [];
  #seen = new Set<string>();
  #next: () => number;
  #made = 0;

  constructor(next: () => number) {
    this.#next = next;
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Collects every string under a key named `id` or `…Id` in a JSON answer. */
  harvest(value: unknown): void {
    if (Array.isArray(value)) for (const v of value) this.harvest(v);
    else if (value !== null && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        if ((key === "id" || key.endsWith("Id")) && typeof v === "string" && v.length <= 64 && !this.#seen.has(v)) {
          this.#seen.add(v);
          this.#ids.push(v);
        } else this.harvest(v);
      }
    }
  }

  pick(placeholder: string): string {
    if (placeholder === KEY) return `fuzz-key-${Math.floor(this.#next() * 40)}`;
    // Ids index the room's records: names every plain object already has must find nothing (X2).
    if (this.#next() < 0.05) return PROTOTYPE_KEYS[Math.floor(this.#next() * PROTOTYPE_KEYS.length)]!;
    if (this.#ids.length === 0 || this.#next() < 0.2) return `made-up-${++this.#made}`;
    // Recent ids are likelier to still exist.
    const recent = Math.min(this.#ids.length, 16);
    return this.#ids[this.#ids.length - 1 - Math.floor(this.#next() * recent)]!;
  }
}

/**
 * A stack trace or an internal path in text a client receives (E3): a V8 frame
 * (`at fn (file:line:col)`), or a source path with line numbers.
 */
const STACK = /\n\s*at \S|\bat [^\s()]+ \([^)]*:\d+:\d+\)|(?:file:\/\/|\/)[\w./-]*\.(?:ts|js|mjs|cjs):\d+|node_modules\//;

export const hasStack = (text: string): boolean => STACK.test(text);
