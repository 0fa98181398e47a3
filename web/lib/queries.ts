/** Query-option factories with hierarchical keys (STYLE.md 9). */
import { queryOptions } from "@tanstack/react-query";
import { api } from "./api.ts";

export const brainKeys = {
  all: ["brain"] as const,
  state: () => [...brainKeys.all, "state"] as const,
};

export const stateQuery = () => queryOptions({ queryKey: brainKeys.state(), queryFn: api.state });
