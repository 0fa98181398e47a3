import { describe, expect, it } from "vitest";
import { extractDue, findTask, understand, zonedToUtc } from "../../party/chat/intents.ts";

// Saturday 2026-11-21, 10:00 in New York (15:00 UTC).
const NOW = new Date("2026-11-21T15:00:00Z");
const NY = "America/New_York";

describe("Assistant — offline understanding", () => {
  const reminders: [string, string, string][] = [
    ["remind me to call John tomorrow at 3pm", "Call John", "2026-11-22T20:00:00.000Z"],
    ["Remind me to call John at 3pm tomorrow", "Call John", "2026-11-22T20:00:00.000Z"],
    ["please remind me to buy milk on Monday at 9am", "Buy milk", "2026-11-23T14:00:00.000Z"],
    ["add a task to renew passport next Friday at 10:30", "Renew passport", "2026-11-27T15:30:00.000Z"],
    ["remind me to stretch in 2 minutes", "Stretch", "2026-11-21T15:02:00.000Z"],
  ];
  for (const [text, title, due] of reminders) {
    it(`[C10] "${text}" → task “${title}” due ${due} in the user's zone`, () => {
      expect(understand(text, NY, NOW)).toEqual({ kind: "create_task", title, due, remind: /remind/i.test(text) });
    });
  }

  it("[C10] a date without a time is a calendar date", () => {
    expect(understand("todo: file taxes tomorrow", NY, NOW)).toEqual({ kind: "create_task", title: "File taxes", due: "2026-11-22", remind: false });
  });

  it("[C10] no date means no due date", () => {
    expect(understand("I need to water the plants", NY, NOW)).toEqual({ kind: "create_task", title: "Water the plants", due: null, remind: false });
  });

  it("[C10] dates are read in the user's zone, across a DST change", () => {
    // Europe/Paris leaves summer time on 2026-10-25: 09:00 local is 07:00Z before, 08:00Z after.
    expect(zonedToUtc("Europe/Paris", 2026, 10, 24, 9, 0).toISOString()).toBe("2026-10-24T07:00:00.000Z");
    expect(zonedToUtc("Europe/Paris", 2026, 10, 26, 9, 0).toISOString()).toBe("2026-10-26T08:00:00.000Z");
    const { due } = extractDue("tomorrow at 9am", "Europe/Paris", new Date("2026-10-24T20:00:00Z"));
    expect(due).toBe("2026-10-25T08:00:00.000Z");
  });

  const others: [string, unknown][] = [
    ["what's on my agenda today?", { kind: "agenda" }],
    ["What do I have today", { kind: "agenda" }],
    ["remember that my favorite airport is JFK", { kind: "pin_memory", key: "favorite airport", value: "JFK" }],
    ["Remember my daughter's school is Lincoln Elementary", { kind: "pin_memory", key: "daughter's school", value: "Lincoln Elementary" }],
    ["mark call John as done", { kind: "complete_task", query: "call John" }],
    ["complete the task buy milk", { kind: "complete_task", query: "buy milk" }],
    ["I finished the report", { kind: "complete_task", query: "the report" }],
    ["add a note: the wifi password is hunter2", { kind: "add_note", body: "the wifi password is hunter2" }],
    ["note: call back the plumber", { kind: "add_note", body: "call back the plumber" }],
    ["plan my day", { kind: "plan_day" }],
    ["delete call John", { kind: "delete_task", query: "call John" }],
    ["what is the meaning of life?", { kind: "unknown" }],
  ];
  for (const [text, intent] of others) {
    it(`[C10] "${text}" → ${JSON.stringify(intent)}`, () => {
      expect(understand(text, NY, NOW)).toEqual(intent);
    });
  }

  it("[C10] finds the task a phrase means, and none when nothing matches well", () => {
    const tasks = [
      { id: "1", title: "Call John" },
      { id: "2", title: "Buy oat milk" },
    ];
    expect(findTask(tasks, "call john")?.id).toBe("1");
    expect(findTask(tasks, "the milk")?.id).toBe("2");
    expect(findTask(tasks, "walk the dog")).toBeNull();
  });
});
