/** Query-option factories with hierarchical keys (STYLE.md 9). Socket events invalidate `brainKeys.all`. */
import { queryOptions } from "@tanstack/react-query";
import { api } from "./api.ts";

export const brainKeys = {
  all: ["brain"] as const,
  state: () => [...brainKeys.all, "state"] as const,
  events: () => [...brainKeys.all, "events"] as const,
};

export const stateQuery = () => queryOptions({ queryKey: brainKeys.state(), queryFn: api.state });
export const eventsQuery = () => queryOptions({ queryKey: brainKeys.events(), queryFn: () => api.events(0, 500) });
