/** Browser (system) notifications on this device: their permission, and asking for it (W35). */
import { useState } from "react";

type Permission = NotificationPermission | "unsupported";

const current = (): Permission => ("Notification" in window ? Notification.permission : "unsupported");

export function NotificationPermission() {
  const [permission, setPermission] = useState<Permission>(current);
  const ask = async () => {
    try {
      setPermission(await Notification.requestPermission());
    } catch {
      setPermission(current());
    }
  };
  const text = {
    granted: "On for this device: when the app is in the background, reminders show as system notifications.",
    denied: "Blocked for this site in this browser. Allow notifications in the browser's site settings to get them when the app is in the background.",
    default: "Off for this device: reminders show only inside the app.",
    unsupported: "This browser cannot show system notifications; reminders show inside the app.",
  }[permission];
  return (
    <div className="flex flex-col items-start gap-3 sm:flex-row sm:items-center">
      <p id="browser-notifications" className="min-w-0 flex-1 text-sm text-stone-600 dark:text-stone-400">
        <span className="font-medium text-stone-900 dark:text-stone-100">Browser notifications: </span>
        {text}
      </p>
      {permission === "default" && (
        <button
          type="button"
          onClick={() => void ask()}
          aria-describedby="browser-notifications"
          className="min-h-11 rounded-lg border border-stone-300 px-4 text-sm hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-700 dark:hover:bg-stone-800"
        >
          Allow browser notifications
        </button>
      )}
    </div>
  );
}
