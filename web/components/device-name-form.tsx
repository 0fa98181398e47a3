/** Rename this device (W30): the name the user's other devices and the Activity view show. */
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { useBrain } from "../hooks/use-brain.ts";
import { DEVICE_NAME_MAX, defaultDeviceName, deviceName } from "../lib/device.ts";

export function DeviceNameForm({ className = "" }: { className?: string }) {
  const brain = useBrain();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const rename = (e: FormEvent) => {
    e.preventDefault();
    const clean = name.trim();
    if (!clean) return setError("Type a name first.");
    if (clean.length > DEVICE_NAME_MAX) return setError(`At most ${DEVICE_NAME_MAX} characters.`);
    setError(null);
    brain.rename(clean);
    setName("");
    toast.success(`This device is now “${clean}”`);
  };
  return (
    <form onSubmit={rename} noValidate className={className}>
      <label htmlFor="device-name" className="block text-sm font-medium">
        This device's name
      </label>
      <div className="mt-1 flex gap-2">
        <input
          id="device-name"
          value={name}
          maxLength={DEVICE_NAME_MAX + 1}
          onChange={(e) => setName(e.target.value)}
          placeholder={deviceName()}
          aria-invalid={error !== null}
          aria-describedby="device-name-help"
          className="min-h-11 min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900"
        />
        <button type="submit" className="min-h-11 rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none">
          Rename
        </button>
      </div>
      <p id="device-name-help" className={`mt-1 text-xs ${error ? "text-red-700 dark:text-red-400" : "text-stone-600 dark:text-stone-400"}`}>
        {error ?? `Shown on your other devices and in Activity. This browser is ${defaultDeviceName()}.`}
      </p>
    </form>
  );
}
