/**
 * The push routes on the room core (docs/PROTOCOL.md N1–N3, N15, N16, N19):
 * subscribing, removing, the Done and Snooze actions a service worker calls,
 * and the assistant's reply routed by push.
 */
import { describe, expect, it } from "vitest";
import { FakeRoom } from "../support/fake-room.ts";
import { fireReminder, pushRoom } from "../support/push-room.ts";

const MIN = 60_000;

describe("Push — subscriptions over HTTP (N1–N3)", () => {
  it("[N1] without VAPID keys push is off: the key and subscribing are 404, and nothing is pushed", async () => {
    const room = new FakeRoom();
    const key = await room.room.request(new Request("http://room/api/v1/push/key"), "r1");
    expect(key.status).toBe(404);
    expect(((await key.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("[N2][N4] X-Device-Id is required; a private or loopback endpoint is refused in production; typed errors, nothing stored", async () => {
    const { room, api, subscriptionBody } = await pushRoom({ ENVIRONMENT: "production" });
    expect(await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1))).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    for (const endpoint of ["https://10.0.0.1/p", "http://127.0.0.1:9000/p", "https://localhost/p"]) {
      const res = await api("POST", "/api/v1/push/subscriptions", { ...subscriptionBody(2), endpoint }, "phone");
      expect({ endpoint, status: res.status }).toEqual({ endpoint, status: 400 });
    }
    expect(room.room.pushSubscriptions.all()).toEqual([]);
    expect(room.room.ledger.lastSeq).toBe(0);
  });

  it("[N2][N3] one subscription per device; DELETE removes it (reason user); unknown is 404", async () => {
    const { room, api, subscriptionBody } = await pushRoom();
    const first = await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const second = await api("POST", "/api/v1/push/subscriptions", subscriptionBody(2), "phone");
    expect(second.status).toBe(201);
    expect(Object.keys(room.room.ledger.state.pushSubscriptions)).toEqual([second.body.id]);
    const removed = await api("DELETE", `/api/v1/push/subscriptions/${String(second.body.id)}`, undefined, "laptop");
    expect(removed).toMatchObject({ status: 200, body: { id: second.body.id } });
    expect(room.room.ledger.state.pushSubscriptions).toEqual({});
    expect(room.room.ledger.since(0, 100).filter((e) => e.type === "push.unsubscribed").map((e) => e.payload)).toEqual([
      { subscriptionId: first.body.id, reason: "user" },
      { subscriptionId: second.body.id, reason: "user" },
    ]);
    expect((await api("DELETE", `/api/v1/push/subscriptions/${String(second.body.id)}`)).status).toBe(404);
  });
});

describe("Push — Done and Snooze from the notification (N15, N16)", () => {
  it("[N15] Done on a task's reminder completes the task and acks; a second Done is 404", async () => {
    const { room, api } = await pushRoom();
    const task = await api("POST", "/api/v1/tasks", { action: "create", task: { title: "Book the hotel" } });
    const reminder = await api("POST", "/api/v1/reminders", { at: new Date(room.clock + MIN).toISOString(), taskId: task.body.id });
    expect(reminder.status).toBe(201);
    room.clock += MIN;
    await room.room.alarm();
    const [n] = Object.values(room.room.ledger.state.notifications);
    const done = await api("POST", `/api/v1/notifications/${n!.id}/done`, undefined, "phone");
    expect(done).toEqual({ status: 200, body: { notificationId: n!.id, done: "task" } });
    const state = await api("GET", "/api/v1/state");
    expect((state.body.tasks as { id: string; status: string }[]).find((t) => t.id === task.body.id)?.status).toBe("done");
    expect(room.room.ledger.state.notifications).toEqual({});
    expect((await api("POST", `/api/v1/notifications/${n!.id}/done`)).status).toBe(404);
    // X2: an id that names a property of every object is still unknown.
    expect((await api("POST", "/api/v1/notifications/constructor/done")).status).toBe(404);
  });

  it("[N15] Done on a plain reminder dismisses it; on a plan's notification it only acks", async () => {
    const { room, api } = await pushRoom();
    const n = await fireReminder(room);
    expect(await api("POST", `/api/v1/notifications/${n.id}/done`)).toEqual({ status: 200, body: { notificationId: n.id, done: "reminder" } });
    expect(room.room.ledger.state.reminders).toEqual({});
    const plan = room.room.schedule.notify("plan", "Your plan", "…", "2026-11-25");
    expect(await api("POST", `/api/v1/notifications/${plan.id}/done`)).toEqual({ status: 200, body: { notificationId: plan.id, done: "acked" } });
  });

  it("[N16] Snooze acks and moves the reminder 1–1440 minutes on; not a reminder is 409; out of range is 400", async () => {
    const { room, api } = await pushRoom();
    const n = await fireReminder(room);
    expect((await api("POST", `/api/v1/notifications/${n.id}/snooze`, { minutes: 0 })).status).toBe(400);
    expect((await api("POST", `/api/v1/notifications/${n.id}/snooze`, { minutes: 1441 })).status).toBe(400);
    const snoozed = await api("POST", `/api/v1/notifications/${n.id}/snooze`, { minutes: 10 });
    expect(snoozed).toMatchObject({ status: 200, body: { notificationId: n.id, reminder: { id: n.ref, status: "pending", at: new Date(room.clock + 10 * MIN).toISOString() } } });
    expect(room.room.ledger.state.notifications).toEqual({});
    expect(room.alarmAt).toBe(room.clock + 10 * MIN);
    const plan = room.room.schedule.notify("plan", "Your plan", "…", "2026-11-25");
    expect((await api("POST", `/api/v1/notifications/${plan.id}/snooze`, { minutes: 10 })).status).toBe(409);
  });
});

describe("Push — the assistant replied (N19)", () => {
  it("[N19][S8] a reply that ends with no device in use is pushed to the subscribed device, opening the chat at that turn", async () => {
    const { room, fake, api, subscriptionBody } = await pushRoom();
    await api("POST", "/api/v1/push/subscriptions", subscriptionBody(1), "phone");
    const accepted = room.room.chat.submit({ text: "what is on my agenda?", channel: "chat" }, { kind: "user" }, "req-http");
    if (!accepted.ok) throw new Error(accepted.error.message);
    await room.room.chat.idle();
    await room.room.schedule.push.settled();
    expect(fake.sent.map((m) => m.payload)).toEqual([
      expect.objectContaining({ type: "notification", title: "Your assistant replied", url: `/chat?turn=${accepted.value.turnId}` }),
    ]);
    expect(fake.sent[0]!.payload).not.toHaveProperty("actions");
    expect(fake.sent[0]!.urgency).toBe("normal");
  });
});
