import { useSuspenseQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { deviceId } from "../lib/device.ts";
import { pushIsOn, PushRefusedError, pushSupport, roomSubscriptions, subscriptionsOf, turnPushOff, turnPushOn } from "../lib/push-device.ts";
import { stateQuery } from "../lib/queries.ts";

/** What Settings shows for push on this device (W60). */
export type PushView =
  | { kind: "checking" }
  | { kind: "unsupported" }
  | { kind: "no-worker" }
  | { kind: "denied" }
  | { kind: "off"; registration: ServiceWorkerRegistration }
  | { kind: "on"; registration: ServiceWorkerRegistration };

/**
 * Push on this device: its state, read from the browser (support, permission, subscription)
 * and the room (the subscriptions it lists, live from `push.subscribed`/`push.unsubscribed`),
 * read again when the tab comes back (the user may have changed the site's permission), and
 * turning it on and off.
 */
export function usePushDevice() {
  const { data } = useSuspenseQuery(stateQuery());
  const roomList = roomSubscriptions(data);
  const [view, setView] = useState<PushView>({ kind: "checking" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const me = deviceId();

  // The latest room list, read by every check (a check started before an event must not answer with the old list).
  const latest = useRef(roomList);
  latest.current = roomList;
  /** Only the newest check may set the view: an older one finishing later would show a stale state. */
  const generation = useRef(0);
  const check = useCallback(async () => {
    const mine = ++generation.current;
    const support = await pushSupport();
    const next: PushView =
      support.kind !== "ready"
        ? support
        : {
            kind: pushIsOn((await support.registration.pushManager.getSubscription().catch(() => null)) !== null, latest.current, me) ? "on" : "off",
            registration: support.registration,
          };
    if (mine === generation.current) setView(next);
  }, [me]);

  useEffect(() => {
    void check();
  }, [check, roomList]);

  useEffect(() => {
    // Opened straight on Settings, the app's worker may still be registering: look again once it is
    // ready (under `npm run dev` none ever is, and this never fires).
    let live = true;
    if ("serviceWorker" in navigator) {
      void navigator.serviceWorker.ready.then(() => {
        if (live) void check();
      });
    }
    return () => {
      live = false;
    };
  }, [check]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible") void check();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [check]);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      if (!(e instanceof PushRefusedError && e.permission === "default")) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      await check();
    }
  };

  return {
    view,
    busy,
    error,
    turnOn: () => (view.kind === "off" ? run(() => turnPushOn(view.registration)) : Promise.resolve()),
    turnOff: () => run(() => turnPushOff(view.kind === "on" ? view.registration : null, subscriptionsOf(roomList, me).map((s) => s.id))),
  };
}
