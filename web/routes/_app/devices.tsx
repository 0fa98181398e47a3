/** Which of the user's devices are online, which one is in use, and this one. */
import { createFileRoute } from "@tanstack/react-router";
import { Laptop, Smartphone, Terminal } from "lucide-react";
import { type FormEvent, useState } from "react";
import { deviceInUse } from "../../../shared/presence.ts";
import { useBrain } from "../../hooks/use-brain.ts";
import { useZone } from "../../hooks/use-zone.ts";

export const Route = createFileRoute("/_app/devices")({ component: Devices });

function Devices() {
  const brain = useBrain();
  const mine = brain.devices.find((d) => d.deviceId === brain.deviceId);
  const inUse = deviceInUse(brain.devices);
  const zone = useZone();
  const [name, setName] = useState("");
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) brain.rename(name);
    setName("");
  };
  return (
    <div className="mx-auto max-w-3xl p-4 md:p-8">
      <h1 className="text-2xl font-semibold tracking-tight">Devices</h1>
      <p className="mt-1 text-sm text-stone-500">Notifications go to the device in use — the focused one, else the most recently active.</p>
      <ul data-testid="devices" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
        {brain.devices.map((d) => {
          const Icon = d.kind === "mobile" ? Smartphone : d.kind === "cli" ? Terminal : Laptop;
          return (
            <li key={d.deviceId} className="flex items-center gap-3 px-4 py-3">
              <Icon className="size-5 text-stone-500" aria-hidden />
              <span className="flex-1">
                {d.name}
                {d.deviceId === brain.deviceId && <span className="ml-2 text-xs text-indigo-600">this device</span>}
              </span>
              <span className={`text-xs ${d.deviceId === inUse ? "text-emerald-600" : "text-stone-500"}`}>
                {d.deviceId === inUse ? "in use — notifications go here" : d.focused ? "focused" : `seen ${zone.moment(d.lastSeen)}`}
              </span>
            </li>
          );
        })}
      </ul>
      <form onSubmit={rename} className="mt-6 flex gap-2">
        <label className="sr-only" htmlFor="device-name">
          This device's name
        </label>
        <input id="device-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={mine ? `Rename “${mine.name}”` : "Name this device"} className="flex-1 rounded-lg border border-stone-300 bg-white px-3 py-2 dark:border-stone-700 dark:bg-stone-900" />
        <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
          Rename
        </button>
      </form>
    </div>
  );
}
