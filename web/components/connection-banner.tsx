/**
 * The connection state, on every view at every width (docs/PROTOCOL.md W42): hidden
 * while live; "Reconnecting…" while the socket opens again ("Connecting…" only when
 * the first connection is slow); offline, a banner no one can miss that says edits
 * are kept on this device and how many messages wait to be sent. One `role="status"`
 * region that stays mounted, so a screen reader hears each change.
 */
import { CloudOff, LoaderCircle } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useBrain } from "../hooks/use-brain.ts";
import { useOnline } from "../hooks/use-online.ts";

export type Connection = "live" | "connecting" | "reconnecting" | "offline";

/** What the banner shows: the browser saying it is offline wins over a socket still trying. */
export function connectionOf(status: "connecting" | "live" | "offline", online: boolean, wasLive: boolean): Connection {
  if (!online || status === "offline") return "offline";
  if (status === "connecting") return wasLive ? "reconnecting" : "connecting";
  return "live";
}

/** A first connection usually takes well under this: say "Connecting…" only when it does not (no flash on every load). */
const FIRST_CONNECT_GRACE_MS = 2_000;

const waiting = (count: number) => (count === 1 ? "1 message waiting to send" : `${count} messages waiting to send`);

export function ConnectionBanner() {
  const brain = useBrain();
  const online = useOnline();
  const wasLive = useRef(false);
  useEffect(() => {
    if (brain.status === "live") wasLive.current = true;
  }, [brain.status]);
  const connection = connectionOf(brain.status, online, wasLive.current);
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGraceOver(true), FIRST_CONNECT_GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  const queued = brain.outbox.length;
  return (
    <div role="status" data-testid="connection-banner" data-connection={connection}>
      {connection === "offline" && (
        <div className="flex items-center gap-3 border-b border-amber-300 bg-amber-100 px-4 py-2.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <CloudOff className="size-5 shrink-0" aria-hidden />
          <p>
            <strong className="font-semibold">You're offline</strong> — changes are saved on this device and will sync.
            {queued > 0 && <span className="font-medium"> {waiting(queued)}.</span>}
          </p>
        </div>
      )}
      {(connection === "reconnecting" || (connection === "connecting" && graceOver)) && (
        <div className="flex items-center gap-2 border-b border-stone-200 bg-stone-100 px-4 py-1.5 text-xs text-stone-700 dark:border-stone-800 dark:bg-stone-900 dark:text-stone-300">
          <LoaderCircle className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden />
          <p>{connection === "reconnecting" ? "Reconnecting…" : "Connecting…"}</p>
        </div>
      )}
    </div>
  );
}
