/**
 * Projections: pure reducers over ledger events (DESIGN.md §2).
 *
 * The live state of a room is `events.reduce(reduce, INITIAL_PROJECTION)`;
 * snapshots store this value at a seq so hydration replays only the tail.
 * The switch covers every event type of `shared/events.ts`: types with no
 * projected state (tasks and notes live in the Yjs document) are listed as
 * no-ops, so a new type does not compile until it is given a meaning here.
 * Types this build does not know never reach the reducer: the ledger skips
 * them (L10), so old code can still replay new ledgers.
 */
import {
  DEFAULT_PREFERENCES,
  type Memory,
  type Message,
  type Notification,
  type Plan,
  type Preferences,
  type PreferencesInput,
  type PreferencesPatch,
  type Reminder,
} from "../../shared/domain.ts";
import { cardUpdatesOf, withCardStatus } from "../../shared/action-card.ts";
import type { EventOf, LedgerEvent } from "../../shared/events.ts";
import type { CalendarSourceInfo } from "../../shared/calendar.ts";
import type { PushSubscriptionInfo } from "../../shared/push.ts";
import type { VoiceJobRecord } from "../../shared/voice.ts";
import { dropConversationJobs, reduceVoiceJobs } from "./voice-projection.ts";
import { type Conversation, CONVERSATION_DELETED_TEXT, conversationOf, DEFAULT_CONVERSATION_ID, DEFAULT_CONVERSATION_TITLE } from "../../shared/conversations.ts";

/** How many messages the projection keeps hot; older ones are archived (chat retention). */
export const RECENT_MESSAGES = 100;

/** LLM tokens and tool calls used on one local day of the user (G6, C13). */
export type Usage = { day: string; tokens: number; tools: Record<string, number>; voiceSeconds?: number };

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
  /** Assistant turns undone, oldest first, the last UNDONE_TURNS_KEPT (D9): shown as undone, offered no Undo. */
  undoneTurns: string[];
  /** Web Push subscriptions by id, without endpoints or keys (N3). */
  pushSubscriptions: Record<string, PushSubscriptionInfo>;
  /** Calendar sources by id, without credentials (K3); optional: snapshots from before calendars lack it. */
  calendarSources?: Record<string, CalendarSourceInfo>;
  /** T1: conversations by id; optional: snapshots from before threads lack it (`main` appears with its next message). */
  conversations?: Record<string, Conversation>;
  /** V13: voice jobs by id, the latest 50; optional: snapshots from before voice lack it. */
  voiceJobs?: Record<string, VoiceJobRecord>;
  lastEventSeq: number;
};

export const PLANS_KEPT = 14;
export const UNDONE_TURNS_KEPT = 500;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export const INITIAL_PROJECTION: Projection = {
  memories: {},
  preferences: DEFAULT_PREFERENCES,
  recentMessages: [],
  usage: { day: "", tokens: 0, tools: {} },
  reminders: {},
  notifications: {},
  plans: {},
  undoneTurns: [],
  pushSubscriptions: {},
  lastEventSeq: 0,
};

/**
 * C13: the tally a use on `day` counts in. Days only move forward: a use
 * dated before the current day (the preference zone moved west, so the local
 * date went back) counts in the current day, so changing zones never opens a
 * fresh budget for a day already counted.
 */
const onDay = (usage: Usage, day: string): Usage => (usage.day >= day ? usage : { day, tokens: 0, tools: {} });

export const memorySlot = (memory: Pick<Memory, "type" | "key">) => `${memory.type}:${memory.key.toLowerCase()}`;

export function applyPreferencesPatch(prefs: Preferences, patch: PreferencesPatch): Preferences {
  return {
    timezone: patch.timezone ?? prefs.timezone,
    // S12: a zone named without a source is the user's choice — as every zone set before sources existed was.
    timezoneSource: patch.timezone === undefined ? prefs.timezoneSource : (patch.timezoneSource ?? "user"),
    workHours: { ...prefs.workHours, ...patch.workHours },
    notifications: { ...prefs.notifications, ...patch.notifications },
  };
}

/**
 * A snapshot written before `timezoneSource` existed (S12) reads as replaying
 * its events would: a zone other than the default UTC was set by the user.
 */
export function upgradeSnapshot(stored: StoredProjection): Projection {
  const { timezoneSource, ...prefs } = stored.preferences;
  const source = timezoneSource ?? (prefs.timezone === DEFAULT_PREFERENCES.timezone ? "default" : "user");
  return { ...stored, preferences: { ...prefs, timezoneSource: source } };
}

/** A projection as a snapshot stored it, by this build or an older one. */
export type StoredProjection = Omit<Projection, "preferences"> & { preferences: PreferencesInput };

export function reduce(state: Projection, event: LedgerEvent): Projection {
  const next = { ...state, lastEventSeq: event.seq };
  switch (event.type) {
    case "memory.pinned": {
      const { memory } = event.payload;
      return { ...next, memories: { ...state.memories, [memorySlot(memory)]: memory } };
    }
    case "memory.unpinned": {
      const { [event.payload.slot]: _gone, ...memories } = state.memories;
      return { ...next, memories };
    }
    case "preferences.updated":
      return { ...next, preferences: applyPreferencesPatch(state.preferences, event.payload.patch) };
    case "message.added": {
      const { message } = event.payload;
      return {
        ...next,
        recentMessages: [...state.recentMessages, message].slice(-RECENT_MESSAGES),
        conversations: withMessage(state.conversations ?? {}, message),
      };
    }
    case "conversation.created": {
      const { conversation } = event.payload;
      return { ...next, conversations: { ...state.conversations, [conversation.id]: conversation } };
    }
    case "conversation.updated": {
      const { conversationId, title, archived, updatedAt } = event.payload;
      const known = ownOf(state.conversations, conversationId) ?? (conversationId === DEFAULT_CONVERSATION_ID ? defaultConversation(updatedAt) : undefined);
      if (!known) return next;
      const updated = { ...known, title: title ?? known.title, archived: archived ?? known.archived, updatedAt };
      return { ...next, conversations: { ...state.conversations, [conversationId]: updated } };
    }
    case "conversation.deleted": {
      const { conversationId } = event.payload;
      const { [conversationId]: _gone, ...conversations } = state.conversations ?? {};
      // T7: "Your assistant replied" quotes a reply of the conversation: its body goes with it, as in the ledger.
      const turns = new Set(state.recentMessages.flatMap((m) => (conversationOf(m) === conversationId && m.turnId ? [m.turnId] : [])));
      const notifications = Object.fromEntries(
        Object.entries(state.notifications).map(([id, n]) => [id, typeof n.ref === "string" && turns.has(n.ref) ? { ...n, body: CONVERSATION_DELETED_TEXT } : n]),
      );
      const voiceJobs = state.voiceJobs ? { voiceJobs: dropConversationJobs(state.voiceJobs, conversationId) } : {};
      return { ...next, conversations, notifications, ...voiceJobs, recentMessages: state.recentMessages.filter((m) => conversationOf(m) !== conversationId) };
    }
    case "memory.used": {
      const { memoryIds, at } = event.payload;
      const used = new Set(memoryIds);
      const memories = Object.fromEntries(Object.entries(state.memories).map(([slot, m]) => [slot, used.has(m.id) ? { ...m, lastUsedAt: at } : m]));
      return { ...next, memories };
    }
    case "usage.charged": {
      const usage = onDay(state.usage, event.payload.day);
      return { ...next, usage: { ...usage, tokens: usage.tokens + event.payload.tokens } };
    }
    case "tool.used": {
      const { day, tool } = event.payload;
      const usage = onDay(state.usage, day);
      return { ...next, usage: { ...usage, tools: { ...usage.tools, [tool]: (usage.tools[tool] ?? 0) + 1 } } };
    }
    case "voice.used": {
      // V19, V20: seconds against the voice minutes, tokens against the daily budget, on the same day's tally.
      const { day, seconds, tokens } = event.payload;
      const usage = onDay(state.usage, day);
      return { ...next, usage: { ...usage, tokens: usage.tokens + tokens, voiceSeconds: (usage.voiceSeconds ?? 0) + seconds } };
    }
    case "voice.job.queued":
    case "voice.job.transcribing":
    case "voice.job.done":
    case "voice.job.sent":
    case "voice.job.failed":
      return { ...next, voiceJobs: reduceVoiceJobs(state.voiceJobs, event) };
    case "reminder.set": {
      const { reminder } = event.payload;
      return { ...next, reminders: { ...recentReminders(state.reminders, event.ts), [reminder.id]: reminder } };
    }
    case "reminder.fired": {
      const kept = recentReminders(state.reminders, event.ts);
      const r = kept[event.payload.reminderId];
      if (!r) return { ...next, reminders: kept };
      // S19: a recurring reminder stays pending at its next occurrence; without `next` it has fired for good.
      const { next: at, firedAt } = event.payload;
      return { ...next, reminders: { ...kept, [r.id]: at ? { ...r, status: "pending", at, firedAt } : { ...r, status: "fired", firedAt } } };
    }
    case "reminder.snoozed": {
      const kept = recentReminders(state.reminders, event.ts);
      const r = kept[event.payload.reminderId];
      return { ...next, reminders: r ? { ...kept, [r.id]: { ...r, status: "pending", at: event.payload.at, firedAt: null } } : kept };
    }
    case "reminder.dismissed": {
      const { [event.payload.reminderId]: _gone, ...reminders } = recentReminders(state.reminders, event.ts);
      return { ...next, reminders };
    }
    case "reminder.updated": {
      // S21: the reminder as edited; an edit of one that was dismissed meanwhile does not bring it back.
      const kept = recentReminders(state.reminders, event.ts);
      const { reminder } = event.payload;
      return { ...next, reminders: Object.hasOwn(kept, reminder.id) ? { ...kept, [reminder.id]: reminder } : kept };
    }
    case "notification.created": {
      const { notification } = event.payload;
      return { ...next, notifications: { ...state.notifications, [notification.id]: notification } };
    }
    case "notification.acked": {
      const { [event.payload.notificationId]: _acked, ...rest } = state.notifications;
      return { ...next, notifications: rest };
    }
    case "plan.proposed": {
      const { plan } = event.payload;
      const dates = Object.keys({ ...state.plans, [plan.date]: plan }).sort().slice(-PLANS_KEPT);
      const plans = { ...state.plans, [plan.date]: plan };
      return { ...next, plans: Object.fromEntries(dates.map((d) => [d, plans[d]!])) };
    }
    case "plan.item.settled": {
      const { date, itemId, status, text, taskId } = event.payload;
      const plan = state.plans[date];
      if (!plan) return next;
      const items = plan.items.map((i) => (i.id === itemId ? { ...i, status, text: text ?? i.text, taskId: taskId ?? i.taskId } : i));
      return { ...next, plans: { ...state.plans, [date]: { ...plan, items } } };
    }
    case "turn.undone":
      return withCards(undone(next, event), event);
    case "push.subscribed": {
      const { subscription } = event.payload;
      return { ...next, pushSubscriptions: { ...state.pushSubscriptions, [subscription.id]: subscription } };
    }
    case "push.unsubscribed": {
      const { [event.payload.subscriptionId]: _gone, ...pushSubscriptions } = state.pushSubscriptions;
      return { ...next, pushSubscriptions };
    }
    case "calendar.source.added": {
      const { source } = event.payload;
      return { ...next, calendarSources: { ...state.calendarSources, [source.id]: source } };
    }
    case "calendar.source.removed": {
      const { [event.payload.sourceId]: _gone, ...calendarSources } = state.calendarSources ?? {};
      return { ...next, calendarSources };
    }
    case "calendar.source.status": {
      const { sourceId, status, error, lastSyncAt } = event.payload;
      const source = state.calendarSources?.[sourceId];
      if (!source) return next;
      const { error: _old, ...rest } = source;
      const updated = error === undefined ? { ...rest, status, lastSyncAt } : { ...rest, status, lastSyncAt, error };
      return { ...next, calendarSources: { ...state.calendarSources, [sourceId]: updated } };
    }
    // C17: a settled proposal's card, stored with its reply, takes its status (the proposal itself lives in the chat store).
    case "proposal.confirmed":
    case "proposal.settled":
      return withCards(next, event);
    // Recorded for the timeline, undo and audit; their state lives in the document or the chat store.
    case "task.created":
    case "task.updated":
    case "task.completed":
    case "task.deleted":
    case "note.created":
    case "note.updated":
    case "note.deleted":
    // B3: goals and blocks live in the document; these events are their audit trail and Activity (B21).
    case "goal.created":
    case "goal.updated":
    case "goal.deleted":
    case "block.created":
    case "block.updated":
    case "block.deleted":
    case "turn.failed":
    case "proposal.created":
    // T12: the regenerated turn's reply is its own `message.added`; U10: an import's events are replayed as they are.
    case "turn.regenerated":
    case "account.imported":
    // MCP servers live in their own tables (party/mcp/store.ts); the events are their audit trail (M14).
    case "mcp.server.added":
    case "mcp.server.removed":
    case "mcp.server.updated":
    // K8, K11: the occurrences themselves live in the room's event cache table.
    case "calendar.synced":
    case "calendar.event.created":
    case "calendar.event.deleted":
    case "calendar.event.updated":
      return next;
    default: {
      const unhandled: never = event;
      throw new Error(`reduce: no case for ${JSON.stringify(unhandled)}; add the event type to the switch`);
    }
  }
}

/**
 * D18: what an undo changed back outside the document. Its document changes
 * were written with the event; these are the projected ones, folded here so
 * that replaying the ledger gives the same state as the live room (L5).
 */
function undone(state: Projection, event: EventOf<"turn.undone">): Projection {
  let { reminders, memories, preferences, plans } = state;
  for (const r of event.payload.reverted ?? []) {
    switch (r.kind) {
      case "reminder.dismissed": {
        const { [r.reminderId]: _gone, ...rest } = reminders;
        reminders = rest;
        break;
      }
      case "memory.restored": {
        const { [r.slot]: _replaced, ...rest } = memories;
        memories = r.memory ? { ...rest, [r.slot]: r.memory } : rest;
        break;
      }
      case "preferences.restored":
        preferences = applyPreferencesPatch(preferences, r.patch);
        break;
      case "plan.item.reopened": {
        const plan = plans[r.date];
        if (plan) plans = { ...plans, [r.date]: { ...plan, items: plan.items.map((i) => (i.id === r.item.id ? r.item : i)) } };
        break;
      }
      default:
        // Tasks, notes (the document) and proposals (the chat store) live elsewhere.
        break;
    }
  }
  const undoneTurns = [...state.undoneTurns.filter((t) => t !== event.payload.turnId), event.payload.turnId].slice(-UNDONE_TURNS_KEPT);
  return { ...state, reminders, memories, preferences, plans, undoneTurns };
}

/**
 * C17: the cards the event settles, folded into the replies that show them.
 * A reply already archived is updated in the archive when the event is appended (chat/store.ts).
 */
function withCards(state: Projection, event: LedgerEvent): Projection {
  const updates = cardUpdatesOf(event);
  if (updates.length === 0) return state;
  const recentMessages = state.recentMessages.map((m) =>
    m.role === "assistant" ? updates.reduce((msg, u) => (msg.turnId === u.turnId ? withCardStatus(msg, u.proposalId, u.status) : msg), m) : m,
  );
  return { ...state, recentMessages };
}

/** Fired reminders are kept a week (S1): each reminder event drops those fired before `ts` minus a week. */
function recentReminders(reminders: Record<string, Reminder>, ts: string): Record<string, Reminder> {
  const cutoff = new Date(Date.parse(ts) - WEEK_MS).toISOString();
  return Object.fromEntries(Object.entries(reminders).filter(([, r]) => !(r.status === "fired" && r.firedAt !== null && r.firedAt < cutoff)));
}

export const replay = (events: Iterable<LedgerEvent>, from: Projection = INITIAL_PROJECTION): Projection => {
  let state = from;
  for (const event of events) state = reduce(state, event);
  return state;
};

export const memoriesOf = (state: Projection): Memory[] =>
  Object.values(state.memories).sort((a, b) => a.pinnedAt.localeCompare(b.pinnedAt));

/** T1: the default conversation as its first message (or first rename) creates it. */
/**
 * An entry by id, only if the record holds it itself: ids come from events (and from imported
 * archives), and an id like `constructor` or `__proto__` must not find Object.prototype's (U7).
 */
export function ownOf<T>(record: Readonly<Record<string, T>> | undefined, id: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
}

const defaultConversation = (at: string): Conversation => ({ id: DEFAULT_CONVERSATION_ID, title: DEFAULT_CONVERSATION_TITLE, createdAt: at, updatedAt: at, archived: false });

/** T1, T4: a message moves its conversation's `updatedAt`; the user's message brings an archived one back. */
function withMessage(conversations: Record<string, Conversation>, message: Message): Record<string, Conversation> {
  const id = conversationOf(message);
  const known = ownOf(conversations, id) ?? (id === DEFAULT_CONVERSATION_ID ? defaultConversation(message.createdAt) : undefined);
  if (!known) return conversations;
  const archived = message.role === "user" ? false : known.archived;
  return { ...conversations, [id]: { ...known, updatedAt: message.createdAt > known.updatedAt ? message.createdAt : known.updatedAt, archived } };
}
