/**
 * The traveller's offer (S12, W5): this device is in another zone than the
 * user's. Times keep showing in the user's zone, with its name, until they
 * switch; keeping the zone hides the offer on this device until either zone
 * changes. Never shown while the zone is still the default (the first device's
 * hello is setting it).
 */
import { Globe } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useZone } from "../hooks/use-zone.ts";
import { api } from "../lib/api.ts";

/** The device zone and preference zone the user chose to keep, as `device|preference`. */
const KEPT_KEY = "micro-cos.zone-kept";

export function ZoneOffer() {
  const { zone: timezone, device, traveller } = useZone();
  const [kept, setKept] = useState(() => localStorage.getItem(KEPT_KEY));
  const [busy, setBusy] = useState(false);
  const pair = `${device}|${timezone}`;
  if (!traveller || kept === pair) return null;
  const switchZone = async () => {
    setBusy(true);
    try {
      await api.preferences({ timezone: device, timezoneSource: "user" });
      toast.success(`Times now show in ${device}`);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const keep = () => {
    localStorage.setItem(KEPT_KEY, pair);
    setKept(pair);
  };
  return (
    <div role="status" data-testid="zone-offer" className="flex flex-wrap items-center gap-2 border-b border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100">
      <Globe className="size-4 shrink-0" aria-hidden />
      <span className="flex-1">
        You're in <strong>{device}</strong>; your times show in <strong>{timezone}</strong>.
      </span>
      <button disabled={busy} onClick={() => void switchZone()} className="rounded-md bg-sky-700 px-2 py-1 text-xs font-medium text-white hover:bg-sky-600">
        Switch to {device}
      </button>
      <button disabled={busy} onClick={keep} className="rounded-md border border-sky-300 px-2 py-1 text-xs dark:border-sky-700">
        Keep {timezone}
      </button>
    </div>
  );
}
