/**
 * Domain schemas shared by the room (`party/`) and the client (`web/`).
 *
 * Every type crossing a boundary is declared here once as a zod schema; the
 * TypeScript type is inferred from it so the validator and the type can never
 * drift apart.
 */
import { z } from "zod";
import { ActionCardReadSchema, ActionCardSchema } from "./action-card.ts";
import { RruleSchema } from "./rrule-text.ts";
import { plainText, titleText } from "./text.ts";

/** Caps on user-supplied strings. Oversized input is refused, never truncated. */
export const LIMITS = {
  title: 500,
  tag: 64,
  tags: 32,
  memoryKey: 200,
  memoryValue: 4_000,
  noteBody: 100_000,
  id: 128,
} as const;

/** A required one-line name (a title, a tag, a memory key): trimmed, 1–max characters, visible (D15, D16). */
const trimmed = (max: number) => z.string().trim().min(1).max(max).check(titleText);

/**
 * H15: the years a date written by a client may name. Years before 1970
 * would be instants before the Unix epoch (negative alarm times); after 2999
 * no person plans. "0000-01-01" or "9999-12-31" is a typo or a probe, refused
 * rather than kept as a task due in year 0.
 */
export const YEARS = { min: 1970, max: 2999 } as const;
const inYears = (iso: string) => {
  const year = Number(iso.slice(0, 4));
  return year >= YEARS.min && year <= YEARS.max;
};
const yearMessage = `year must be ${YEARS.min}–${YEARS.max}`;

/** A real calendar date, `YYYY-MM-DD` (zod checks month lengths and leap years), in YEARS (H15). */
export const IsoDateSchema = z.iso.date().refine(inYears, yearMessage);
/** An ISO date-time with `Z` or an offset, in YEARS (H15). */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).refine(inYears, yearMessage);

/** An ISO 8601 calendar date (`2026-11-21`) or date-time with offset (`2026-11-21T15:00:00Z`), in YEARS. */
export const DueSchema = z.union([IsoDateSchema, IsoDateTimeSchema]);

export const TaskStatusSchema = z.enum(["open", "done"]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Who caused a change. `deviceId` names the device for user actions; `turnId` the assistant turn. */
export const ActorSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("user"), deviceId: z.string().max(LIMITS.id).optional() }),
  z.strictObject({ kind: z.literal("assistant"), turnId: z.string().max(LIMITS.id) }),
  z.strictObject({ kind: z.literal("system") }),
]);
export type Actor = z.infer<typeof ActorSchema>;

/** A task as stored in the Yjs `tasks` map (docs/PROTOCOL.md D2). */
export const TaskSchema = z.strictObject({
  id: z.string().min(1).max(LIMITS.id).check(plainText),
  title: trimmed(LIMITS.title),
  status: TaskStatusSchema,
  /** ISO date or date-time, or null when the task has no due date. */
  due: DueSchema.nullable(),
  tags: z.array(trimmed(LIMITS.tag)).max(LIMITS.tags),
  /** Manual ordering key; lower sorts first. */
  order: z.number().finite(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  /** Actor kind and id that created the task, e.g. `user:phone-1` or `assistant:turn-7`. */
  createdBy: z.string().max(200).check(plainText),
  /** B4, D41: the goal that owns the task; absent on tasks of schema version 1 (older clients ignore it). */
  goalId: z.string().min(1).max(LIMITS.id).check(plainText).optional(),
});
export type Task = z.infer<typeof TaskSchema>;
/**
 * D40: how readers take a task — fields they do not know are dropped, not a reason to skip it
 * (a later version may add one). Writers, the room's repair (D6) and HTTP input stay strict.
 */
export const TaskReadSchema = TaskSchema.strip();

/** A note as read from the Yjs `notes` map; `body` is the text of its `Y.Text`. */
export const NoteSchema = z.strictObject({
  id: z.string().min(1).max(LIMITS.id).check(plainText),
  title: z.string().max(LIMITS.title).check(titleText),
  body: z.string().max(LIMITS.noteBody).check(plainText),
  pinned: z.boolean(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  createdBy: z.string().max(200).check(plainText),
});
export type Note = z.infer<typeof NoteSchema>;
/** D40: how readers take a note: unknown fields dropped. */
export const NoteReadSchema = NoteSchema.strip();

export const MemoryTypeSchema = z.enum(["fact", "preference", "person", "place", "other"]);

/** A pinned memory. Pinning the same `type` + `key` again replaces its value. */
export const MemorySchema = z.strictObject({
  id: z.string(),
  type: MemoryTypeSchema,
  key: trimmed(LIMITS.memoryKey),
  value: trimmed(LIMITS.memoryValue),
  pinnedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Y2: where it came from. Optional: memories pinned before provenance have none (shown as "from you"). */
  source: z.lazy(() => MemorySourceSchema).optional(),
  /** Y5: ISO date-time after which it is no longer used, and the room unpins it. */
  expiresAt: z.iso.datetime().optional(),
  /** Y4: ISO date-time a turn last gave it to the model (hour resolution: `memory.used`). */
  lastUsedAt: z.iso.datetime().optional(),
});
export type Memory = z.infer<typeof MemorySchema>;

/**
 * Y2: a memory's provenance. `message`: the assistant noticed it in the user's message and the user accepted it
 * (the message, its conversation and turn, and the proposal). `turn`: the assistant pinned it in a turn the user
 * asked to remember something. `user`: the user pinned it by hand. `import`: it came in with an archive (U10).
 */
export const MemorySourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("message"), messageId: z.string(), conversationId: z.string().optional(), turnId: z.string().optional(), proposalId: z.string().optional() }),
  z.strictObject({ kind: z.literal("turn"), turnId: z.string(), messageId: z.string().optional(), conversationId: z.string().optional() }),
  z.strictObject({ kind: z.literal("user"), deviceId: z.string().optional() }),
  z.strictObject({ kind: z.literal("import") }),
]);
export type MemorySource = z.infer<typeof MemorySourceSchema>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24h)");

/** An IANA time zone the runtime knows, e.g. `Europe/Paris`. */
export const TimeZoneSchema = z.string().max(64).refine(isKnownTimeZone, "unknown IANA time zone");

function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Who set `timezone` (S12): `default` — nobody yet (UTC); `device` — adopted
 * from the first device that said hello with its zone; `user` — chosen (in the
 * preferences, the traveller offer, by asking the assistant, or any API patch
 * that names a zone). Only a `default` zone is ever replaced by a device's.
 */
export const TimezoneSourceSchema = z.enum(["default", "device", "user"]);
export type TimezoneSource = z.infer<typeof TimezoneSourceSchema>;

export const PreferencesSchema = z.strictObject({
  timezone: TimeZoneSchema,
  /** Optional on input: preferences stored before it existed read as `default` (S12). */
  timezoneSource: TimezoneSourceSchema.default("default"),
  workHours: z.strictObject({
    start: clock,
    end: clock,
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).max(7),
  }),
  notifications: z.strictObject({
    enabled: z.boolean(),
    /** Local times between which nothing is pushed; null for none. */
    quietHours: z.strictObject({ start: clock, end: clock }).nullable(),
    reminders: z.boolean(),
    /** Opt-in: a daily plan proposed at `dailyPlanTime` (local) on work days. */
    dailyPlan: z.boolean(),
    dailyPlanTime: clock,
    /** Tell the device in use when the assistant finishes while no device is focused. */
    assistant: z.boolean(),
  }),
});
export type Preferences = z.infer<typeof PreferencesSchema>;
/** Preferences as stored or sent, before defaults: `timezoneSource` may be missing. */
export type PreferencesInput = z.input<typeof PreferencesSchema>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A daily plan time must fall within the work hours (S5). */
export function planTimeProblem(prefs: Preferences): string | null {
  const t = minutesOf(prefs.notifications.dailyPlanTime);
  const start = minutesOf(prefs.workHours.start);
  const end = minutesOf(prefs.workHours.end);
  const inside = start <= end ? t >= start && t < end : t >= start || t < end;
  return inside ? null : `dailyPlanTime ${prefs.notifications.dailyPlanTime} is outside work hours ${prefs.workHours.start}–${prefs.workHours.end}`;
}

/**
 * What a routine asks the assistant at each occurrence (S20): the user's own
 * words, one line, at most 500 characters. Opt-in only: set by the user, or by
 * a proposal the user confirmed (C8).
 */
export const RoutineSchema = z.strictObject({ prompt: z.string().trim().min(1).max(500).check(titleText) });
export type Routine = z.infer<typeof RoutineSchema>;

/**
 * A reminder: fires once at `at` (or, snoozed, at the new time) unless dismissed (S1–S3).
 * With `rrule` it repeats (S15): `at` is always its next occurrence and it stays pending after it fires.
 */
export const ReminderSchema = z.strictObject({
  id: z.string(),
  taskId: z.string().nullable(),
  title: z.string().min(1).max(LIMITS.title).check(titleText),
  at: IsoDateTimeSchema,
  status: z.enum(["pending", "fired", "dismissed"]),
  /** When it last fired; a recurring reminder keeps it while pending for the next occurrence. */
  firedAt: z.iso.datetime().nullable(),
  /** RFC 5545 RRULE text (no `RRULE:` prefix), normalized (S16), read as wall-clock time in the preference zone. Optional; older servers omit it. */
  rrule: RruleSchema.optional(),
  /** Each occurrence runs the assistant with this prompt (S20). Optional. */
  routine: RoutineSchema.optional(),
});
export type Reminder = z.infer<typeof ReminderSchema>;

/** One item of a daily plan; each is accepted, edited or rejected on its own (S6). */
export const PlanItemSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(["priority", "todo", "note"]),
  text: z.string().min(1).max(LIMITS.title).check(titleText),
  taskId: z.string().nullable(),
  status: z.enum(["proposed", "accepted", "rejected"]),
  /** K26: when the plan places it in the day, as ISO instants with offset. Optional; notes and older plans have none. */
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

export const PlanSchema = z.strictObject({
  date: IsoDateSchema,
  createdAt: z.iso.datetime(),
  source: z.enum(["schedule", "chat"]),
  items: z.array(PlanItemSchema).max(20),
});
export type Plan = z.infer<typeof PlanSchema>;

/** Whether a plan lists a priority or a todo: one without was made when nothing was open (S13). */
export const planListsTasks = (plan: Plan): boolean => plan.items.some((i) => i.kind !== "note");

/** Something to tell the user on the device in use (S8–S10). */
export const NotificationSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(["reminder", "plan", "assistant"]),
  title: z.string(),
  body: z.string(),
  ref: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const DEFAULT_PREFERENCES: Preferences = {
  timezone: "UTC",
  timezoneSource: "default",
  workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] },
  notifications: {
    enabled: true,
    quietHours: { start: "22:00", end: "07:00" },
    reminders: true,
    dailyPlan: false,
    dailyPlanTime: "09:00",
    assistant: true,
  },
};

/** A partial preferences update: every level is optional; given fields replace stored ones. */
export const PreferencesPatchSchema = z.strictObject({
  timezone: TimeZoneSchema.optional(),
  /**
   * Optional (S12): who sets `timezone`, given only with it; a patch that names
   * a zone without it is the user's choice. `device` is refused (`409`) once a
   * zone was set. Older servers refuse the field (strict).
   */
  timezoneSource: z.enum(["device", "user"]).optional(),
  workHours: PreferencesSchema.shape.workHours.partial().optional(),
  notifications: PreferencesSchema.shape.notifications.partial().optional(),
});
export type PreferencesPatch = z.infer<typeof PreferencesPatchSchema>;

export const MessageSchema = z.strictObject({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  text: z.string(),
  channel: z.enum(["chat", "voice", "command"]),
  turnId: z.string().optional(),
  status: z.enum(["complete", "interrupted", "failed"]),
  createdAt: z.iso.datetime(),
  /** T10: its conversation; absent means the default conversation `main` (shared/conversations.ts). */
  conversationId: z.string().optional(),
  /**
   * T11: the message it follows on its branch; `null` for the first message of its conversation. Absent on
   * messages stored before branches: they follow the previous message of their conversation.
   */
  parentId: z.string().nullable().optional(),
  /** T13: a user message sent as an edit of an earlier one (a sibling of it: same parent). */
  editOf: z.string().optional(),
  /**
   * The action cards of an assistant's reply, in the order they happened, each
   * with its current status (C16, C17). Optional: user messages, replies that
   * did nothing, and messages stored before cards were kept have none.
   */
  actions: z.array(ActionCardSchema).optional(),
});
export type Message = z.infer<typeof MessageSchema>;
/** D40: a message as clients read it: unknown fields of it and of its cards dropped. */
export const MessageReadSchema = MessageSchema.extend({ actions: z.array(ActionCardReadSchema).optional() }).strip();

export const DeviceKindSchema = z.enum(["web", "desktop", "mobile", "cli", "other"]);

/** One connected device of the user, merged over its open sockets (docs/PROTOCOL.md P9). */
export const DeviceSchema = z.strictObject({
  deviceId: z.string(),
  name: z.string(),
  kind: DeviceKindSchema,
  connectedAt: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  focused: z.boolean(),
  /**
   * Browser and OS as the room read them from the socket's user agent, e.g. "Chrome on Linux" (P16).
   * Optional: a client that sends no user agent has none, and older rooms omit it.
   */
  platform: z.string().max(100).optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

/**
 * A device the room has met, online or not (P16): the name and kind of its
 * latest hello, and when it was last seen — what lets a view name the device
 * behind an actor's `deviceId` long after it disconnected.
 */
export const KnownDeviceSchema = z.strictObject({
  deviceId: z.string(),
  name: z.string(),
  kind: DeviceKindSchema,
  /** ISO date-time: its latest hello, focus or frame while connected, or when its last socket closed. */
  lastSeen: z.iso.datetime(),
  /** As in `Device`: browser and OS from its user agent; optional. */
  platform: z.string().max(100).optional(),
});
export type KnownDevice = z.infer<typeof KnownDeviceSchema>;

/**
 * Ledger events are declared in `events.ts` (one union of every type and its
 * payload). Only the type is re-exported here: `events.ts` builds on this
 * module's schemas, so a value re-export would be an import cycle.
 */
export type { LedgerEvent } from "./events.ts";
