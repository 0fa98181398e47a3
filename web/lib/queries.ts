/**
 * Query-option factories with hierarchical keys (STYLE.md 9). The socket keeps
 * them current from frames (`web/lib/brain-provider.tsx`, W10): the state is
 * fetched on load and on (re)connect, never per chat turn.
 */
import { queryOptions } from "@tanstack/react-query";
import { api } from "./api.ts";
import { readGoalEvents } from "./goal-events.ts";
import { retryUnlessNoCopy, withOfflineFallback } from "./offline-cache.ts";
import { catchUp } from "./state-journal.ts";

export const brainKeys = {
  all: ["brain"] as const,
  state: () => [...brainKeys.all, "state"] as const,
  events: () => [...brainKeys.all, "events"] as const,
  /** W78: a goal's events, read from the room (under `events`' key, so a new event refreshes them). */
  goalEvents: (goalId: string) => [...brainKeys.events(), "goal", goalId] as const,
  agenda: () => [...brainKeys.all, "agenda"] as const,
  agendaOf: (from: string, to: string) => [...brainKeys.agenda(), from, to] as const,
  calendarSources: () => [...brainKeys.all, "calendar", "sources"] as const,
  mcpServers: () => [...brainKeys.all, "mcp-servers"] as const,
};

/** The user's MCP servers with status and tools (M1); refetched after each change made here. */
export const mcpServersQuery = () =>
  queryOptions({
    queryKey: brainKeys.mcpServers(),
    queryFn: api.mcpServers,
  });

export const stateQuery = () =>
  queryOptions({
    queryKey: brainKeys.state(),
    // Events that arrived while the request was out are folded in (W11); offline, the last known state kept on this device (W41).
    queryFn: async () => catchUp(await withOfflineFallback(api.state)),
    // `offlineFirst` runs the fetch instead of pausing it offline, so the loaders resolve from the kept copy.
    networkMode: "offlineFirst",
    retry: retryUnlessNoCopy,
    // Kept current by the socket's frames; refetched only when asked (a (re)connect, a snapshot, an invalidation).
    staleTime: Infinity,
  });
/** The latest 500 events (the ledger pages from the oldest; start 500 before the end). */
export const eventsQuery = () =>
  queryOptions({
    queryKey: brainKeys.events(),
    queryFn: async () => {
      const { lastEventSeq } = await api.events(0, 1);
      return api.events(Math.max(0, lastEventSeq - 500), 500);
    },
    staleTime: Infinity,
  });

/** W78, B21: one goal's events from the room, paged forward (web/lib/goal-events.ts). */
export const goalEventsQuery = (goalId: string) =>
  queryOptions({
    queryKey: brainKeys.goalEvents(goalId),
    queryFn: () => readGoalEvents(api.goalEvents, goalId),
  });

/**
 * K20: the agenda of a range. Not folded from frames (events come from
 * calendars the socket does not carry): refetched when an event says the
 * agenda changed (`agendaChanged`, brain-provider.tsx).
 */
export const agendaQuery = (from: string, to: string) =>
  queryOptions({
    queryKey: brainKeys.agendaOf(from, to),
    queryFn: () => api.agenda(from, to),
    staleTime: 60_000,
  });

/** K20: ledger events after which the agenda is fetched again: a calendar synced or written, a task, reminder or plan changed. */
export const agendaChanged = (type: string): boolean => /^(calendar\.(synced|event\.)|task\.|reminder\.|plan\.|preferences\.updated|turn\.undone)/.test(type);
/** K1, K9: the calendars with their exact last sync (the state's copy is refreshed at most hourly when nothing changes). */
export const calendarSourcesQuery = () =>
  queryOptions({
    queryKey: brainKeys.calendarSources(),
    queryFn: async () => (await api.calendarSources()).sources,
    // "Synced 3 minutes ago" stays true while the page is open.
    refetchInterval: 60_000,
  });
