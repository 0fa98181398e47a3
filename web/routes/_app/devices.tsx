/**
 * The user's devices: each named, with its browser and OS, online or last seen; this one; the
 * one in use (W30, P16); which receive push notifications, each with "Stop push" (W65).
 */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { BellRing, Laptop, Smartphone, Terminal } from "lucide-react";
import { deviceInUse } from "../../../shared/presence.ts";
import { DeviceNameForm } from "../../components/device-name-form.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useKnownDevices } from "../../hooks/use-known-devices.ts";
import { defaultDeviceName } from "../../lib/device.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { stateQuery } from "../../lib/queries.ts";
import { StopPush } from "../../components/stop-push.tsx";

export const Route = createFileRoute("/_app/devices")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Devices,
});

function Devices() {
  const brain = useBrain();
  const { devices } = useKnownDevices();
  const inUse = deviceInUse(brain.devices);
  const zone = useZone();
  const { data } = useSuspenseQuery(stateQuery());
  // W65: live from `push.subscribed` / `push.unsubscribed` (folded into the cached state, W10).
  const subscriptions = data.pushSubscriptions ?? [];
  const pushIds = (deviceId: string) => subscriptions.filter((s) => s.deviceId === deviceId).map((s) => s.id);
  const known = new Set(devices.map((d) => d.deviceId));
  const orphans = subscriptions.filter((s) => !known.has(s.deviceId));
  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">Devices</h1>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
        Notifications go to the device in use — the focused one, else the most recently active. When none is in use, they are pushed to the most recently active device that receives push (turn it on in Settings on that device).
      </p>
      <ul data-testid="devices" aria-label="Your devices" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
        {devices.map((d) => {
          const mine = d.deviceId === brain.deviceId;
          // This browser knows its own user agent even when the room could not read one.
          const platform = d.platform ?? (mine ? defaultDeviceName() : undefined);
          // Web devices all say `kind: "web"`; a phone's browser says what it runs on.
          const phone = d.kind === "mobile" || /iPhone|iPad|Android/.test(platform ?? "");
          const Icon = phone ? Smartphone : d.kind === "cli" ? Terminal : Laptop;
          const push = pushIds(d.deviceId);
          return (
            <li key={d.deviceId} data-online={d.online} data-push={push.length > 0} className="flex items-start gap-3 px-4 py-3">
              <Icon className="mt-0.5 size-5 shrink-0 text-stone-500" aria-hidden />
              {/* At phone width the status goes under the name, so a long name is not squeezed into a column. */}
              <div className="min-w-0 flex-1 sm:flex sm:items-center sm:gap-3">
                <div className="min-w-0 flex-1">
                  <div className="font-medium break-words">
                    {d.name}
                    {mine && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-normal whitespace-nowrap text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">this device</span>}
                  </div>
                  {platform && platform !== d.name && <div className="text-xs text-stone-600 dark:text-stone-400">{platform}</div>}
                  {push.length > 0 && (
                    <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
                      <span className="inline-flex items-center gap-1 text-xs text-indigo-700 dark:text-indigo-300">
                        <BellRing className="size-3.5" aria-hidden /> Receives push notifications
                      </span>
                      <StopPush ids={push} deviceName={d.name} />
                    </div>
                  )}
                </div>
                <span className={`mt-1 block shrink-0 text-xs sm:mt-0 sm:text-right ${d.deviceId === inUse ? "text-emerald-700 dark:text-emerald-400" : "text-stone-600 dark:text-stone-400"}`}>
                  {!d.online ? (
                    <>
                      <span className="sr-only">Offline, </span>last seen {zone.moment(d.lastSeen)}
                    </>
                  ) : d.deviceId === inUse ? (
                    "in use — notifications go here"
                  ) : d.focused ? (
                    "online, focused"
                  ) : (
                    "online"
                  )}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      {orphans.length > 0 && (
        <section aria-labelledby="other-push" className="mt-4">
          <h2 id="other-push" className="text-sm font-semibold">Other devices receiving push</h2>
          <p className="text-xs text-stone-600 dark:text-stone-400">Subscribed from a device this account no longer lists.</p>
          <ul className="mt-2 space-y-1">
            {orphans.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-3 text-sm">
                <span>
                  Since {zone.moment(s.createdAt)} · {s.origin}
                </span>
                <StopPush ids={[s.id]} deviceName="that device" />
              </li>
            ))}
          </ul>
        </section>
      )}
      <DeviceNameForm className="mt-6" />
    </div>
  );
}
