import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { api } from "../lib/api.ts";

/**
 * Undoes one assistant turn (H12, D14) and says what happened in the room's
 * own words: what was changed back, and what was kept because the user
 * edited it. Every device then shows the turn as undone (its `turn.undone` event is
 * folded into each device's cached state, W10); a second click anywhere gets "This was already undone.".
 */
export function useUndoTurn() {
  return useMutation({
    mutationFn: (turnId: string) => api.undo(turnId),
    onSuccess: (answer) => (answer.kept.length > 0 ? toast.warning(answer.message) : toast.success(answer.message)),
    onError: (error) => toast.error(error instanceof Error ? error.message : String(error)),
  });
}
