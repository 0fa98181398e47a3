/**
 * Projections: pure reducers over ledger events (DESIGN.md §2).
 *
 * The live state of a room is `events.reduce(reduce, INITIAL_PROJECTION)`;
 * snapshots store this value at a seq so hydration replays only the tail.
 * Events this reducer does not know (tasks live in the Yjs document; later
 * features add types) leave the state unchanged, so old code can replay new
 * ledgers.
 */
import {
  DEFAULT_PREFERENCES,
  type LedgerEvent,
  type Memory,
  type Message,
  type Notification,
  type Plan,
  type Preferences,
  type PreferencesPatch,
  type Reminder,
} from "../../shared/domain.ts";

/** How many messages the projection keeps hot; older ones are archived (chat retention). */
export const RECENT_MESSAGES = 100;

/** LLM tokens and tool calls used on one UTC day (G6). */
export type Usage = { day: string; tokens: number; tools: Record<string, number> };

export type Projection = {
  /** Keyed by `${type}:${key}` so pinning the same memory again replaces it. */
  memories: Record<string, Memory>;
  preferences: Preferences;
  recentMessages: Message[];
  usage: Usage;
  /** Reminders not dismissed; fired ones are kept a week (S1). */
  reminders: Record<string, Reminder>;
  /** The inbox: notifications not yet acknowledged (S9). */
  notifications: Record<string, Notification>;
  /** Plans by local date, the last PLANS_KEPT (S6). */
  plans: Record<string, Plan>;
  lastEventSeq: number;
};

export const PLANS_KEPT = 14;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export const INITIAL_PROJECTION: Projection = {
  memories: {},
  preferences: DEFAULT_PREFERENCES,
  recentMessages: [],
  usage: { day: "", tokens: 0, tools: {} },
  reminders: {},
  notifications: {},
  plans: {},
  lastEventSeq: 0,
};

/** Payloads of the event types the projections fold. */
export type MemoryPinnedPayload = { memory: Memory };
export type PreferencesUpdatedPayload = { patch: PreferencesPatch };
export type MessageAddedPayload = { message: Message };
export type UsageChargedPayload = { day: string; tokens: number };
export type ToolUsedPayload = { day: string; tool: string };

const onDay = (usage: Usage, day: string): Usage => (usage.day === day ? usage : { day, tokens: 0, tools: {} });

export const memorySlot = (memory: Pick<Memory, "type" | "key">) => `${memory.type}:${memory.key.toLowerCase()}`;

export function applyPreferencesPatch(prefs: Preferences, patch: PreferencesPatch): Preferences {
  return {
    timezone: patch.timezone ?? prefs.timezone,
    workHours: { ...prefs.workHours, ...patch.workHours },
    notifications: { ...prefs.notifications, ...patch.notifications },
  };
}

export function reduce(state: Projection, event: LedgerEvent): Projection {
  const next = { ...state, lastEventSeq: event.seq };
  switch (event.type) {
    case "memory.pinned": {
      const { memory } = event.payload as MemoryPinnedPayload;
      return { ...next, memories: { ...state.memories, [memorySlot(memory)]: memory } };
    }
    case "memory.unpinned": {
      const { slot } = event.payload as { slot: string };
      const { [slot]: _gone, ...memories } = state.memories;
      return { ...next, memories };
    }
    case "preferences.updated": {
      const { patch } = event.payload as PreferencesUpdatedPayload;
      return { ...next, preferences: applyPreferencesPatch(state.preferences, patch) };
    }
    case "message.added": {
      const { message } = event.payload as MessageAddedPayload;
      return { ...next, recentMessages: [...state.recentMessages, message].slice(-RECENT_MESSAGES) };
    }
    case "usage.charged": {
      const { day, tokens } = event.payload as UsageChargedPayload;
      const usage = onDay(state.usage, day);
      return { ...next, usage: { ...usage, tokens: usage.tokens + tokens } };
    }
    case "tool.used": {
      const { day, tool } = event.payload as ToolUsedPayload;
      const usage = onDay(state.usage, day);
      return { ...next, usage: { ...usage, tools: { ...usage.tools, [tool]: (usage.tools[tool] ?? 0) + 1 } } };
    }
    case "reminder.set":
    case "reminder.fired":
    case "reminder.snoozed":
    case "reminder.dismissed":
      return { ...next, reminders: reduceReminders(state.reminders, event) };
    case "notification.created": {
      const { notification } = event.payload as { notification: Notification };
      return { ...next, notifications: { ...state.notifications, [notification.id]: notification } };
    }
    case "notification.acked": {
      const { notificationId } = event.payload as { notificationId: string };
      const { [notificationId]: _acked, ...rest } = state.notifications;
      return { ...next, notifications: rest };
    }
    case "plan.proposed": {
      const { plan } = event.payload as { plan: Plan };
      const dates = Object.keys({ ...state.plans, [plan.date]: plan }).sort().slice(-PLANS_KEPT);
      const plans = { ...state.plans, [plan.date]: plan };
      return { ...next, plans: Object.fromEntries(dates.map((d) => [d, plans[d]!])) };
    }
    case "plan.item.settled": {
      const { date, itemId, status, text, taskId } = event.payload as { date: string; itemId: string; status: "accepted" | "rejected"; text?: string; taskId?: string };
      const plan = state.plans[date];
      if (!plan) return next;
      const items = plan.items.map((i) => (i.id === itemId ? { ...i, status, text: text ?? i.text, taskId: taskId ?? i.taskId } : i));
      return { ...next, plans: { ...state.plans, [date]: { ...plan, items } } };
    }
    default:
      return next;
  }
}

function reduceReminders(reminders: Record<string, Reminder>, event: LedgerEvent): Record<string, Reminder> {
  const cutoff = new Date(Date.parse(event.ts) - WEEK_MS).toISOString();
  const kept = Object.fromEntries(Object.entries(reminders).filter(([, r]) => !(r.status === "fired" && r.firedAt !== null && r.firedAt < cutoff)));
  const p = event.payload as { reminder?: Reminder; reminderId?: string; at?: string; firedAt?: string };
  switch (event.type) {
    case "reminder.set":
      return { ...kept, [p.reminder!.id]: p.reminder! };
    case "reminder.fired": {
      const r = kept[p.reminderId!];
      return r ? { ...kept, [r.id]: { ...r, status: "fired", firedAt: p.firedAt! } } : kept;
    }
    case "reminder.snoozed": {
      const r = kept[p.reminderId!];
      return r ? { ...kept, [r.id]: { ...r, status: "pending", at: p.at!, firedAt: null } } : kept;
    }
    case "reminder.dismissed": {
      const { [p.reminderId!]: _gone, ...rest } = kept;
      return rest;
    }
    default:
      return kept;
  }
}

export const replay = (events: Iterable<LedgerEvent>, from: Projection = INITIAL_PROJECTION): Projection => {
  let state = from;
  for (const event of events) state = reduce(state, event);
  return state;
};

export const memoriesOf = (state: Projection): Memory[] =>
  Object.values(state.memories).sort((a, b) => a.pinnedAt.localeCompare(b.pinnedAt));
