import { useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { z } from "zod";
import { appPath } from "../lib/push-payload.ts";

/** What the service worker posts when a notification is clicked while the app is open (web/sw.ts). */
const OpenMessageSchema = z.object({ type: z.literal("open"), url: z.string().max(2_048) });

/**
 * W62: a click on a pushed notification focuses this window and the service worker asks it to
 * open the notification's view — done here, in place (no reload: the live connection stays).
 */
export function useSwNavigation(): void {
  const navigate = useNavigate();
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    const onMessage = (event: MessageEvent) => {
      const message = OpenMessageSchema.safeParse(event.data);
      if (message.success) void navigate({ href: appPath(message.data.url, location.origin) });
    };
    navigator.serviceWorker.addEventListener("message", onMessage);
    return () => navigator.serviceWorker.removeEventListener("message", onMessage);
  }, [navigate]);
}
