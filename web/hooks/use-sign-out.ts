import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { signOut, unsentAtSignOut } from "../lib/account.ts";
import { readOutbox } from "../lib/state-outbox.ts";
import { useBrain } from "./use-brain.ts";

/**
 * Sign-out with a question when it would lose something (W33): unsent chat
 * messages in the outbox, or a connection that is not live (edits made offline
 * may not have reached the room). `warning` is the sentence to confirm, null
 * while nothing is asked; with nothing pending, `request` signs out at once.
 */
export function useSignOut() {
  const brain = useBrain();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [warning, setWarning] = useState<string | null>(null);
  const leave = () => void signOut(queryClient, () => navigate({ to: "/login" }));
  return {
    warning,
    request: () => {
      // Read at the click, not from a render: the outbox is in localStorage, shared with the user's other tabs.
      const sentence = unsentAtSignOut(readOutbox().length, brain.status === "live");
      if (sentence) setWarning(sentence);
      else leave();
    },
    confirm: () => {
      setWarning(null);
      leave();
    },
    cancel: () => setWarning(null),
  };
}
