/**
 * Routing by presence (docs/PROTOCOL.md N5–N12), on a fixed clock: the pure
 * rule (party/schedule/notify.ts), then the room core with a fake push port —
 * each case delivers exactly once, a retried alarm never pushes twice, an ack
 * anywhere takes the pushed notification down.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, type Notification, type Preferences } from "../../shared/domain.ts";
import { type DeviceActivity, IN_USE_WINDOW_MS } from "../../shared/presence.ts";
import { type PushPayload, pushTopic } from "../../shared/push.ts";
import type { PushMessage } from "../../party/push/sender.ts";
import { backoffMs } from "../../party/push/push-log.ts";
import { deliveries, route, type SubscriptionRef } from "../../party/schedule/notify.ts";
import { fireReminder, pushRoom } from "../support/push-room.ts";

const NOW = Date.parse("2026-11-25T10:00:00Z");
const MIN = 60_000;
const prefs = (over: Partial<Preferences["notifications"]> = {}): Preferences => ({
  ...DEFAULT_PREFERENCES,
  notifications: { ...DEFAULT_PREFERENCES.notifications, quietHours: null, ...over },
});
const note = (id = "n1", kind: Notification["kind"] = "reminder", createdAt = NOW): Notification => ({
  id,
  kind,
  title: "Call John",
  body: "Reminder",
  ref: null,
  createdAt: new Date(createdAt).toISOString(),
});
const device = (deviceId: string, over: Partial<DeviceActivity> = {}): DeviceActivity => ({
  deviceId,
  connected: false,
  focused: false,
  lastFocusedAt: null,
  lastSeenAt: NOW - 60 * MIN,
  ...over,
});
const sub = (deviceId: string, id = `sub-${deviceId}`): SubscriptionRef => ({ id, deviceId, createdAt: "2026-11-01T00:00:00.000Z" });

describe("Push — routing by presence (N5–N9)", () => {
  const cases: { name: string; devices: DeviceActivity[]; subs: SubscriptionRef[]; p?: Preferences; want: ReturnType<typeof route> }[] = [
    {
      name: "[N5][N6] in use (connected and focused): in-app there, not pushed, though it is subscribed",
      devices: [device("laptop", { connected: true, focused: true, lastFocusedAt: NOW }), device("phone", { lastSeenAt: NOW - MIN })],
      subs: [sub("laptop"), sub("phone")],
      want: { channel: "in-app", deviceId: "laptop" },
    },
    {
      name: "[N5] focused within the window (blurred a minute ago, still connected): still in use",
      devices: [device("laptop", { connected: true, lastFocusedAt: NOW - IN_USE_WINDOW_MS + 1 })],
      subs: [sub("laptop")],
      want: { channel: "in-app", deviceId: "laptop" },
    },
    {
      name: "[N5][N7] idle (connected, last focused past the window): pushed to it, not shown in-app",
      devices: [device("laptop", { connected: true, lastFocusedAt: NOW - IN_USE_WINDOW_MS, lastSeenAt: NOW })],
      subs: [sub("laptop")],
      want: { channel: "push", deviceId: "laptop", subscriptionId: "sub-laptop" },
    },
    {
      name: "[N7] all closed: pushed to the subscribed device",
      devices: [device("phone")],
      subs: [sub("phone")],
      want: { channel: "push", deviceId: "phone", subscriptionId: "sub-phone" },
    },
    {
      name: "[N7] two subscribed devices: only the most recently active one is pushed",
      devices: [device("phone", { lastSeenAt: NOW - 10 * MIN }), device("laptop", { lastSeenAt: NOW - 5 * MIN, lastFocusedAt: NOW - 6 * MIN })],
      subs: [sub("phone"), sub("laptop")],
      want: { channel: "push", deviceId: "laptop", subscriptionId: "sub-laptop" },
    },
    {
      name: "[N7] a more recently active device without a subscription does not take it from the subscribed one",
      devices: [device("phone", { lastSeenAt: NOW - 30 * MIN }), device("tablet", { lastSeenAt: NOW - MIN })],
      subs: [sub("phone")],
      want: { channel: "push", deviceId: "phone", subscriptionId: "sub-phone" },
    },
    {
      name: "[N8] no subscription: in-app on the online idle device",
      devices: [device("laptop", { connected: true, lastSeenAt: NOW })],
      subs: [],
      want: { channel: "in-app", deviceId: "laptop" },
    },
    {
      name: "[N8] no subscription, nobody online: the inbox",
      devices: [device("laptop")],
      subs: [],
      want: { channel: "inbox", why: "nobody" },
    },
    {
      name: "[N9][S10] quiet hours hold it, push or not",
      devices: [device("phone")],
      subs: [sub("phone")],
      p: prefs({ quietHours: { start: "09:00", end: "11:00" } }),
      want: { channel: "inbox", why: "quiet" },
    },
    {
      name: "[N9][S10] the kind switched off: the inbox only",
      devices: [device("phone")],
      subs: [sub("phone")],
      p: prefs({ reminders: false }),
      want: { channel: "inbox", why: "disabled" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(route(note(), { prefs: c.p ?? prefs(), now: NOW, devices: c.devices, subscriptions: c.subs })).toEqual(c.want);
    });
  }

  it("[N10] a notification older than the push age is not pushed (the inbox keeps it)", () => {
    const old = note("old", "reminder", NOW - 13 * 60 * MIN);
    expect(route(old, { prefs: prefs(), now: NOW, devices: [device("phone")], subscriptions: [sub("phone")] })).toEqual({ channel: "inbox", why: "stale" });
  });

  it("[N10][N9] a notification held through a long quiet night is still pushed when the quiet hours end: its age counts from then", () => {
    // 20:00–09:00 UTC; the reminder was made at 20:30, routed at 09:00 the next day (12.5 h later).
    const night = prefs({ quietHours: { start: "20:00", end: "09:00" } });
    const morning = Date.parse("2026-11-26T09:00:00Z");
    const held = note("held", "reminder", Date.parse("2026-11-25T20:30:00Z"));
    expect(route(held, { prefs: night, now: morning, devices: [device("phone")], subscriptions: [sub("phone")] })).toEqual({ channel: "push", deviceId: "phone", subscriptionId: "sub-phone" });
    // At 19:00 — 22.5 h after it was made, 10 h after the quiet hours ended — it is still fresh.
    expect(route(held, { prefs: night, now: morning + 10 * 60 * MIN, devices: [device("phone")], subscriptions: [sub("phone")] })).toMatchObject({ channel: "push" });
    // Without quiet hours the same age is stale (N10 as before).
    expect(route(held, { prefs: prefs(), now: morning + 10 * 60 * MIN, devices: [device("phone")], subscriptions: [sub("phone")] })).toEqual({ channel: "inbox", why: "stale" });
  });

  it("[N14] a notification whose push was given up on is not pushed again; it goes in the app to a device that is online", () => {
    const input = { prefs: prefs(), now: NOW, devices: [device("phone"), device("laptop", { connected: true, lastSeenAt: NOW })], subscriptions: [sub("phone")] };
    expect(deliveries([note("f")], input, { inApp: () => null, pushed: () => false, pushFailed: () => true })).toEqual([
      { channel: "in-app", notification: note("f"), deviceId: "laptop", previous: null },
    ]);
    // Without that, the same input pushes to the phone.
    expect(deliveries([note("f")], input, { inApp: () => null, pushed: () => false }).map((d) => d.channel)).toEqual(["push"]);
  });

  it("[N12] once pushed, never shown in-app nor pushed again; once in-app, never pushed", () => {
    const input = { prefs: prefs(), now: NOW, devices: [device("laptop", { connected: true, focused: true, lastFocusedAt: NOW })], subscriptions: [sub("laptop")] };
    const pushedOnce = deliveries([note("a")], input, { inApp: () => null, pushed: (id) => id === "a" });
    expect(pushedOnce).toEqual([]);
    const idle = { ...input, devices: [device("laptop", { connected: true, lastFocusedAt: NOW - 10 * MIN })] };
    expect(deliveries([note("b")], idle, { inApp: (id) => (id === "b" ? "laptop" : null), pushed: () => false })).toEqual([]);
  });
});

const payloads = (sent: PushMessage[]): PushPayload[] => sent.map((m) => m.payload);

describe("Push — the room delivers once (N10–N14)", () => {
  it("[N7][N11][N12] all tabs closed: a fired reminder is pushed once, to the subscribed device, with its Topic, TTL, urgency and actions", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    const made = await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    expect(made.status).toBe(201);
    const n = await fireReminder(room);
    expect(fake.sent).toHaveLength(1);
    const [m] = fake.sent;
    expect(m!.subscription.deviceId).toBe("phone");
    expect(m!.topic).toBe(pushTopic(n.id));
    expect(m!.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(m!.urgency).toBe("high");
    expect(m!.ttl).toBeGreaterThan(0);
    expect(m!.payload).toEqual({
      type: "notification",
      id: n.id,
      title: "Call John",
      body: n.body,
      url: `/tasks?reminder=${n.ref}`,
      actions: [
        { action: "done", title: "Done" },
        { action: "snooze", title: "Snooze 10 min" },
      ],
    });
    // [N12] the alarm retried (the platform runs it at least once): nothing is pushed again.
    await room.room.alarm();
    await room.room.alarm();
    // A device connecting later lists it in its inbox but is not shown it in-app.
    const phone = room.connect();
    phone.hello("phone", { focused: true });
    room.flush();
    expect(fake.sent).toHaveLength(1);
    expect(phone.of("notification")).toEqual([]);
  });

  it("[N7] two subscribed devices: only the most recently active one is pushed", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(2), "laptop");
    const laptop = room.connect();
    laptop.hello("laptop", { focused: true });
    room.flush();
    room.clock += 5 * MIN;
    room.disconnect(laptop);
    room.clock += 5 * MIN;
    await fireReminder(room);
    expect(fake.sent.map((m) => m.subscription.deviceId)).toEqual(["laptop"]);
  });

  it("[N6] a device in use gets it in the app and nothing is pushed anywhere", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const laptop = room.connect();
    laptop.hello("laptop", { focused: true });
    room.flush();
    const n = await fireReminder(room);
    room.flush();
    expect(laptop.of("notification").map((f) => f.notification.id)).toEqual([n.id]);
    expect(fake.sent).toEqual([]);
  });

  it("[N13] an ack on any device clears it in-app everywhere and sends `cleared` (same Topic) to the device that got the push", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const n = await fireReminder(room);
    const laptop = room.connect();
    laptop.hello("laptop", { focused: false });
    room.flush();
    const acked = await api("POST", `/api/v1/notifications/${n.id}/ack`, undefined, "laptop");
    expect(acked.status).toBe(200);
    await room.room.schedule.push.settled();
    room.flush();
    expect(payloads(fake.sent)).toEqual([expect.objectContaining({ type: "notification", id: n.id }), { type: "cleared", id: n.id }]);
    expect(fake.sent[1]!.topic).toBe(fake.sent[0]!.topic);
    expect(fake.sent[1]!.subscription.deviceId).toBe("phone");
    expect(laptop.of("notification.cleared").map((f) => f.notificationId)).toEqual([n.id]);
    // [S9] a second ack is a 404, and sends nothing more.
    expect((await api("POST", `/api/v1/notifications/${n.id}/ack`)).status).toBe(404);
    await room.room.alarm();
    expect(fake.sent).toHaveLength(2);
  });

  it("[N13] the device that got the push and acknowledged it (Done, a dismissal) is sent no `cleared` push: its notification is already down", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const n = await fireReminder(room);
    expect((await api("POST", `/api/v1/notifications/${n.id}/ack`, undefined, "phone")).status).toBe(200);
    await room.room.schedule.push.settled();
    expect(payloads(fake.sent)).toEqual([expect.objectContaining({ type: "notification", id: n.id })]);
  });

  it("[N13] an ack while the push is still in flight: `cleared` waits for the push service's answer, so it never overtakes the notification", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    fake.holding = true;
    const set = await api("POST", "/api/v1/reminders", { at: new Date(room.clock + MIN).toISOString(), title: "In flight" });
    expect(set.status).toBe(201);
    room.clock += MIN;
    const sending = fake.nextSend();
    const alarm = room.room.alarm();
    await sending;
    const n = Object.values(room.room.ledger.state.notifications).find((x) => x.title === "In flight")!;
    expect(payloads(fake.sent)).toEqual([expect.objectContaining({ type: "notification", id: n.id })]);
    expect((await api("POST", `/api/v1/notifications/${n.id}/ack`, undefined, "laptop")).status).toBe(200);
    // Acknowledged before the push service answered: nothing more is sent yet.
    expect(fake.sent).toHaveLength(1);
    fake.holding = false;
    fake.release();
    await alarm;
    await room.room.schedule.push.settled();
    expect(payloads(fake.sent)).toEqual([expect.objectContaining({ type: "notification", id: n.id }), { type: "cleared", id: n.id }]);
  });

  it("[N14][N6] a push given up on (the service refused it) shows in the app once a device is in use", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    fake.outcomes.push({ kind: "failed", status: 413, reason: "the push service answered 413" });
    const n = await fireReminder(room);
    await room.room.schedule.push.settled();
    expect(room.room.schedule.push.row(n.id)?.state).toBe("failed");
    const laptop = room.connect();
    laptop.hello("laptop", { focused: true });
    room.flush();
    expect(laptop.of("notification").map((f) => f.notification.id)).toEqual([n.id]);
    expect(fake.sent).toHaveLength(1);
  });

  it("[N2][N14] a subscription whose expirationTime has passed is dropped (gone) and not pushed to", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    const expiring = await api("POST", "/api/v1/push/subscriptions", { ...subscriptionBody(1), expirationTime: room.clock + 30_000 }, "phone");
    expect(expiring.status).toBe(201);
    await fireReminder(room);
    expect(fake.sent).toEqual([]);
    expect(room.room.pushSubscriptions.all()).toEqual([]);
    const gone = room.room.ledger.since(0, 1000).filter((e) => e.type === "push.unsubscribed");
    expect(gone.map((e) => e.payload)).toEqual([{ subscriptionId: expiring.body.id, reason: "gone" }]);
  });

  it("[N14][N9] a retry that comes due in quiet hours waits for their end", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    fake.outcomes.push({ kind: "retry", status: 503, retryAfterMs: null });
    const n = await fireReminder(room);
    // Quiet hours begin before the backoff ends: the retry is held to their end.
    await api("PUT", "/api/v1/preferences", { notifications: { quietHours: { start: "10:01", end: "11:00" } } });
    room.clock += backoffMs(1);
    await room.room.alarm();
    expect(fake.sent).toHaveLength(1);
    expect(room.room.schedule.push.row(n.id)?.nextAt).toBe(Date.parse("2026-11-25T11:00:00Z"));
    room.clock = Date.parse("2026-11-25T11:00:00Z");
    await room.room.alarm();
    expect(fake.sent.map((m) => m.payload.id)).toEqual([n.id, n.id]);
  });

  it("[N5][N7] idle: a connected laptop that lost focus past the window gets the push, not the in-app notification; within the window, the reverse", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "laptop");
    const laptop = room.connect();
    laptop.hello("laptop", { focused: true });
    room.flush();
    laptop.sendFrame({ type: "focus", focused: false });
    room.flush();
    // fireReminder moves the clock a minute more: the reminder fires 90 s after the blur.
    room.clock += IN_USE_WINDOW_MS / 4;
    const near = await fireReminder(room, "Within the window");
    room.flush();
    expect(laptop.of("notification").map((f) => f.notification.id)).toEqual([near.id]);
    expect(fake.sent).toEqual([]);
    room.clock += IN_USE_WINDOW_MS;
    const far = await fireReminder(room, "Past the window");
    room.flush();
    expect(fake.sent.map((m) => [m.subscription.deviceId, m.payload.id])).toEqual([["laptop", far.id]]);
    expect(laptop.of("notification").map((f) => f.notification.id)).toEqual([near.id]);
  });

  it("[N9][S10] quiet hours hold the push; it goes out once when they end, from the alarm", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("PUT", "/api/v1/preferences", { notifications: { quietHours: { start: "10:00", end: "10:30" } } });
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const n = await fireReminder(room);
    expect(fake.sent).toEqual([]);
    const quietEnds = Date.parse("2026-11-25T10:30:00Z");
    expect(room.alarmAt).toBe(quietEnds);
    room.clock = quietEnds;
    await room.room.alarm();
    await room.room.alarm();
    expect(fake.sent.map((m) => m.payload.id)).toEqual([n.id]);
  });

  it("[N14] 410: the subscription is dropped (push.unsubscribed, reason gone) and leaves the state", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    const made = await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    fake.outcomes.push({ kind: "gone", status: 410 });
    await fireReminder(room);
    expect(fake.sent).toHaveLength(1);
    expect(room.room.ledger.state.pushSubscriptions).toEqual({});
    const gone = room.room.ledger.since(0, 1000).filter((e) => e.type === "push.unsubscribed");
    expect(gone.map((e) => e.payload)).toEqual([{ subscriptionId: made.body.id, reason: "gone" }]);
    expect(room.room.pushSubscriptions.all()).toEqual([]);
  });

  it("[N14] 429/5xx: retried from the alarm after a backoff, a few times at most, never in a tight loop", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    fake.outcomes.push({ kind: "retry", status: 429, retryAfterMs: null }, { kind: "retry", status: 503, retryAfterMs: null });
    const fired = room.clock + MIN;
    const n = await fireReminder(room);
    expect(fake.sent).toHaveLength(1);
    expect(room.alarmAt).toBe(fired + backoffMs(1));
    // The alarm run again before the backoff ends sends nothing.
    await room.room.alarm();
    expect(fake.sent).toHaveLength(1);
    room.clock = fired + backoffMs(1);
    await room.room.alarm();
    expect(fake.sent).toHaveLength(2);
    expect(room.alarmAt).toBe(room.clock + backoffMs(2));
    room.clock += backoffMs(2);
    await room.room.alarm();
    expect(fake.sent).toHaveLength(3);
    expect(room.room.schedule.push.row(n.id)?.state).toBe("sent");
    await room.room.alarm();
    expect(fake.sent).toHaveLength(3);
  });

  it("[N14] a push service that keeps failing is given up after a few attempts", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    for (let i = 0; i < 10; i++) fake.outcomes.push({ kind: "retry", status: 500, retryAfterMs: null });
    const n = await fireReminder(room);
    for (let i = 0; i < 10; i++) {
      room.clock += backoffMs(4);
      await room.room.alarm();
    }
    expect(fake.sent).toHaveLength(4);
    expect(room.room.schedule.push.row(n.id)?.state).toBe("failed");
  });
});
