/**
 * Web Push end to end (issue 14, "Done when"), against the real local server
 * (`npm start`) and a local push service (tests/support/push-service.ts) that
 * checks the VAPID JWT and decrypts each message with the subscribing device's
 * own private key, as its browser would. No tab is open: the room's alarm
 * alone fires the reminder and pushes it (N7, N13).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localVapidKeys } from "../../scripts/local-env.ts";
import type { BrainState } from "../../shared/api.ts";
import type { LedgerEvent } from "../../shared/domain.ts";
import { type PushPayload, pushTopic } from "../../shared/push.ts";
import { type PushService, type ReceivedPush, startPushService } from "../support/push-service.ts";
import { http, login } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

type Api = ReturnType<typeof http>;

/** A reminder this far ahead: enough to subscribe and close everything first, short enough for a test. */
const AHEAD_MS = 2_500;

describe("Push — a reminder reaches the push service with every tab closed (local server)", () => {
  let server: DevServer;
  let push: PushService;
  let token: string;
  let api: Api;
  /** As the device would call: its bearer token and its device id. */
  const asDevice = (deviceId: string) => async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "x-device-id": deviceId, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const forId = (id: string) => (p: ReceivedPush) => (p.payload as PushPayload).id === id;
  const setReminder = async (title: string) => {
    const at = new Date(Date.now() + AHEAD_MS).toISOString();
    const res = await api<{ id: string; at: string }>("POST", "/api/v1/reminders", { at, title });
    expect(res.status).toBe(201);
    return res.body;
  };
  const notificationOf = async (reminderId: string) => {
    const events = (await api<{ events: LedgerEvent[] }>("GET", "/api/v1/events?limit=1000")).body.events;
    const created = events.find((e) => e.type === "notification.created" && e.payload.notification.ref === reminderId);
    if (created?.type !== "notification.created") throw new Error(`no notification for reminder ${reminderId}`);
    return created.payload.notification;
  };

  beforeAll(async () => {
    push = await startPushService();
    server = await startDevServer();
    token = await login(server, "pushy");
    api = http(server, token);
    // The default quiet hours (22:00–07:00 UTC, S10) would hold every push when the suite runs at night.
    expect((await api("PUT", "/api/v1/preferences", { notifications: { quietHours: null } })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    await push?.close();
  });

  let phoneSubscription = "";
  let laptopSubscription = "";
  /** The phone's browser-side subscription, whose endpoint and keys must appear in no log (N17). */
  let phoneSecrets: string[] = [];

  it("[N1][N2] the server's VAPID key is the local pair kept in its state directory; subscribing is idempotent per endpoint", async () => {
    const key = await api<{ publicKey: string }>("GET", "/api/v1/push/key");
    expect(key.status).toBe(200);
    expect(key.body.publicKey).toBe(localVapidKeys({ ...process.env, MICROCOS_STATE_DIR: server.stateDir }).publicKey);
    push.expectKey(key.body.publicKey);
    // W3: the private half stays in the state directory and the worker's .dev.vars; no served path holds it.
    const { privateKey } = localVapidKeys({ ...process.env, MICROCOS_STATE_DIR: server.stateDir });
    for (const path of ["/.wrangler/state/local-vapid-keys.json", "/local-vapid-keys.json", "/.dev.vars", "/dist/micro_cos/.dev.vars", "/micro_cos/.dev.vars"]) {
      const body = await (await fetch(`${server.url}${path}`)).text();
      expect({ path, leaks: body.includes(privateKey) }).toEqual({ path, leaks: false });
    }

    const laptop = push.subscribe("laptop");
    const phone = push.subscribe("phone");
    const a = await asDevice("laptop")<{ id: string; deviceId: string; endpoint: string }>("POST", "/api/v1/push/subscriptions", laptop.json);
    expect(a).toMatchObject({ status: 201, body: { deviceId: "laptop", endpoint: laptop.json.endpoint } });
    // Subscribed last: the phone is the most recently active subscribed device (N7).
    const b = await asDevice("phone")<{ id: string }>("POST", "/api/v1/push/subscriptions", phone.json);
    expect(b.status).toBe(201);
    const again = await asDevice("phone")<{ id: string }>("POST", "/api/v1/push/subscriptions", phone.json);
    expect(again).toEqual({ status: 200, body: b.body });
    laptopSubscription = a.body.id;
    phoneSubscription = b.body.id;
    phoneSecrets = [new URL(phone.json.endpoint).pathname, phone.json.keys.p256dh, phone.json.keys.auth];
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.pushSubscriptions?.map((s) => [s.id, s.deviceId, s.origin])).toEqual([
      [laptopSubscription, "laptop", push.origin],
      [phoneSubscription, "phone", push.origin],
    ]);
    // N3: the endpoint and keys are nowhere in the state or the ledger.
    const everything = JSON.stringify(state) + JSON.stringify((await api("GET", "/api/v1/events?limit=1000")).body);
    expect(everything).not.toContain(phone.json.endpoint);
    expect(everything).not.toContain(phone.json.keys.auth);
  });

  let firstNotification = "";

  it("[N7][N11][N12][N13][N20] on time, encrypted for the right device, exactly once; text, Topic and TTL right", async () => {
    const reminder = await setReminder("Call John");
    await push.until((p) => p.received.length > 0, "the reminder's push");
    const n = await notificationOf(reminder.id);
    firstNotification = n.id;
    const [got] = push.received;
    // Decrypted with the phone's private key by the push service; the laptop's subscription got nothing.
    expect(got!.name).toBe("phone");
    expect(got!.at).toBeGreaterThanOrEqual(Date.parse(reminder.at));
    console.log(`[N13] the push reached the push service ${got!.at - Date.parse(reminder.at)} ms after the reminder's time`);
    expect(got!.payload).toEqual({
      type: "notification",
      id: n.id,
      title: "Call John",
      body: n.body,
      url: `/tasks?reminder=${reminder.id}`,
      actions: [
        { action: "done", title: "Done" },
        { action: "snooze", title: "Snooze 10 min" },
      ],
    });
    expect(got!.topic).toBe(pushTopic(n.id));
    expect(Number(got!.ttl)).toBeGreaterThan(0);
    expect(Number(got!.ttl)).toBeLessThanOrEqual(12 * 60 * 60);
    expect(got!.urgency).toBe("high");
    expect(got!.claims.aud).toBe(push.origin);

    // Exactly once: a later reminder's push arrives after the first alarm has settled, and the first still came once.
    await setReminder("Water the plants");
    const laterNote = () => push.received.find((p) => (p.payload as PushPayload).type === "notification" && (p.payload as { title: string }).title === "Water the plants");
    await push.until(() => laterNote() !== undefined, "the second reminder's push");
    expect(push.received.filter(forId(n.id))).toHaveLength(1);
    expect(push.received.filter((p) => p.name === "laptop")).toEqual([]);
    expect(push.refused).toEqual([]);
  });

  it("[N15][N13] Done from the notification acks it (the app opens showing it gone); an ack on another device takes the phone's notification down", async () => {
    const done = await asDevice("phone")<{ notificationId: string; done: string }>("POST", `/api/v1/notifications/${firstNotification}/done`);
    expect(done).toEqual({ status: 200, body: { notificationId: firstNotification, done: "reminder" } });
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.notifications.map((x) => x.id)).not.toContain(firstNotification);
    expect(state.reminders.map((r) => r.title)).not.toContain("Call John");
    // The second reminder, pushed to the phone too, is acknowledged on the laptop: the phone is told to take it down.
    const plants = state.notifications.find((x) => x.title === "Water the plants");
    expect(plants, "the second reminder waits in the inbox").toBeDefined();
    expect((await asDevice("laptop")("POST", `/api/v1/notifications/${plants!.id}/ack`)).status).toBe(200);
    await push.until((p) => p.received.some((r) => (r.payload as PushPayload).type === "cleared" && forId(plants!.id)(r)), "the cleared push");
    const cleared = push.received.filter((r) => (r.payload as PushPayload).type === "cleared");
    // Done was pressed on the phone: its notification is already down, so it got no `cleared` push (sent before the laptop's, were it sent).
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatchObject({ name: "phone", topic: pushTopic(plants!.id), payload: { type: "cleared", id: plants!.id } });
    // S9: already acknowledged is a 404.
    expect((await asDevice("phone")("POST", `/api/v1/notifications/${firstNotification}/done`)).status).toBe(404);
  });

  it("[N14][N17] a 410 drops the subscription (push.unsubscribed, gone) and the notification goes to the next subscribed device; the log names the origin only", async () => {
    push.answer("phone", 410);
    const reminder = await setReminder("Pay rent");
    await push.until((p) => p.received.some((r) => r.name === "laptop"), "the push rerouted to the laptop");
    const n = await notificationOf(reminder.id);
    expect(push.received.filter((r) => r.name === "laptop").map((r) => (r.payload as PushPayload).id)).toEqual([n.id]);
    expect(push.refused).toEqual([{ name: "phone", status: 410, reason: "answered 410 on demand" }]);
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.pushSubscriptions?.map((s) => s.id)).toEqual([laptopSubscription]);
    const events = (await api<{ events: LedgerEvent[] }>("GET", "/api/v1/events?limit=1000")).body.events;
    expect(events.filter((e) => e.type === "push.unsubscribed").map((e) => e.payload)).toEqual([{ subscriptionId: phoneSubscription, reason: "gone" }]);
    // N17: the drop is logged (at warn, the server's level here) with the push service's origin, never the endpoint or keys.
    await server.untilOutput((o) => o.includes("push.gone"), "the push.gone log line");
    const line = server.output().split("\n").find((l) => l.includes("push.gone")) ?? "";
    expect(line).toContain(push.origin);
    for (const secret of phoneSecrets) expect(server.output()).not.toContain(secret);
  });
});
