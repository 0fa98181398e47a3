/**
 * Registers the offline app shell's service worker (docs/PROTOCOL.md W40) — in the
 * production build only: under `npm run dev` nothing is registered, so hot reload
 * never fights a cache. When a new version has been precached and waits, a toast
 * offers to reload into it; the page is never reloaded under the user's feet.
 */
/// <reference types="vite-plugin-pwa/vanillajs" />
import { toast } from "sonner";

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  import("virtual:pwa-register")
    .then(({ registerSW }) => {
      const update = registerSW({
        onNeedRefresh: () =>
          toast("A new version is ready", {
            id: "app-update",
            duration: Infinity,
            action: { label: "Reload", onClick: () => void update(true) },
          }),
        // No offline shell (storage refused, private mode): the app still works online.
        onRegisterError: () => {},
      });
    })
    .catch(() => {
      // The register module could not load (a stale build mid-deploy): try again on the next load.
    });
}
