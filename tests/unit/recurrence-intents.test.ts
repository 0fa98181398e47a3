import { describe, expect, it } from "vitest";
import { interpret } from "../../party/chat/intents.ts";
import { parseRepeat } from "../../party/chat/recurring-phrases.ts";

// Saturday 2026-11-21, 10:00 in New York (15:00 UTC).
const NOW = new Date("2026-11-21T15:00:00Z");
const NY = "America/New_York";
const call = (text: string) => {
  const u = interpret(text, NY, NOW);
  return u.kind === "tool" ? u.match.call : u;
};

describe("Assistant — repeats in the user's words", () => {
  const repeats: [string, string, boolean][] = [
    ["every day at 7am", "FREQ=DAILY;BYHOUR=7;BYMINUTE=0", false],
    ["daily at 7:15 pm", "FREQ=DAILY;BYHOUR=19;BYMINUTE=15", false],
    ["every weekday at 8:30", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30", false],
    ["weekdays at 9", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0", false],
    ["every weekend at 10am", "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=10;BYMINUTE=0", false],
    ["every Monday", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", true],
    ["every Monday and Thursday at noon", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=12;BYMINUTE=0", false],
    ["every Monday, Wednesday and Friday at 6pm", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=18;BYMINUTE=0", false],
    ["every week on Friday at 4pm", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0", false],
    ["every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", true],
    ["on the 15th of every month at 8am", "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=8;BYMINUTE=0", false],
  ];
  for (const [text, rrule, timeChosen] of repeats) {
    it(`[S22] "${text}" is ${rrule}${timeChosen ? " (9:00 AM chosen)" : ""}`, () => {
      expect(parseRepeat(text)).toEqual({ rrule, rest: "", timeChosen });
    });
  }

  it("[S22] a recurring reminder is set directly, whichever order the words come in", () => {
    const budget = { toolName: "set_recurring_reminder", input: { text: "Check the budget", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30" } };
    expect(call("every weekday at 8:30 remind me to check the budget")).toEqual(budget);
    expect(call("remind me to check the budget every weekday at 8:30")).toEqual(budget);
    expect(call("remind me every weekday at 8:30am to check the budget")).toEqual(budget);
    expect(call("remind me to water the plants every Monday and Thursday")).toEqual({ toolName: "set_recurring_reminder", input: { text: "Water the plants", rrule: "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0" } });
    expect(call("daily at 10pm remind me to take my pills")).toEqual({ toolName: "set_recurring_reminder", input: { text: "Take my pills", rrule: "FREQ=DAILY;BYHOUR=22;BYMINUTE=0" } });
    expect(call("remind me to pay rent every month on the 1st")).toEqual({ toolName: "set_recurring_reminder", input: { text: "Pay rent", rrule: "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0" } });
  });

  it("[S23] a request on a schedule is a routine, proposed; one-time words and mere mentions stay what they were", () => {
    expect(call("every Monday give me my agenda")).toEqual({ toolName: "propose_routine", input: { prompt: "give me my agenda", rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0" } });
    expect(call("weekdays at 7:45 plan my day")).toEqual({ toolName: "propose_routine", input: { prompt: "plan my day", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=45" } });
    expect(call("remind me to call John tomorrow at 3pm")).toMatchObject({ toolName: "create_task" });
    expect(call("what's on my agenda today?")).toEqual({ toolName: "get_agenda", input: {} });
    expect(call("I swim every Monday")).toEqual({ kind: "unknown" });
    // Adjectives are not repeats.
    expect(call("show me my daily plan")).toEqual({ toolName: "plan_day", input: {} });
    expect(call("remind me to check the monthly budget tomorrow at 9am")).toMatchObject({ toolName: "create_task", input: { title: "Check the monthly budget" } });
    expect(call("remind me to pay rent monthly")).toEqual({ toolName: "set_recurring_reminder", input: { text: "Pay rent", rrule: "FREQ=MONTHLY;BYHOUR=9;BYMINUTE=0" } });
    expect(call("remind me daily to drink water")).toEqual({ toolName: "set_recurring_reminder", input: { text: "Drink water", rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0" } });
  });

  it("[S22][S23] the replies word the repeat, and say when 9:00 AM was chosen", () => {
    const at = { timeZone: NY, now: NOW };
    const reminder = interpret("remind me to water the plants every Monday", NY, NOW);
    if (reminder.kind !== "tool") throw new Error("not understood");
    const out = { ok: true, result: { rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", at: "2026-11-23T14:00:00.000Z" } };
    expect(reminder.match.reply(out, at)).toBe("Done — every Monday at 9:00 AM I'll remind you to “water the plants”. The first is Mon, Nov 23, 9:00 AM. You didn't say a time, so I picked 9:00 AM — change it in Tasks if you like.");
    const timed = interpret("every weekday at 8:30 remind me to check the budget", NY, NOW);
    if (timed.kind !== "tool") throw new Error("not understood");
    expect(timed.match.reply({ ok: true, result: { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30", at: "2026-11-23T13:30:00.000Z" } }, at)).toBe(
      "Done — every weekday at 8:30 AM I'll remind you to “check the budget”. The first is Mon, Nov 23, 8:30 AM.",
    );
    const routine = interpret("every Monday give me my agenda", NY, NOW);
    if (routine.kind !== "tool") throw new Error("not understood");
    expect(routine.match.reply({ ok: true, status: "proposed" }, at)).toMatch(/^I can do that as a routine: every Monday at 9:00 AM I'll answer “give me my agenda” for you\. Confirm it on your device to start it — nothing runs until you do\. You didn't say a time, so I picked 9:00 AM/);
  });
});
