import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import type { BrainState } from "../../shared/domain.ts";
import { api } from "../lib/api.ts";
import { brainKeys } from "../lib/queries.ts";

/** Unpins a memory optimistically; the room's event confirms it, a failure puts it back. */
export function useUnpin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memoryId: string) => api.unpin(memoryId),
    onMutate: async (memoryId) => {
      await queryClient.cancelQueries({ queryKey: brainKeys.state() });
      const before = queryClient.getQueryData<BrainState>(brainKeys.state());
      if (before) queryClient.setQueryData<BrainState>(brainKeys.state(), { ...before, memories: before.memories.filter((m) => m.id !== memoryId) });
      return { before };
    },
    onError: (error, _id, context) => {
      if (context?.before) queryClient.setQueryData(brainKeys.state(), context.before);
      toast.error(error instanceof Error ? error.message : String(error));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: brainKeys.all }),
  });
}
