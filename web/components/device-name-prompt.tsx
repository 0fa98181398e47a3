/**
 * "Name this device", asked once (W31): on the first sign-in on this browser,
 * a small banner prefilled with its browser and OS. Saving or dismissing
 * answers it for good; the name can change later in Settings or Devices.
 * Not a modal: the app stays usable under it.
 */
import { Smartphone, X } from "lucide-react";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { useBrain } from "../hooks/use-brain.ts";
import { DEVICE_NAME_MAX, deviceName, dismissDeviceNamePrompt, shouldAskDeviceName } from "../lib/device.ts";

export function DeviceNamePrompt() {
  const brain = useBrain();
  const [open, setOpen] = useState(shouldAskDeviceName);
  const [name, setName] = useState(deviceName);
  const [error, setError] = useState<string | null>(null);
  if (!open) return null;
  const save = (e: FormEvent) => {
    e.preventDefault();
    const clean = name.trim();
    if (!clean) return setError("Type a name, or close this to keep the default.");
    if (clean.length > DEVICE_NAME_MAX) return setError(`At most ${DEVICE_NAME_MAX} characters.`);
    // rename() stores the name (marking the question answered) and says hello again with it.
    brain.rename(clean);
    setOpen(false);
    toast.success(`This device is now “${clean}”`);
  };
  const dismiss = () => {
    dismissDeviceNamePrompt();
    setOpen(false);
  };
  return (
    <section aria-labelledby="device-name-prompt-title" data-testid="device-name-prompt" className="border-b border-indigo-200 bg-indigo-50 px-4 py-2 text-sm text-indigo-950 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-50">
      <form onSubmit={save} noValidate className="flex flex-wrap items-center gap-2">
        <Smartphone className="size-4 shrink-0" aria-hidden />
        <label id="device-name-prompt-title" htmlFor="device-name-prompt-input" className="font-medium">
          Name this device
        </label>
        <input
          id="device-name-prompt-input"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
          maxLength={DEVICE_NAME_MAX + 1}
          placeholder="e.g. Hana's phone"
          aria-invalid={error !== null}
          aria-describedby="device-name-prompt-help"
          className="min-h-11 min-w-0 flex-1 basis-40 rounded-lg border border-indigo-300 bg-white px-3 text-stone-900 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-indigo-700 dark:bg-stone-900 dark:text-stone-100"
        />
        <button type="submit" className="min-h-11 rounded-lg bg-indigo-700 px-4 font-medium text-white hover:bg-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none">
          Save name
        </button>
        <button type="button" onClick={dismiss} aria-label="Not now: keep this device's default name" className="grid size-11 place-items-center rounded-lg hover:bg-indigo-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:hover:bg-indigo-900">
          <X className="size-4" aria-hidden />
        </button>
        <p id="device-name-prompt-help" className={`w-full text-xs ${error ? "text-red-700 dark:text-red-300" : "text-indigo-900 dark:text-indigo-200"}`}>
          {error ?? "e.g. Hana's phone — shown on your other devices and in Activity."}
        </p>
      </form>
    </section>
  );
}
