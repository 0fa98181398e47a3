import { useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { TOKEN_KEY } from "../lib/api.ts";

/**
 * W33: another tab of this browser signed out (it removed the token; a
 * `storage` event fires in every other tab): leave for sign-in too, which
 * unmounts the live connection — closing the IndexedDB document so the
 * signing-out tab can delete it — and stops this tab using the outbox.
 */
export function useSignedOutElsewhere(): void {
  const navigate = useNavigate();
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      // `key` is null when the whole storage was cleared.
      if ((e.key === TOKEN_KEY || e.key === null) && localStorage.getItem(TOKEN_KEY) === null) void navigate({ to: "/login" });
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [navigate]);
}
