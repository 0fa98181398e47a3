/**
 * Web Push over HTTP (docs/PROTOCOL.md N1–N3, N15–N16): the VAPID key, a
 * device's subscription, and the Done and Snooze actions a service worker
 * calls from a notification with the device's bearer token. Every write gets
 * what every write gets (H14) from the one dispatcher.
 */
import { fail, type Result } from "../../shared/errors.ts";
import { NotificationSnoozeBodySchema, PushSubscriptionBodySchema } from "../../shared/push.ts";
import { errorResponse, json } from "../http.ts";
import type { PushApi } from "../push/push-api.ts";
import { type ApiDeps, read, type Route, write } from "./route-table.ts";

/** The room's push API; a host that has none (older test harnesses) answers as a server without push. */
const off = () => fail("not_found", "push notifications are not configured on this server");
const NO_PUSH: PushApi = { key: off, subscribe: off, unsubscribe: off, done: off, snooze: off };
const pushOf = (deps: ApiDeps): PushApi => deps.push ?? NO_PUSH;

const answer = <T>(result: Result<T>, requestId: string) =>
  result.ok ? json(result.value, 200, requestId) : errorResponse(result.error.code, result.error.message, requestId);

export const PUSH_ROUTES: readonly Route[] = [
  read({ method: "GET", path: "/api/v1/push/key", handle: ({ deps }) => {
    const key = pushOf(deps).key();
    return key.ok ? json({ publicKey: key.value }, 200, deps.requestId) : errorResponse(key.error.code, key.error.message, deps.requestId);
  } }),
  write({
    method: "POST",
    path: "/api/v1/push/subscriptions",
    body: PushSubscriptionBodySchema,
    handle: ({ deps, body, action }) => {
      const deviceId = action.actor.kind === "user" ? action.actor.deviceId : undefined;
      const result = pushOf(deps).subscribe(deviceId, body, action);
      if (!result.ok) return errorResponse(result.error.code, result.error.message, deps.requestId);
      // N2: a new subscription is 201; the same endpoint again is 200 with the same id.
      return json(result.value.value, result.value.created ? 201 : 200, deps.requestId);
    },
  }),
  write({
    method: "DELETE",
    path: "/api/v1/push/subscriptions/:subscriptionId",
    body: null,
    handle: ({ deps, params, action }) => answer(pushOf(deps).unsubscribe(params.subscriptionId, action), deps.requestId),
  }),
  write({
    method: "POST",
    path: "/api/v1/notifications/:notificationId/done",
    body: null,
    handle: ({ deps, params, action }) => answer(pushOf(deps).done(params.notificationId, action), deps.requestId),
  }),
  write({
    method: "POST",
    path: "/api/v1/notifications/:notificationId/snooze",
    body: NotificationSnoozeBodySchema,
    handle: ({ deps, params, body, action }) => answer(pushOf(deps).snooze(params.notificationId, body.minutes, action), deps.requestId),
  }),
];
