/**
 * Settings → "Notifications on this device" (W60): Web Push for this browser, in the state it
 * is in — unsupported, no service worker (`npm run dev`), blocked by the user (and how to undo
 * it), off, on. Turning it on asks the browser's permission (only then, on the click),
 * subscribes with the room's key and registers the subscription for this device; turning it
 * off unsubscribes and removes it from the room. The browser's permission also lets the open
 * app show a system notification while its tab is hidden (brain-provider).
 */
import { BellOff, BellRing } from "lucide-react";
import { usePushDevice } from "../hooks/use-push-device.ts";

const button =
  "min-h-11 shrink-0 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:focus-visible:ring-offset-stone-950";

export function PushSettings() {
  const push = usePushDevice();
  const { view } = push;
  const text = {
    checking: "Checking what this browser allows…",
    unsupported: "This browser cannot receive push notifications. Reminders and replies show inside the app while it is open.",
    "no-worker": import.meta.env.DEV
      ? "Push needs the app's service worker, and the development server (npm run dev) registers none. Use npm start or the deployed app to turn it on."
      : "Push needs the app's service worker, which is not running in this browser (storage may be blocked, e.g. in a private window). Reminders show inside the app.",
    denied:
      "Blocked for this site in this browser. To undo it, open the site's settings (the icon left of the address) → Notifications → Allow, then come back to this page.",
    off: "Off. When no app is open, reminders wait until you open it.",
    on: "On. When you're not using the app, reminders and replies reach this device as notifications — even with every tab closed. Done and Snooze work right from the notification.",
  }[view.kind];
  return (
    <div data-testid="push-settings" data-state={view.kind}>
      <h4 id="push-heading" className="text-sm font-semibold">
        Notifications on this device
      </h4>
      <div className="mt-1 flex flex-col items-start gap-3 sm:flex-row sm:items-center">
        <p id="push-state" role="status" className="min-w-0 flex-1 text-sm text-stone-600 dark:text-stone-400">
          {text}
        </p>
        {view.kind === "off" && (
          <button type="button" disabled={push.busy} onClick={() => void push.turnOn()} aria-describedby="push-state" className={`${button} inline-flex items-center gap-2 bg-indigo-600 text-white hover:bg-indigo-500`}>
            <BellRing className="size-4" aria-hidden />
            {push.busy ? "Turning on…" : "Turn on"}
          </button>
        )}
        {view.kind === "on" && (
          <button
            type="button"
            disabled={push.busy}
            onClick={() => void push.turnOff()}
            aria-describedby="push-state"
            className={`${button} inline-flex items-center gap-2 border border-stone-300 hover:bg-stone-100 dark:border-stone-700 dark:hover:bg-stone-800`}
          >
            <BellOff className="size-4" aria-hidden />
            {push.busy ? "Turning off…" : "Turn off"}
          </button>
        )}
      </div>
      {push.error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          Not changed: {push.error}
        </p>
      )}
    </div>
  );
}
