/** The user's devices: each named, with its browser and OS, online or last seen; this one; the one in use (W30, P16). */
import { createFileRoute } from "@tanstack/react-router";
import { Laptop, Smartphone, Terminal } from "lucide-react";
import { deviceInUse } from "../../../shared/presence.ts";
import { DeviceNameForm } from "../../components/device-name-form.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useKnownDevices } from "../../hooks/use-known-devices.ts";
import { defaultDeviceName } from "../../lib/device.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/devices")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Devices,
});

function Devices() {
  const brain = useBrain();
  const { devices } = useKnownDevices();
  const inUse = deviceInUse(brain.devices);
  const zone = useZone();
  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">Devices</h1>
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Notifications go to the device in use — the focused one, else the most recently active.</p>
      <ul data-testid="devices" aria-label="Your devices" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
        {devices.map((d) => {
          const mine = d.deviceId === brain.deviceId;
          // This browser knows its own user agent even when the room could not read one.
          const platform = d.platform ?? (mine ? defaultDeviceName() : undefined);
          // Web devices all say `kind: "web"`; a phone's browser says what it runs on.
          const phone = d.kind === "mobile" || /iPhone|iPad|Android/.test(platform ?? "");
          const Icon = phone ? Smartphone : d.kind === "cli" ? Terminal : Laptop;
          return (
            <li key={d.deviceId} data-online={d.online} className="flex items-start gap-3 px-4 py-3">
              <Icon className="mt-0.5 size-5 shrink-0 text-stone-500" aria-hidden />
              {/* At phone width the status goes under the name, so a long name is not squeezed into a column. */}
              <div className="min-w-0 flex-1 sm:flex sm:items-center sm:gap-3">
                <div className="min-w-0 flex-1">
                  <div className="font-medium break-words">
                    {d.name}
                    {mine && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-normal whitespace-nowrap text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">this device</span>}
                  </div>
                  {platform && platform !== d.name && <div className="text-xs text-stone-600 dark:text-stone-400">{platform}</div>}
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
      <DeviceNameForm className="mt-6" />
    </div>
  );
}
