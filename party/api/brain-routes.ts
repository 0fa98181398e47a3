/**
 * The brain's own data over HTTP (docs/PROTOCOL.md H4–H13): state, events,
 * socket tickets, and the writes the socket takes as frames too (P6).
 */
import { listConversations } from "../../shared/conversations.ts";
import { z } from "zod";
import { cardsAt } from "../../shared/action-card.ts";
import type { BrainState, EventsPage, Ticket } from "../../shared/api.ts";
import { dayOf } from "../../shared/dates.ts";
import { readNotes, readTasks } from "../../shared/doc-schema.ts";
import { INPUTS } from "../core/inputs.ts";
import { memoriesOf } from "../core/projections.ts";
import { json } from "../http.ts";
import { inputRoute } from "./input-route.ts";
import { type ApiDeps, read, type Route } from "./route-table.ts";
import { goalEvents } from "../goals/goal-events.ts";

const EVENTS_DEFAULT_LIMIT = 100;
const EVENTS_MAX_LIMIT = 1_000;

/** An integer query parameter: up to 15 digits, so that it stays exact as a number. */
const digits = (message: string) => z.string().regex(/^\d{1,15}$/, message).transform(Number);

const LIMIT_MESSAGE = `limit must be an integer from 1 to ${EVENTS_MAX_LIMIT}`;

/** H8 */
const EventsQuerySchema = z.object({
  since: digits("since must be an integer ≥ 0").default(0),
  limit: digits(LIMIT_MESSAGE).pipe(z.number().min(1, LIMIT_MESSAGE).max(EVENTS_MAX_LIMIT, LIMIT_MESSAGE)).default(EVENTS_DEFAULT_LIMIT),
  /** B21: only the events of this goal, its tasks and its blocks. */
  goalId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "goalId must be an id (letters, digits, - and _)").optional(),
});

export const BRAIN_ROUTES: readonly Route[] = [
  read({ method: "GET", path: "/api/v1/state", handle: ({ deps }) => json(stateOf(deps), 200, deps.requestId) }),
  read({
    method: "GET",
    path: "/api/v1/events",
    query: EventsQuerySchema,
    handle: ({ deps, query }) =>
      json(
        {
          events: query.goalId === undefined ? deps.ledger.since(query.since, query.limit) : goalEvents(deps.ledger, query.goalId, query.since, query.limit),
          lastEventSeq: deps.ledger.lastSeq,
        } satisfies EventsPage,
        200,
        deps.requestId,
      ),
  }),
  // A3: issues a credential and changes none of the user's data: not a write, never starved by the write limit.
  read({
    method: "POST",
    path: "/api/v1/socket/ticket",
    handle: async ({ deps }) => json({ ...(await deps.issueTicket()), path: "/api/v1/socket", ...(deps.data ? { epoch: deps.data.epoch() } : {}) } satisfies Ticket, 201, deps.requestId),
  }),
  inputRoute("POST", "/api/v1/tasks", INPUTS.task, { created: (body) => body.action === "create" }),
  inputRoute("POST", "/api/v1/notes", INPUTS.note, { created: (body) => body.action === "create" }),
  inputRoute("POST", "/api/v1/undo", INPUTS.undo),
  inputRoute("POST", "/api/v1/memory/pin", INPUTS["memory.pin"]),
  inputRoute("POST", "/api/v1/memory/unpin", INPUTS["memory.unpin"]),
  inputRoute("PUT", "/api/v1/preferences", INPUTS["preferences.update"]),
];

/** H9 */
function stateOf(deps: ApiDeps): BrainState {
  const state = deps.ledger.state;
  // C13: usage counts per local day; a tally of a later day (the zone moved west) is still the current one.
  const today = dayOf(deps.now(), state.preferences.timezone);
  const usage = state.usage.day >= today ? state.usage : { day: today, tokens: 0, tools: {}, voiceSeconds: 0 };
  return {
    usage: { ...usage, voiceSeconds: usage.voiceSeconds ?? 0, tokenBudget: deps.limits.dailyTokens },
    userId: deps.userId,
    tasks: readTasks(deps.doc),
    notes: readNotes(deps.doc),
    memories: memoriesOf(state),
    preferences: state.preferences,
    // C16: each reply with its cards as they stand now (a proposal left past its time shows expired).
    recentMessages: state.recentMessages.map((m) => cardsAt(m, deps.now())),
    devices: deps.devices(),
    knownDevices: deps.knownDevices(),
    reminders: Object.values(state.reminders).sort((a, b) => a.at.localeCompare(b.at)),
    notifications: Object.values(state.notifications).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    plan: state.plans[today] ?? null,
    proposals: deps.chat.store.pendingProposals(deps.now()),
    lastEventSeq: state.lastEventSeq,
    undoneTurns: state.undoneTurns,
    pushSubscriptions: Object.values(state.pushSubscriptions).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    // K1: ids are uuid v7, so id order is the order they were added.
    calendarSources: Object.values(state.calendarSources ?? {}).sort((a, b) => a.id.localeCompare(b.id)),
    // T1: most recently updated first, archived ones too (the client shows them under "Archived").
    conversations: listConversations(state.conversations),
    // V13: the latest voice jobs, newest first (ids are uuid v7: id order breaks ties within a millisecond).
    voiceJobs: Object.values(state.voiceJobs ?? {}).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)),
    // U17: which life of the room this is (new after the account was erased).
    ...(deps.data ? { epoch: deps.data.epoch() } : {}),
  };
}
