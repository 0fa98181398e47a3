/** "Stop push" for one device (W65): the room forgets its subscriptions; every device's Devices view updates from the event. */
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { removeSubscription } from "../lib/push-device.ts";

export function StopPush({ ids, deviceName }: { ids: readonly string[]; deviceName: string }) {
  const stop = useMutation({
    mutationFn: () => Promise.all(ids.map((id) => removeSubscription(id))),
    onSuccess: () => toast.success(`${deviceName} receives no more push notifications`),
    onError: (error) => toast.error(`Push not stopped: ${error instanceof Error ? error.message : String(error)}`),
  });
  return (
    <button
      type="button"
      disabled={stop.isPending}
      onClick={() => stop.mutate()}
      aria-label={`Stop push notifications to ${deviceName}`}
      className="min-h-11 rounded-lg border border-stone-300 px-3 text-xs font-medium hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none disabled:opacity-60 dark:border-stone-700 dark:hover:bg-stone-800"
    >
      {stop.isPending ? "Stopping…" : "Stop push"}
    </button>
  );
}
