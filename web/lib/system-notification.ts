/**
 * A notification the open app shows through the system while its tab is hidden (S8, W63):
 * shown by the service worker's registration when there is one, so it is the same kind of
 * notification a push makes — tagged with its id, clicked and dismissed through the worker
 * (W62, W63) — and taken down by its id when it is acknowledged anywhere. Without a service
 * worker (`npm run dev`), a plain page notification.
 */
import type { Notification as AppNotification } from "../../shared/domain.ts";
import { notificationUrl } from "../../shared/push.ts";
import type { NotificationData } from "./push-payload.ts";

/** Plain page notifications by id (no service worker), to close them when cleared. */
const pageShown = new Map<string, Notification>();

/** Where a click opens the app: what a push of it would say (N11's one rule, `notificationUrl`). */
export const urlOf = (n: AppNotification, taskOf: (reminderId: string) => string | null | undefined = () => null): string => notificationUrl(n, taskOf);

const registration = async (): Promise<ServiceWorkerRegistration | undefined> =>
  "serviceWorker" in navigator ? navigator.serviceWorker.getRegistration().catch(() => undefined) : undefined;

export async function showSystemNotification(n: AppNotification, taskOf?: (reminderId: string) => string | null | undefined): Promise<void> {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const worker = await registration();
    const data: NotificationData = { id: n.id, url: urlOf(n, taskOf) };
    if (worker) return await worker.showNotification(n.title, { body: n.body, tag: n.id, data, icon: "/icons/icon-192.png" });
    pageShown.set(n.id, new Notification(n.title, { body: n.body, tag: n.id }));
  } catch {
    // The system refused (focus assist, a closed worker): the toast in the app still shows it.
  }
}

export async function closeSystemNotification(id: string): Promise<void> {
  pageShown.get(id)?.close();
  pageShown.delete(id);
  try {
    for (const shown of (await (await registration())?.getNotifications({ tag: id })) ?? []) shown.close();
  } catch {
    // Nothing shown, or no worker: nothing to close.
  }
}
