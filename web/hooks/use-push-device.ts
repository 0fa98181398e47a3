import { useSuspenseQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
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

  const check = useCallback(async () => {
    const support = await pushSupport();
    if (support.kind !== "ready") return setView(support);
    const subscribed = (await support.registration.pushManager.getSubscription().catch(() => null)) !== null;
    setView({ kind: pushIsOn(subscribed, roomList, me) ? "on" : "off", registration: support.registration });
  }, [roomList, me]);

  useEffect(() => {
    void check();
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
