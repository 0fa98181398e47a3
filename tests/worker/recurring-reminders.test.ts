import { describe, expect, it } from "vitest";
import type { LedgerEvent, Notification, Reminder } from "../../shared/domain.ts";
import { api, clockedRoom as room, freshUser, login } from "./helpers.ts";


async function state(token: string) {
  return (await (await api(token).get("/api/v1/state")).json()) as { reminders: Reminder[]; notifications: Notification[] };
}

async function lastReply(token: string): Promise<string> {
  const s = (await (await api(token).get("/api/v1/state")).json()) as { recentMessages: { role: string; text: string }[] };
  return s.recentMessages.filter((m) => m.role === "assistant").at(-1)?.text ?? "";
}

async function events(token: string, type: string): Promise<LedgerEvent[]> {
  const all = ((await (await api(token).get("/api/v1/events?since=0&limit=1000")).json()) as { events: LedgerEvent[] }).events;
  return all.filter((e) => e.type === type);
}

const reminderNotices = async (token: string) =>
  (await events(token, "notification.created")).flatMap((e) => (e.type === "notification.created" && e.payload.notification.kind === "reminder" ? [e.payload.notification] : []));

// A year ahead of the real clock: the room arms real alarms at its own (fixed) times, and one in the
// real past would be run by workerd on its own, racing the runs these tests make (as tests/worker/schedule.test.ts).
const YEAR = new Date().getUTCFullYear() + 1;
const on = (mmdd: string, hhmm: string) => `${YEAR}-${mmdd}T${hhmm}:00.000Z`;

async function userWithDaily(label: string) {
  const user = freshUser(label);
  const token = await login(user);
  const r = await room(user);
  await r.setClock(on("11-21", "10:00"));
  await api(token).put("/api/v1/preferences", { timezone: "UTC", notifications: { quietHours: null } });
  const res = await api(token).post("/api/v1/reminders", { title: "Stretch", rrule: "FREQ=DAILY;BYHOUR=10;BYMINUTE=30" });
  expect(res.status).toBe(201);
  return { token, r, made: (await res.json()) as Reminder };
}

describe("Brain — recurring reminders", () => {
  it("[S15][S16] a recurring reminder is set at its first occurrence, its rule stored normalized; floods and bad rules are refused", async () => {
    const { token, made } = await userWithDaily("recur-set");
    expect(made).toMatchObject({ title: "Stretch", rrule: "FREQ=DAILY;BYHOUR=10;BYMINUTE=30", at: on("11-21", "10:30"), status: "pending" });
    const weekly = (await (await api(token).post("/api/v1/reminders", { title: "Report", rrule: "FREQ=WEEKLY", at: on("11-23", "16:00") })).json()) as Reminder;
    expect(weekly.rrule).toBe(`FREQ=WEEKLY;BYDAY=${["SU", "MO", "TU", "WE", "TH", "FR", "SA"][new Date(on("11-23", "16:00")).getUTCDay()]};BYHOUR=16;BYMINUTE=0`);
    expect(weekly.at).toBe(on("11-23", "16:00"));
    for (const body of [
      { title: "Spam", rrule: "FREQ=SECONDLY" },
      { title: "Spam", rrule: "FREQ=MINUTELY;BYHOUR=9" },
      { title: "Long", rrule: `FREQ=DAILY;${"BYMONTH=1;".repeat(60)}` },
      { title: "Never", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" },
      { title: "No time", routine: { prompt: "agenda" } },
      { title: "No at" },
    ]) {
      const res = await api(token).post("/api/v1/reminders", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await state(token)).reminders).toHaveLength(2);
  });

  it("[S19][S3] each occurrence fires once, stays pending at the next; a retried alarm fires nothing twice", async () => {
    const { token, r, made } = await userWithDaily("recur-once");
    await r.setClock(on("11-21", "10:31"));
    await r.alarm();
    await r.setClock(on("11-21", "10:45"));
    await r.alarm();
    let fired = await events(token, "reminder.fired");
    expect(fired.map((e) => e.payload)).toEqual([{ reminderId: made.id, at: on("11-21", "10:30"), firedAt: on("11-21", "10:31"), next: on("11-22", "10:30") }]);
    expect((await state(token)).reminders).toEqual([{ ...made, at: on("11-22", "10:30"), firedAt: on("11-21", "10:31") }]);
    // The alarm wakes by the next occurrence (or earlier, for hourly maintenance), not in the past.
    const armed = await r.inRoom((_b, s) => s.storage.getAlarm());
    expect(armed).toBeGreaterThan(Date.parse(on("11-21", "10:45")));
    expect(armed).toBeLessThanOrEqual(Date.parse(on("11-22", "10:30")));

    // The next day's alarm fires, then fails; workerd runs it again (put back as the runtime keeps it).
    await r.setClock(on("11-22", "10:30"));
    await r.inRoom((b) => b.debugFailNextAlarm());
    await expect(r.alarm()).rejects.toThrow("injected alarm failure after firing");
    await r.inRoom((_b, s) => s.storage.setAlarm(Date.parse(on("11-22", "10:30"))));
    await r.setClock(on("11-22", "10:31"));
    expect(await r.alarm()).toBe(true);
    fired = await events(token, "reminder.fired");
    expect(fired.map((e) => e.payload)).toEqual([
      expect.objectContaining({ at: on("11-21", "10:30") }),
      { reminderId: made.id, at: on("11-22", "10:30"), firedAt: on("11-22", "10:30"), next: on("11-23", "10:30") },
    ]);
    expect(await reminderNotices(token)).toHaveLength(2);
  });

  it("[S19] a room asleep through three occurrences sends one notification, for the latest, and moves to the next in the future", async () => {
    const { token, r, made } = await userWithDaily("recur-asleep");
    await r.setClock(on("11-24", "11:00"));
    await r.alarm();
    await r.alarm();
    const fired = await events(token, "reminder.fired");
    expect(fired.map((e) => e.payload)).toEqual([{ reminderId: made.id, at: on("11-24", "10:30"), firedAt: on("11-24", "11:00"), next: on("11-25", "10:30") }]);
    const notices = await reminderNotices(token);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ title: "Stretch", ref: made.id });
    const [after] = (await state(token)).reminders;
    expect(Date.parse(after!.at)).toBeGreaterThan(Date.parse(on("11-24", "11:00")));
  });

  it("[S21] update changes the rule and the next at; rrule null makes it one-time; dismiss cancels the series", async () => {
    const { token, r, made } = await userWithDaily("recur-edit");
    const res = await api(token).post(`/api/v1/reminders/${made.id}/update`, { rrule: "FREQ=MONTHLY;BYMONTHDAY=1", title: "Pay rent" });
    expect(res.status).toBe(200);
    const monthly = (await res.json()) as Reminder;
    // The new rule keeps the reminder's time of day (10:30), on the 1st.
    expect(monthly).toMatchObject({ id: made.id, title: "Pay rent", rrule: "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=10;BYMINUTE=30", at: on("12-01", "10:30"), status: "pending" });
    expect((await state(token)).reminders).toEqual([monthly]);
    expect(await events(token, "reminder.updated")).toHaveLength(1);

    const once = (await (await api(token).post(`/api/v1/reminders/${made.id}/update`, { rrule: null, at: on("11-21", "12:00") })).json()) as Reminder;
    expect(once).toEqual({ id: made.id, taskId: null, title: "Pay rent", at: on("11-21", "12:00"), status: "pending", firedAt: null });
    expect((await api(token).post(`/api/v1/reminders/${made.id}/update`, {})).status).toBe(400);
    const routine = (await (await api(token).post("/api/v1/reminders", { title: "Agenda", rrule: "FREQ=DAILY", routine: { prompt: "what's on my agenda?" } })).json()) as Reminder;
    expect((await api(token).post(`/api/v1/reminders/${routine.id}/update`, { rrule: null })).status).toBe(400);
    const renamed = (await (await api(token).post(`/api/v1/reminders/${routine.id}/update`, { title: "Morning agenda" })).json()) as Reminder;
    expect(renamed).toEqual({ ...routine, title: "Morning agenda" });
    await api(token).post(`/api/v1/reminders/${routine.id}/dismiss`, undefined);
    expect((await api(token).post("/api/v1/reminders/nope/update", { title: "x" })).status).toBe(404);

    await api(token).post(`/api/v1/reminders/${made.id}/update`, { rrule: "FREQ=DAILY;BYHOUR=10;BYMINUTE=30" });
    expect((await api(token).post(`/api/v1/reminders/${made.id}/dismiss`, undefined)).status).toBe(200);
    await r.setClock(on("11-25", "12:00"));
    await r.alarm();
    expect(await events(token, "reminder.fired")).toHaveLength(0);
    expect((await state(token)).reminders).toEqual([]);
  });

  it("[S20] a routine's occurrence asks the assistant its prompt as the user's message, once, and the reply notifies", async () => {
    const user = freshUser("routine");
    const token = await login(user);
    const r = await room(user);
    await r.setClock(on("11-21", "10:00"));
    await api(token).put("/api/v1/preferences", { timezone: "UTC", notifications: { quietHours: null } });
    const made = (await (await api(token).post("/api/v1/reminders", { title: "Agenda", rrule: "FREQ=DAILY;BYHOUR=10;BYMINUTE=30", routine: { prompt: "what's on my agenda today?" } })).json()) as Reminder;
    expect(made.routine).toEqual({ prompt: "what's on my agenda today?" });
    expect(await events(token, "message.added")).toHaveLength(0);
    await r.setClock(on("11-21", "10:31"));
    await r.alarm();
    await r.alarm();
    const asked = (await events(token, "message.added")).filter((e) => e.type === "message.added" && e.payload.message.role === "user");
    expect(asked).toHaveLength(1);
    const message = asked[0]!.type === "message.added" ? asked[0]!.payload.message : null;
    expect(message).toMatchObject({ text: "what's on my agenda today?", role: "user" });
    expect(asked[0]!.actor).toEqual({ kind: "user" });
    await (await api(token).get(`/api/v1/stream/${message!.turnId}`)).text();
    const replied = (await events(token, "message.added")).filter((e) => e.type === "message.added" && e.payload.message.role === "assistant");
    expect(replied).toHaveLength(1);
    // No device focused: the reply is what notifies (S8), and no reminder notification doubles it.
    const kinds = (await events(token, "notification.created")).map((e) => (e.type === "notification.created" ? e.payload.notification.kind : null));
    expect(kinds).toEqual(["assistant"]);
  });

  it("[S22] “every weekday at 8:30 remind me to check the budget” sets a recurring reminder and says so in words", async () => {
    const user = freshUser("recur-chat");
    const token = await login(user);
    const r = await room(user);
    await api(token).put("/api/v1/preferences", { timezone: "America/New_York", notifications: { quietHours: null } });
    // 21 Nov, 10:00 in New York (EST).
    await r.setClock(on("11-21", "15:00"));
    const { turnId } = (await (await api(token).post("/api/v1/message", { text: "every weekday at 8:30 remind me to check the budget" })).json()) as { turnId: string };
    await (await api(token).get(`/api/v1/stream/${turnId}`)).text();
    const [reminder] = (await state(token)).reminders;
    expect(reminder).toMatchObject({ title: "Check the budget", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30", status: "pending" });
    // 8:30 EST = 13:30Z, on the next weekday.
    expect(reminder!.at.slice(11)).toBe("13:30:00.000Z");
    expect([1, 2, 3, 4, 5]).toContain(new Date(reminder!.at).getUTCDay());
    const text = await lastReply(token);
    expect(text).toContain("every weekday at 8:30 AM");
    expect(text).toContain("check the budget");
  });

  it("[S23][C8] “every Monday give me my agenda” is only a proposal; confirmed, it becomes a routine that asks at the occurrence", async () => {
    const user = freshUser("routine-chat");
    const token = await login(user);
    const r = await room(user);
    await api(token).put("/api/v1/preferences", { timezone: "UTC", notifications: { quietHours: null } });
    // A Monday, 08:55: the proposal is made before 9:00, and that occurrence passes unconfirmed.
    const monday = [...Array(7).keys()].map((i) => `11-${22 + i}`).find((d) => new Date(on(d, "12:00")).getUTCDay() === 1)!;
    await r.setClock(on(monday, "08:55"));
    const { turnId } = (await (await api(token).post("/api/v1/message", { text: "every Monday give me my agenda" })).json()) as { turnId: string };
    await (await api(token).get(`/api/v1/stream/${turnId}`)).text();
    expect(await lastReply(token)).toContain("nothing runs until you do");
    const before = (await (await api(token).get("/api/v1/state")).json()) as { reminders: Reminder[]; proposals: { id: string; tool: string }[] };
    expect(before.reminders).toEqual([]);
    expect(before.proposals.map((p) => p.tool)).toEqual(["propose_routine"]);
    // Nothing runs unconfirmed: the alarm after 9:00 asks the assistant nothing.
    await r.setClock(on(monday, "09:01"));
    await r.alarm();
    const userMessages = async () => (await events(token, "message.added")).filter((e) => e.type === "message.added" && e.payload.message.role === "user");
    expect(await userMessages()).toHaveLength(1);
    await r.setClock(on(monday, "09:02"));
    const confirmed = await api(token).post(`/api/v1/proposals/${before.proposals[0]!.id}/confirm`, undefined);
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const [routine] = (await state(token)).reminders;
    expect(routine).toMatchObject({ title: "give me my agenda", rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", routine: { prompt: "give me my agenda" } });
    // The next Monday: the one that passed unconfirmed is not made up for.
    expect(Date.parse(routine!.at)).toBe(Date.parse(on(monday, "09:00")) + 7 * 24 * 60 * 60 * 1000);
    await r.setClock(new Date(Date.parse(routine!.at) + 60_000).toISOString());
    await r.alarm();
    const asked = await userMessages();
    expect(asked.map((e) => (e.type === "message.added" ? e.payload.message.text : ""))).toEqual(["every Monday give me my agenda", "give me my agenda"]);
  });

  it("[S17][S19] a weekday reminder fires on weekdays only, at 8:30 in New York, across the spring DST change, each once", async () => {
    const user = freshUser("recur-dst");
    const token = await login(user);
    const r = await room(user);
    // The second Sunday of March (US DST starts), and the Thursday before it.
    const firstSunday = [...Array(7).keys()].map((i) => Date.UTC(YEAR, 2, 1 + i)).find((t) => new Date(t).getUTCDay() === 0)!;
    const dstSunday = firstSunday + 7 * 86_400_000;
    const thursday = new Date(dstSunday - 3 * 86_400_000).toISOString().slice(0, 10);
    await r.setClock(`${thursday}T12:00:00.000Z`); // 07:00 EST
    await api(token).put("/api/v1/preferences", { timezone: "America/New_York", notifications: { quietHours: null } });
    await api(token).post("/api/v1/reminders", { title: "Check the budget", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30" });
    // Follow the reminder: wake at its `at`, twice (the second a retry), five times.
    for (let i = 0; i < 5; i++) {
      const [reminder] = (await state(token)).reminders;
      await r.setClock(reminder!.at);
      await r.alarm();
      await r.alarm();
    }
    const day = (n: number) => new Date(dstSunday + n * 86_400_000).toISOString().slice(0, 10);
    const fired = (await events(token, "reminder.fired")).map((e) => (e.type === "reminder.fired" ? e.payload.at : ""));
    // Thu, Fri in EST (13:30Z); no weekend; Mon, Tue, Wed in EDT (12:30Z).
    expect(fired).toEqual([`${day(-3)}T13:30:00.000Z`, `${day(-2)}T13:30:00.000Z`, `${day(1)}T12:30:00.000Z`, `${day(2)}T12:30:00.000Z`, `${day(3)}T12:30:00.000Z`]);
    expect(await reminderNotices(token)).toHaveLength(5);
  });
});
