import { describe, expect, it } from "vitest";
import type { LedgerEvent, Notification, Plan, Reminder, Task } from "../../shared/domain.ts";
import { api, clockedRoom as room, connect, freshUser, login, type TestSocket } from "./helpers.ts";


async function state(token: string) {
  return (await (await api(token).get("/api/v1/state")).json()) as { tasks: Task[]; reminders: Reminder[]; notifications: Notification[]; plan: Plan | null };
}

async function events(token: string, type: string) {
  const all = ((await (await api(token).get("/api/v1/events?since=0&limit=1000")).json()) as { events: LedgerEvent[] }).events;
  return all.filter((e) => e.type === type);
}

/**
 * No `type` frame reached `s`: checked after a ping's pong, which the room sends
 * after every frame it sent this socket before (an alarm's deliveries are sent
 * before `runDurableObjectAlarm` returns). No sleep: waiting longer proves nothing more.
 */
async function quiet(s: TestSocket, type: string): Promise<boolean> {
  await s.roundTrip();
  return !s.frames.some((f) => f.type === type);
}

describe("Brain — reminders, daily plan and notifications", () => {
  it("[S1][S2] “remind me … tomorrow at 9am” fires once at 9:00 local, across the end of summer time", async () => {
    const user = freshUser("dst");
    const token = await login(user);
    const r = await room(user);
    await api(token).put("/api/v1/preferences", { timezone: "Europe/Paris", notifications: { quietHours: null } });
    // Saturday 24 Oct 2026, 22:00 in Paris (summer time, UTC+2). Summer time ends that night.
    await r.setClock("2026-10-24T20:00:00Z");
    const sent = await api(token).post("/api/v1/message", { text: "remind me to call the bakery tomorrow at 9am" });
    const { turnId } = (await sent.json()) as { turnId: string };
    await (await api(token).get(`/api/v1/stream/${turnId}`)).text();
    const [reminder] = (await state(token)).reminders;
    // 09:00 in Paris on 25 Oct is winter time, UTC+1: 08:00Z (not 07:00Z).
    expect(reminder).toMatchObject({ title: "Call the bakery", at: "2026-10-25T08:00:00.000Z", status: "pending" });
    await r.setClock("2026-10-25T07:59:00Z");
    await r.alarm();
    expect(await events(token, "reminder.fired")).toHaveLength(0);
    await r.setClock("2026-10-25T08:00:30Z");
    await r.alarm();
    await r.setClock("2026-10-25T08:05:00Z");
    await r.alarm();
    const fired = await events(token, "reminder.fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]!.payload).toMatchObject({ reminderId: reminder!.id, firedAt: "2026-10-25T08:00:30.000Z" });
    expect((await state(token)).reminders[0]).toMatchObject({ status: "fired" });
  });

  it("[S3] an alarm that throws after firing and is retried does not fire twice", async () => {
    const user = freshUser("retry");
    const token = await login(user);
    const r = await room(user);
    // A year ahead of the real clock: the room arms real alarms at its own (fixed) times, and one in
    // the real past would be run by workerd on its own, racing the runs this test makes.
    const year = new Date().getUTCFullYear() + 1;
    const at = (hhmm: string) => `${year}-11-21T${hhmm}:00.000Z`;
    await r.setClock(at("10:00"));
    await api(token).put("/api/v1/preferences", { notifications: { quietHours: null } });
    await api(token).post("/api/v1/reminders", { at: at("10:05"), title: "Stand up" });
    const alarmAt = () => r.inRoom((_b, state) => state.storage.getAlarm());
    const armed = await alarmAt();
    expect(armed).toBe(Date.parse(at("10:05")));
    await r.setClock(at("10:06"));
    await r.inRoom((b) => b.debugFailNextAlarm());
    await expect(r.alarm()).rejects.toThrow("injected alarm failure after firing");
    expect(await events(token, "reminder.fired")).toHaveLength(1);
    // workerd keeps an alarm whose handler threw and runs it again; runDurableObjectAlarm removed it
    // before the run, so the test puts it back as the runtime keeps it, and runs it: a real retry.
    expect(await alarmAt()).toBeNull();
    await r.inRoom((_b, state) => state.storage.setAlarm(armed!));
    await r.setClock(at("10:07"));
    expect(await r.alarm()).toBe(true);
    // The retry ran the schedule to its end: it armed the next wake-up.
    expect(await alarmAt()).not.toBeNull();
    const fired = await events(token, "reminder.fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]!.payload).toMatchObject({ firedAt: at("10:06") });
    const notices = (await events(token, "notification.created")).flatMap((e) => (e.type === "notification.created" && e.payload.notification.kind === "reminder" ? [e.payload.notification] : []));
    expect(notices).toHaveLength(1);
    expect((await state(token)).notifications.filter((n) => n.kind === "reminder")).toHaveLength(1);
  });

  it("[S4] snooze and dismiss from any device", async () => {
    const user = freshUser("snooze");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    const made = (await (await api(token).post("/api/v1/reminders", { at: "2026-11-21T10:01:00Z", title: "Tea" })).json()) as Reminder;
    const phone = await connect(token, "phone");
    await phone.hello();
    phone.send({ type: "reminder.snooze", rid: "z", reminderId: made.id, command: { minutes: 10 } });
    expect(await phone.next("ack", (f) => f.rid === "z")).toMatchObject({ result: { at: "2026-11-21T10:10:00.000Z", status: "pending" } });
    await r.setClock("2026-11-21T10:05:00Z");
    await r.alarm();
    expect(await events(token, "reminder.fired")).toHaveLength(0);
    const dismissed = await api(token).post(`/api/v1/reminders/${made.id}/dismiss`, undefined);
    expect(dismissed.status).toBe(200);
    await r.setClock("2026-11-21T10:30:00Z");
    await r.alarm();
    expect(await events(token, "reminder.fired")).toHaveLength(0);
    expect((await state(token)).reminders).toEqual([]);
    phone.close();
  });

  it("[S8][S9] a notification reaches only the focused device, then the other when focus moves, and one ack clears it everywhere", async () => {
    const user = freshUser("focus");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    await api(token).put("/api/v1/preferences", { notifications: { quietHours: null } });
    const phone = await connect(token, "phone");
    const laptop = await connect(token, "laptop");
    await phone.hello({ focused: true });
    await laptop.hello({ focused: false });
    await api(token).post("/api/v1/reminders", { at: "2026-11-21T10:00:30Z", title: "Stretch" });
    await r.setClock("2026-11-21T10:01:00Z");
    await r.alarm();
    const got = await phone.next("notification");
    expect(got.notification).toMatchObject({ kind: "reminder", title: "Stretch" });
    expect(await quiet(laptop, "notification")).toBe(true);
    // Focus moves to the laptop: the pending notification follows it.
    phone.send({ type: "focus", focused: false });
    laptop.send({ type: "focus", focused: true });
    const moved = await laptop.next("notification");
    expect(moved.notification.id).toBe(got.notification.id);
    // The phone, no longer in use, stops showing it.
    await phone.next("notification.cleared", (f) => f.notificationId === got.notification.id);
    laptop.send({ type: "notification.ack", rid: "ack", notificationId: moved.notification.id });
    await laptop.next("ack", (f) => f.rid === "ack");
    await phone.next("notification.cleared", (f) => f.notificationId === got.notification.id);
    await laptop.next("notification.cleared", (f) => f.notificationId === got.notification.id);
    expect((await state(token)).notifications).toEqual([]);
    const again = await api(token).post(`/api/v1/notifications/${got.notification.id}/ack`, undefined);
    expect(again.status).toBe(404);
    phone.close();
    laptop.close();
  });

  it("[S8] with no device online a notification waits in the inbox and is delivered on connect, once", async () => {
    const user = freshUser("inbox");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    await api(token).put("/api/v1/preferences", { notifications: { quietHours: null } });
    await api(token).post("/api/v1/reminders", { at: "2026-11-21T10:00:10Z", title: "Water plants" });
    await r.setClock("2026-11-21T10:01:00Z");
    await r.alarm();
    expect((await state(token)).notifications).toMatchObject([{ kind: "reminder", title: "Water plants" }]);
    const phone = await connect(token, "phone");
    await phone.hello();
    expect((await phone.next("notification")).notification.title).toBe("Water plants");
    phone.close();
    const again = await connect(token, "phone");
    await again.hello();
    expect(await quiet(again, "notification")).toBe(true);
    again.close();
  });

  it("[S10] quiet hours hold notifications until they end; a disabled kind is never pushed", async () => {
    const user = freshUser("quiet");
    const token = await login(user);
    const r = await room(user);
    await api(token).put("/api/v1/preferences", { timezone: "UTC", notifications: { quietHours: { start: "22:00", end: "07:00" } } });
    await r.setClock("2026-11-21T23:00:00Z");
    await api(token).post("/api/v1/reminders", { at: "2026-11-21T23:00:30Z", title: "Late thought" });
    const phone = await connect(token, "phone");
    await phone.hello({ focused: true });
    await r.setClock("2026-11-21T23:01:00Z");
    await r.alarm();
    expect(await quiet(phone, "notification")).toBe(true);
    await r.setClock("2026-11-22T07:00:00Z");
    await r.alarm();
    expect((await phone.next("notification")).notification.title).toBe("Late thought");
    // Reminders turned off: the next one stays in the inbox, unpushed.
    await api(token).put("/api/v1/preferences", { notifications: { reminders: false } });
    await api(token).post("/api/v1/reminders", { at: "2026-11-22T07:00:30Z", title: "Silent" });
    await r.setClock("2026-11-22T07:01:00Z");
    await r.alarm();
    expect(await quiet(phone, "notification")).toBe(true);
    expect((await state(token)).notifications.map((n) => n.title)).toContain("Silent");
    phone.close();
  });

  it("[S5][S6][S7] the daily plan is made at the chosen local time with nobody connected, waits, and is accepted item by item", async () => {
    const user = freshUser("plan");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-23T06:00:00Z"); // Monday 07:00 in Paris
    const http = api(token);
    expect((await http.put("/api/v1/preferences", { timezone: "Europe/Paris", notifications: { dailyPlan: true, dailyPlanTime: "21:00", quietHours: null } })).status).toBe(400);
    const prefs = await http.put("/api/v1/preferences", { timezone: "Europe/Paris", notifications: { dailyPlan: true, dailyPlanTime: "09:30", quietHours: null } });
    expect(prefs.status).toBe(200);
    for (const [title, due] of [["Send invoice", "2026-11-20"], ["Prepare slides", "2026-11-23"], ["Book dentist", null], ["Renew passport", null]] as const) {
      await http.post("/api/v1/tasks", { action: "create", task: { title, due } });
    }
    await r.setClock("2026-11-23T08:29:00Z"); // 09:29 local: not yet
    await r.alarm();
    expect((await state(token)).plan).toBeNull();
    await r.setClock("2026-11-23T08:31:00Z"); // 09:31 local
    await r.alarm();
    await r.alarm();
    const plan = (await (await http.get("/api/v1/plan?date=2026-11-23")).json()) as Plan;
    expect(plan.items.filter((i) => i.kind === "priority").map((i) => i.text)).toEqual(["Send invoice", "Prepare slides", "Book dentist"]);
    expect(plan.items.filter((i) => i.kind === "todo").map((i) => i.text)).toEqual(["Renew passport"]);
    expect(plan.items.filter((i) => i.kind === "note")).toHaveLength(1);
    expect(await events(token, "plan.proposed")).toHaveLength(1);
    // Nobody was connected: the plan waits and is delivered on connect.
    const phone = await connect(token, "phone");
    await phone.hello();
    expect((await phone.next("notification")).notification).toMatchObject({ kind: "plan", ref: "2026-11-23" });
    const [p1, p2, p3] = plan.items;
    phone.send({ type: "plan.item", rid: "a", command: { date: plan.date, itemId: p1!.id, action: "accept" } });
    expect(await phone.next("ack", (f) => f.rid === "a")).toMatchObject({ result: { status: "accepted", taskId: p1!.taskId } });
    const edit = await http.post("/api/v1/plan/items", { date: plan.date, itemId: p2!.id, action: "edit", text: "Prepare slides for Tuesday" });
    expect(await edit.json()).toMatchObject({ status: "accepted", text: "Prepare slides for Tuesday" });
    expect((await http.post("/api/v1/plan/items", { date: plan.date, itemId: p3!.id, action: "reject" })).status).toBe(200);
    expect((await http.post("/api/v1/plan/items", { date: plan.date, itemId: p3!.id, action: "accept" })).status).toBe(409);
    const after = (await state(token)).plan!;
    expect(after.items.slice(0, 3).map((i) => i.status)).toEqual(["accepted", "accepted", "rejected"]);
    expect(after.items[1]!.text).toBe("Prepare slides for Tuesday");
    phone.close();
  });

  it("[S6] “plan my day” in chat proposes the same plan now and announces it", async () => {
    const user = freshUser("chatplan");
    const token = await login(user);
    await api(token).post("/api/v1/tasks", { action: "create", task: { title: "Write report" } });
    const s = await connect(token, "d");
    await s.hello();
    s.send({ type: "message.send", rid: "m", command: { text: "plan my day" } });
    const available = await s.next("plan.available");
    expect(available.plan.items.map((i) => [i.kind, i.text])).toContainEqual(["priority", "Write report"]);
    const done = await s.next("llm.completed");
    expect(done.text).toContain("Write report");
    expect((await state(token)).plan?.source).toBe("chat");
    // Asking again shows the same plan; it never replaces one being settled item by item.
    s.send({ type: "message.send", rid: "again", command: { text: "plan my day" } });
    await s.next("ack", (f) => f.rid === "again");
    await s.next("llm.completed");
    expect(await events(token, "plan.proposed")).toHaveLength(1);
    s.close();
  });

  it("[S1][S8] “remind me to stretch in 2 minutes” reminds the device in use two minutes later, once", async () => {
    const user = freshUser("stretch");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T15:00:00Z");
    await api(token).put("/api/v1/preferences", { notifications: { quietHours: null } });
    const phone = await connect(token, "phone");
    const laptop = await connect(token, "laptop");
    await phone.hello({ focused: false });
    await laptop.hello({ focused: true });
    laptop.send({ type: "message.send", rid: "m", command: { text: "remind me to stretch in 2 minutes" } });
    const done = await laptop.next("llm.completed");
    expect(done.text).toContain("remind you");
    await r.setClock("2026-11-21T15:01:59Z");
    await r.alarm();
    expect(await quiet(laptop, "notification")).toBe(true);
    await r.setClock("2026-11-21T15:02:01Z");
    await r.alarm();
    await r.alarm();
    expect((await laptop.next("notification")).notification).toMatchObject({ kind: "reminder", title: "Stretch" });
    await Promise.all([laptop.roundTrip(), phone.roundTrip()]);
    expect(laptop.frames.filter((f) => f.type === "notification")).toHaveLength(0);
    expect(phone.frames.filter((f) => f.type === "notification")).toHaveLength(0);
    phone.close();
    laptop.close();
  });
});

describe("Brain — schedule writes over HTTP are writes like any other (H14)", () => {
  it("[H14][H10] reminder, snooze, dismiss, ack and plan-item writes share the write rate limit", async () => {
    const user = freshUser("schedrate");
    const token = await login(user);
    const r = await room(user);
    // A fixed clock: the write bucket does not refill while the test runs.
    await r.setClock("2026-11-21T10:00:00Z");
    const http = api(token);
    let created = 0;
    let limited: Response | null = null;
    for (let i = 0; i < 60; i++) {
      const res = await http.post("/api/v1/reminders", { at: "2026-11-22T10:00:00Z", title: `r${i}` });
      if (res.status === 429) {
        limited = res;
        break;
      }
      expect(res.status).toBe(201);
      created++;
      await res.body?.cancel();
    }
    expect(limited).not.toBeNull();
    const body = (await limited!.json()) as { error: { code: string; retryAfter: number } };
    expect(body.error).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
    expect(limited!.headers.get("retry-after")).toBe(String(body.error.retryAfter));
    // Unknown ids would be 404: the limit is checked first, for every schedule write.
    for (const [path, payload] of [
      ["/api/v1/reminders/nope/snooze", { minutes: 5 }],
      ["/api/v1/reminders/nope/dismiss", undefined],
      ["/api/v1/notifications/nope/ack", undefined],
      ["/api/v1/plan/items", { date: "2026-11-21", itemId: "nope", action: "accept" }],
    ] as const) {
      const res = await http.post(path, payload);
      expect(res.status, path).toBe(429);
      await res.body?.cancel();
    }
    expect(await events(token, "reminder.set")).toHaveLength(created);
    expect((await http.get("/api/v1/plan")).status).toBe(404);
  });

  it("[H14][H7][L3] schedule writes honour Idempotency-Key: a repeat replays the original, bodiless writes included", async () => {
    const user = freshUser("schedidem");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    const http = api(token);
    const set = { at: "2026-11-21T11:00:00Z", title: "Tea" };
    const a = await http.post("/api/v1/reminders", set, { "idempotency-key": "rem-00000001" });
    const b = await http.post("/api/v1/reminders", set, { "idempotency-key": "rem-00000001" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.headers.get("x-event-seq")).toBe(a.headers.get("x-event-seq"));
    const made = (await a.json()) as Reminder;
    expect(await b.json()).toEqual(made);
    expect(await events(token, "reminder.set")).toHaveLength(1);
    const other = await http.post("/api/v1/reminders", { ...set, title: "Coffee" }, { "idempotency-key": "rem-00000001" });
    expect(other.status).toBe(409);

    const dismiss = () => http.post(`/api/v1/reminders/${made.id}/dismiss`, undefined, { "idempotency-key": "dis-00000001" });
    const first = await dismiss();
    const again = await dismiss();
    expect(first.status).toBe(200);
    // Without the key a second dismiss is 404; with it, the original answer.
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await events(token, "reminder.dismissed")).toHaveLength(1);
    expect((await http.post(`/api/v1/reminders/${made.id}/dismiss`, undefined)).status).toBe(404);
  });

  it("[H14][H13] schedule writes are attributed to the device named by X-Device-Id", async () => {
    const user = freshUser("schedev");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    const http = api(token);
    const made = (await (await http.post("/api/v1/reminders", { at: "2026-11-21T11:00:00Z", title: "Call" }, { "x-device-id": "phone-7" })).json()) as Reminder;
    await http.post(`/api/v1/reminders/${made.id}/snooze`, { minutes: 5 }, { "x-device-id": "watch-2" });
    await http.post(`/api/v1/reminders/${made.id}/dismiss`, undefined, { "x-device-id": "laptop-3" });
    expect((await events(token, "reminder.set"))[0]!.actor).toEqual({ kind: "user", deviceId: "phone-7" });
    expect((await events(token, "reminder.snoozed"))[0]!.actor).toEqual({ kind: "user", deviceId: "watch-2" });
    expect((await events(token, "reminder.dismissed"))[0]!.actor).toEqual({ kind: "user", deviceId: "laptop-3" });
  });

  it("[H14][G2][L3] the same snooze sent over HTTP and then over the socket is applied once", async () => {
    const user = freshUser("schedboth");
    const token = await login(user);
    const r = await room(user);
    await r.setClock("2026-11-21T10:00:00Z");
    const http = api(token);
    const made = (await (await http.post("/api/v1/reminders", { at: "2026-11-21T10:01:00Z", title: "Tea" })).json()) as Reminder;
    const viaHttp = await http.post(`/api/v1/reminders/${made.id}/snooze`, { minutes: 10 }, { "idempotency-key": "snz-00000001" });
    expect(viaHttp.status).toBe(200);
    const phone = await connect(token, "phone");
    await phone.hello();
    phone.send({ type: "reminder.snooze", rid: "z", reminderId: made.id, command: { minutes: 10, clientActionId: "snz-00000001" } });
    const ack = await phone.next("ack", (f) => f.rid === "z");
    expect(ack).toMatchObject({ duplicate: true, seq: Number(viaHttp.headers.get("x-event-seq")), result: await viaHttp.json() });
    expect(await events(token, "reminder.snoozed")).toHaveLength(1);
    phone.close();
  });
});
