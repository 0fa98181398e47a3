import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api } from "../lib/api.ts";
import { stateQuery } from "../lib/queries.ts";

/** Unpins a memory optimistically; the room's event confirms it, a failure puts it back. */
export function useUnpin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memoryId: string) => api.unpin(memoryId),
    onMutate: async (memoryId) => {
      // The state query's key carries its data type, so the cache reads and writes a BrainState without a type argument.
      const { queryKey } = stateQuery();
      await queryClient.cancelQueries({ queryKey });
      const before = queryClient.getQueryData(queryKey);
      if (before) queryClient.setQueryData(queryKey, { ...before, memories: before.memories.filter((m) => m.id !== memoryId) });
      return { before };
    },
    onError: (error, _id, context) => {
      if (context?.before) queryClient.setQueryData(stateQuery().queryKey, context.before);
      toast.error(error instanceof Error ? error.message : String(error));
    },
  });
}
