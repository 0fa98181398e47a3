/**
 * The cached `GET /api/v1/state` kept current from the socket (docs/PROTOCOL.md
 * W10, W11): each ledger event is folded into the cached `BrainState` with the
 * room's own projection reducer (`party/core/projections.ts`, plain code that
 * imports only `shared/`), so a turn costs no state refetch. What the state
 * holds beside the projection — the pending proposals, today's plan, the
 * tasks and notes — is folded here from the same events.
 *
 * Plain code, tested in Node against a real room core (tests/unit/web-state-events.test.ts).
 */
import { listConversations } from "../../shared/conversations.ts";
import { cardsAt } from "../../shared/action-card.ts";
import type { BrainState, EventsPage, PendingProposal } from "../../shared/api.ts";
import { dayOf } from "../../shared/dates.ts";
import type { Message, Note, Task } from "../../shared/domain.ts";
import type { EventEnvelope, LedgerEvent } from "../../shared/events.ts";
import { memoriesOf, memorySlot, type Projection, reduce } from "../../party/core/projections.ts";

const byId = <T extends { id: string }>(items: readonly T[]): Record<string, T> => Object.fromEntries(items.map((i) => [i.id, i]));

function projectionOf(state: BrainState): Projection {
  return {
    memories: Object.fromEntries(state.memories.map((m) => [memorySlot(m), m])),
    preferences: state.preferences,
    recentMessages: state.recentMessages,
    usage: { day: state.usage.day, tokens: state.usage.tokens, tools: state.usage.tools, ...(state.usage.voiceSeconds !== undefined ? { voiceSeconds: state.usage.voiceSeconds } : {}) },
    reminders: byId(state.reminders),
    notifications: byId(state.notifications),
    plans: state.plan ? { [state.plan.date]: state.plan } : {},
    undoneTurns: state.undoneTurns,
    pushSubscriptions: byId(state.pushSubscriptions ?? []),
    calendarSources: byId(state.calendarSources ?? []),
    conversations: byId(state.conversations ?? []),
    ...(state.voiceJobs ? { voiceJobs: byId(state.voiceJobs) } : {}),
    lastEventSeq: state.lastEventSeq,
  };
}

/** H9's ordering of tasks: manual order, then creation. */
const taskOrder = (a: Task, b: Task) => a.order - b.order || a.createdAt.localeCompare(b.createdAt);

function tasksAfter(tasks: Task[], event: LedgerEvent): Task[] {
  switch (event.type) {
    case "task.created":
      return [...tasks.filter((t) => t.id !== event.payload.task.id), event.payload.task].sort(taskOrder);
    case "task.updated":
      return tasks.map((t) => (t.id === event.payload.taskId ? { ...t, ...event.payload.changes } : t)).sort(taskOrder);
    case "task.completed":
      return tasks.map((t) => (t.id === event.payload.taskId ? { ...t, status: "done" as const } : t));
    case "task.deleted":
      return tasks.filter((t) => t.id !== event.payload.taskId);
    case "turn.undone":
      // D18: what the undo changed back in the document, as the event lists it.
      return (event.payload.reverted ?? [])
        .reduce<Task[]>((all, r) => {
          if (r.kind === "task.removed") return all.filter((t) => t.id !== r.taskId);
          if (r.kind === "task.restored") return [...all.filter((t) => t.id !== r.task.id), r.task];
          if (r.kind === "task.reverted") return all.map((t) => (t.id === r.taskId ? { ...t, ...r.changes } : t));
          return all;
        }, tasks)
        .sort(taskOrder);
    case "plan.item.settled":
      return event.payload.task && !tasks.some((t) => t.id === event.payload.task?.id) ? [...tasks, event.payload.task].sort(taskOrder) : tasks;
    default:
      return tasks;
  }
}

/** Notes by their events; a body edit names the body but does not carry it (the document has it: `useDocMap`). */
function notesAfter(notes: Note[], event: LedgerEvent): Note[] {
  switch (event.type) {
    case "note.created":
      return [...notes.filter((n) => n.id !== event.payload.note.id), event.payload.note];
    case "note.updated":
      return notes.map((n) => (n.id === event.payload.noteId ? { ...n, ...event.payload.changes } : n));
    case "note.deleted":
      return notes.filter((n) => n.id !== event.payload.noteId);
    case "turn.undone":
      return (event.payload.reverted ?? []).reduce<Note[]>((all, r) => {
        if (r.kind === "note.removed") return all.filter((n) => n.id !== r.noteId);
        if (r.kind === "note.restored") return [...all.filter((n) => n.id !== r.note.id), r.note];
        return all;
      }, notes);
    default:
      return notes;
  }
}

/** C8, C15: the proposals still waiting, as `pendingProposals` lists them (soonest expiry first, expired ones gone). */
function proposalsAfter(proposals: PendingProposal[], event: LedgerEvent, now: number): PendingProposal[] {
  let next = proposals;
  switch (event.type) {
    case "proposal.created": {
      const { proposalId, tool, summary, expiresAt, items } = event.payload;
      const turnId = event.actor.kind === "assistant" ? event.actor.turnId : "";
      next = [...proposals.filter((p) => p.id !== proposalId), { id: proposalId, turnId, tool, summary, expiresAt, ...(items && items.length > 0 ? { items } : {}) }];
      break;
    }
    case "proposal.confirmed":
    case "proposal.settled":
      next = proposals.filter((p) => p.id !== event.payload.proposalId);
      break;
    case "turn.undone": {
      const cancelled = new Set((event.payload.reverted ?? []).flatMap((r) => (r.kind === "proposal.cancelled" ? [r.proposalId] : [])));
      next = proposals.filter((p) => !cancelled.has(p.id));
      break;
    }
    default:
      break;
  }
  return next.filter((p) => Date.parse(p.expiresAt) >= now).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/**
 * The state after one ledger event, as `GET /api/v1/state` would answer at
 * `now`. An event the state already includes (its seq at or below
 * `lastEventSeq`) changes nothing, so a repeat — backfill after a refetch, a
 * batch crossing a live event — is harmless.
 */
export function applyEvent(state: BrainState, event: LedgerEvent, now: number): BrainState {
  if (event.seq <= state.lastEventSeq) return state;
  const before = projectionOf(state);
  // A reply already placed from its `llm.completed` frame (applyCompleted) is replaced by the stored message.
  const base = event.type === "message.added" ? { ...before, recentMessages: before.recentMessages.filter((m) => m.id !== event.payload.message.id) } : before;
  const next = reduce(base, event);
  const today = dayOf(now, next.preferences.timezone);
  const usage = next.usage.day >= today ? next.usage : { day: today, tokens: 0, tools: {} };
  return {
    ...state,
    tasks: tasksAfter(state.tasks, event),
    notes: notesAfter(state.notes, event),
    memories: memoriesOf(next),
    preferences: next.preferences,
    recentMessages: next.recentMessages.map((m) => cardsAt(m, now)),
    reminders: Object.values(next.reminders).sort((a, b) => a.at.localeCompare(b.at)),
    notifications: Object.values(next.notifications).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    plan: next.plans[today] ?? null,
    proposals: proposalsAfter(state.proposals, event, now),
    usage: { ...usage, tokenBudget: state.usage.tokenBudget },
    lastEventSeq: next.lastEventSeq,
    undoneTurns: next.undoneTurns,
    // N3: a subscription added or removed on any device shows in Devices at once.
    pushSubscriptions: Object.values(next.pushSubscriptions).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    // K9: a source's status and last sync show in Settings as they change.
    calendarSources: Object.values(next.calendarSources ?? {}).sort((a, b) => a.id.localeCompare(b.id)),
    // T1: a conversation created, renamed or archived on any device shows in the thread list at once.
    conversations: listConversations(next.conversations),
    // W119: a voice job's progress shows on every device as its events arrive (newest first, as the state route lists them).
    ...(next.voiceJobs ? { voiceJobs: Object.values(next.voiceJobs).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)) } : {}),
  };
}

/** An event of a type this build does not know (L10): nothing to fold, but the state has seen its seq. */
export const passEvent = (state: BrainState, seq: number): BrainState => (seq <= state.lastEventSeq ? state : { ...state, lastEventSeq: seq });

/** Events in seq order folded with `applyEvent` (null for an envelope of an unknown type, whose seq still counts). */
export function applyEvents(state: BrainState, events: readonly { seq: number; event: LedgerEvent | null }[], now: number): BrainState {
  return events.reduce((s, { seq, event }) => (event ? applyEvent(s, event, now) : passEvent(s, seq)), state);
}

/**
 * C3: the reply a turn ended with, from its `llm.completed` frame, placed among
 * the recent messages at once — its `message.added` event may come later and
 * then replaces it under the same id. A message already there (the event came
 * first) wins.
 */
export function applyCompleted(state: BrainState, reply: { messageId: string; turnId: string; text: string; actions: Message["actions"]; at: string }): BrainState {
  if (state.recentMessages.some((m) => m.id === reply.messageId || (m.role === "assistant" && m.turnId === reply.turnId))) return state;
  const message: Message = {
    id: reply.messageId,
    role: "assistant",
    text: reply.text,
    channel: "chat",
    turnId: reply.turnId,
    status: "complete",
    createdAt: reply.at,
    ...(reply.actions && reply.actions.length > 0 ? { actions: reply.actions } : {}),
  };
  return { ...state, recentMessages: [...state.recentMessages, message] };
}

/** C1: the user's own message, accepted (the ack), shown among the messages before its event arrives. */
export function applyAccepted(state: BrainState, sent: { messageId: string; turnId: string; text: string; at: string; conversationId?: string; parentId?: string; editOf?: string }): BrainState {
  if (state.recentMessages.some((m) => m.id === sent.messageId)) return state;
  // W90: in its thread from the ack on (a message without a conversation would show in `main` until its event).
  const place = { ...(sent.conversationId ? { conversationId: sent.conversationId } : {}), ...(sent.parentId ? { parentId: sent.parentId } : {}), ...(sent.editOf ? { editOf: sent.editOf } : {}) };
  const message: Message = { id: sent.messageId, role: "user", text: sent.text, channel: "chat", turnId: sent.turnId, status: "complete", createdAt: sent.at, ...place };
  return { ...state, recentMessages: [...state.recentMessages, message] };
}

/** The activity log's page (`eventsQuery`) with live events appended: the latest 500, no repeats. */
export function appendEvents(page: EventsPage, events: readonly EventEnvelope[], keep = 500): EventsPage {
  const fresh = events.filter((e) => e.seq > page.lastEventSeq);
  if (fresh.length === 0) return page;
  return { events: [...page.events, ...fresh].slice(-keep), lastEventSeq: Math.max(page.lastEventSeq, ...fresh.map((e) => e.seq)) };
}
