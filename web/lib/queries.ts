/** Query-option factories with hierarchical keys (STYLE.md 9). Socket events invalidate `brainKeys.all`. */
import { queryOptions } from "@tanstack/react-query";
import { api } from "./api.ts";
import { retryUnlessNoCopy, withOfflineFallback } from "./offline-cache.ts";

export const brainKeys = {
  all: ["brain"] as const,
  state: () => [...brainKeys.all, "state"] as const,
  events: () => [...brainKeys.all, "events"] as const,
};

/** Offline, the last known state kept on this device (W41): `offlineFirst` runs the fetch instead of pausing it. */
export const stateQuery = () => queryOptions({ queryKey: brainKeys.state(), queryFn: () => withOfflineFallback(api.state), networkMode: "offlineFirst", retry: retryUnlessNoCopy });
/** The latest 500 events (the ledger pages from the oldest; start 500 before the end). */
export const eventsQuery = () =>
  queryOptions({
    queryKey: brainKeys.events(),
    queryFn: async () => {
      const { lastEventSeq } = await api.events(0, 1);
      return api.events(Math.max(0, lastEventSeq - 500), 500);
    },
  });
