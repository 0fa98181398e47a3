import { describe, expect, it } from "vitest";
import { z } from "zod";
import { extractDue, zonedToUtc } from "../../shared/dates.ts";
import { findTask } from "../../party/chat/find-task.ts";
import { interpret, understand } from "../../party/chat/intents.ts";
import { defineTool } from "../../party/chat/registry.ts";
import { BUILT_IN_TOOLS } from "../../party/chat/tools.ts";

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
    // W17: the chat's suggestion, and how people ask for their list.
    ["What's on my list?", { kind: "agenda" }],
    ["what's on my to-do list", { kind: "agenda" }],
    ["show my tasks", { kind: "agenda" }],
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

describe("Assistant — offline understanding, derived from the tool registry", () => {
  const calls: [string, string, unknown][] = [
    ["remind me to call John tomorrow at 3pm", "create_task", { title: "Call John", due: "2026-11-22T20:00:00.000Z", remindAt: "2026-11-22T20:00:00.000Z" }],
    ["todo: file taxes tomorrow", "create_task", { title: "File taxes", due: "2026-11-22" }],
    ["what's on my agenda today?", "get_agenda", {}],
    ["remember that my favorite airport is JFK", "pin_memory", { type: "fact", key: "favorite airport", value: "JFK" }],
    ["mark call John as done", "complete_task", { title: "call John" }],
    ["delete call John", "delete_task", { title: "call John" }],
    ["add a note: the wifi password is hunter2", "add_note", { body: "the wifi password is hunter2" }],
    ["plan my day", "plan_day", {}],
    // M20: flights (Saturday 2026-11-21 in New York: "next Friday" is read as for tasks).
    ["find flights to Boston next Friday", "find_flights", { destination: "Boston", date: "2026-11-27" }],
    ["my home airport is SFO", "set_home_airport", { code: "SFO" }],
    // C14: bulk phrasings (Saturday 2026-11-21 in New York).
    ["delete all my tasks", "bulk_tasks", { action: "delete", select: { all: true } }],
    ["Clear done tasks", "bulk_tasks", { action: "delete", select: { status: "done" } }],
    ["clear completed", "bulk_tasks", { action: "delete", select: { status: "done" } }],
    ["complete all tasks tagged #work", "bulk_tasks", { action: "complete", select: { tag: "work", all: true } }],
    ["mark all my #home tasks as done", "bulk_tasks", { action: "complete", select: { tag: "home", all: true } }],
    ["delete tasks due today", "bulk_tasks", { action: "delete", select: { dueOn: "2026-11-21" } }],
    ["remove all tasks due before Friday", "bulk_tasks", { action: "delete", select: { dueBefore: "2026-11-27", all: true } }],
    ["delete my overdue tasks", "bulk_tasks", { action: "delete", select: { dueBefore: "2026-11-21", status: "open" } }],
    ["forget everything about Anna", "forget_memories", { about: "Anna" }],
    ["forget my memories", "forget_memories", { all: true }],
    ["forget everything", "forget_memories", { all: true }],
    // S22, S23: repeats (tests/unit/recurrence-intents.test.ts has the rest).
    ["every weekday at 8:30 remind me to check the budget", "set_recurring_reminder", { text: "Check the budget", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30" }],
    ["every Monday give me my agenda", "propose_routine", { prompt: "give me my agenda", rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0" }],
    // K24, K25, K27: the calendar (tests/unit/agenda-intents.test.ts has the rest).
    ["am I free Tuesday at 3?", "check_free", { start: "2026-11-24T15:00:00-05:00", minutes: 60 }],
    ["put lunch with Ana on Friday at 1", "propose_calendar_event", { title: "Lunch with Ana", start: "2026-11-27T13:00:00-05:00" }],
    // B17: rescheduling time blocks (tests/unit/goals-reschedule.test.ts has the rest).
    ["I missed today's run", "reschedule_blocks", { kind: "missed", match: "run" }],
    ["move my afternoon blocks to tomorrow", "reschedule_blocks", { kind: "part", part: "afternoon" }],
  ];
  for (const [text, toolName, input] of calls) {
    it(`[C10] "${text}" calls ${toolName} with ${JSON.stringify(input)}`, () => {
      const understood = interpret(text, NY, NOW);
      expect(understood.kind === "tool" ? understood.match.call : understood).toEqual({ toolName, input });
    });
  }

  it("[C10] every built-in tool that declares offline phrases is reached by one of them", () => {
    const understood = BUILT_IN_TOOLS.filter((t) => t.offline).map((t) => t.name);
    expect(new Set(calls.map(([, tool]) => tool))).toEqual(new Set(understood));
  });

  it("[C10][C14] one task named by its words stays a single delete or complete; only a set of tasks is bulk", () => {
    const tool = (text: string) => {
      const u = interpret(text, NY, NOW);
      return u.kind === "tool" ? u.match.call.toolName : u.kind;
    };
    expect(tool("delete the task buy milk")).toBe("delete_task");
    expect(tool("delete my task about the budget")).toBe("delete_task");
    expect(tool("complete the report task")).toBe("complete_task");
    expect(tool("mark call John as done")).toBe("complete_task");
    expect(tool("delete tasks about the budget")).toBe("delete_task");
  });

  it("[C10] a greeting and words it does not know call no tool", () => {
    expect(interpret("Good morning!", NY, NOW)).toEqual({ kind: "greeting" });
    expect(interpret("what is the meaning of life?", NY, NOW)).toEqual({ kind: "unknown" });
  });

  it("[C10] where phrasings overlap, rank decides as the rules always did: a plan before the agenda, a note before completing", () => {
    expect(understand("plan my day and show my agenda", NY, NOW)).toEqual({ kind: "plan_day" });
    expect(understand("note: mark the report as done", NY, NOW)).toEqual({ kind: "add_note", body: "mark the report as done" });
  });

  it("[C10] a new tool with its phrases is understood from its one entry", () => {
    const water = defineTool({
      name: "water_plants",
      description: "Log that the plants were watered (a test tool).",
      input: z.object({ room: z.string() }),
      effect: { kind: "read", read: () => ({ ok: true }) },
      offline: {
        rank: 1,
        parse: (text) => {
          const watered = /^i watered the (\w+) plants$/i.exec(text);
          return watered ? { room: watered[1]! } : null;
        },
        input: ({ room }) => ({ room }),
        reply: ({ room }) => `Logged the ${room} plants.`,
      },
    });
    const tools = [...BUILT_IN_TOOLS, water];
    expect(understand("I watered the kitchen plants", NY, NOW, tools)).toEqual({ kind: "water_plants", room: "kitchen" });
    const understood = interpret("I watered the kitchen plants", NY, NOW, tools);
    expect(understood.kind === "tool" ? [understood.match.call, understood.match.reply({ ok: true }, { timeZone: NY, now: NOW })] : understood).toEqual([
      { toolName: "water_plants", input: { room: "kitchen" } },
      "Logged the kitchen plants.",
    ]);
    expect(understand("I watered the kitchen plants", NY, NOW)).toEqual({ kind: "unknown" });
  });
});
