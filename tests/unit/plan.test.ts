/**
 * The day's plan takes every open task (docs/PROTOCOL.md S13) and its card
 * follows the tasks (S14).
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { modelDraft, ruleDraft } from "../../party/schedule/plan.ts";
import { DEFAULT_PREFERENCES, type Plan, type Preferences, type Task } from "../../shared/domain.ts";
import { planView } from "../../web/lib/plan-view.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

// Wednesday 2026-11-25, 10:00 in New York (15:00 UTC).
const NOW = Date.parse("2026-11-25T15:00:00Z");
const prefs: Preferences = { ...DEFAULT_PREFERENCES, timezone: "America/New_York" };

let order = 0;
const task = (title: string, due: string | null, status: Task["status"] = "open"): Task => ({
  id: `t-${title}`,
  title,
  status,
  due,
  tags: [],
  order: ++order,
  createdAt: "2026-11-20T10:00:00.000Z",
  updatedAt: "2026-11-20T10:00:00.000Z",
  createdBy: "user:laptop",
});

async function ask(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  const before = device.of("llm.completed").length;
  device.sendFrame({ type: "message.send", command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const done = device.of("llm.completed");
  expect(done).toHaveLength(before + 1);
  return done.at(-1)!.text;
}

function addTask(room: FakeRoom, device: FakeSocket, title: string, due: string | null = null): void {
  device.sendFrame({ type: "task", command: { action: "create", task: { title, due } } });
  room.flush();
}

describe("Daily plan — every open task, in the order a day takes them", () => {
  it("[S13] overdue (by instant), today by time, coming up soon, undated in manual order, then later; done tasks never", () => {
    const tasks = [
      task("Later: renew passport", "2026-12-30"),
      task("Undated A", null),
      task("Tomorrow: pay the bill", "2026-11-26"),
      task("Today, dated", "2026-11-25"),
      task("Today 3pm", "2026-11-25T20:00:00.000Z"),
      task("Undated B", null),
      task("Done already", "2026-11-24", "done"),
      task("Overdue since Monday", "2026-11-23"),
      task("Overdue this morning 9am", "2026-11-25T14:00:00.000Z"),
      task("In three days", "2026-11-28"),
    ];
    const rule = ruleDraft({ tasks, memories: [], preferences: prefs, now: NOW });
    expect([...rule!.draft.priorities, ...rule!.draft.todos]).toEqual([
      "Overdue since Monday",
      "Overdue this morning 9am",
      "Today 3pm",
      "Today, dated",
      "Tomorrow: pay the bill",
      "In three days",
      "Undated A",
      "Undated B",
      "Later: renew passport",
    ]);
    expect(rule!.draft.note).toMatch(/^2 overdue — clear those first\. 2 due today\. Work hours 09:00–17:00\./);
  });

  it("[S13] the model is offered the same tasks, each marked where it stands, with the work hours", async () => {
    const calls: LanguageModelV4CallOptions[] = [];
    const tasks = [task("Pay the bill", "2026-11-26"), task("Read the book", null), task("Call Ann", "2026-11-25T20:00:00.000Z")];
    const good = '{"priorities":["Call Ann"],"todos":["Pay the bill","Read the book"],"note":"Afternoon call."}';
    expect(await modelDraft(scriptedModel([{ text: [good] }], calls), { tasks, memories: [], preferences: prefs, now: NOW }, 1024)).toMatchObject({ ok: true });
    const prompt = JSON.stringify(calls[0]?.prompt);
    expect(prompt).toContain("Call Ann | today | due 2026-11-25 15:00");
    expect(prompt).toContain("Pay the bill | soon | due 2026-11-26");
    expect(prompt).toContain("Read the book | undated | due none");
    expect(prompt).toContain("work hours 09:00–17:00");
  });

  it("[S13] “plan my day” with a task due tomorrow and an undated one plans both — not “nothing is open”", async () => {
    const room = new FakeRoom({ now: NOW });
    const a = room.connect();
    a.hello("laptop");
    addTask(room, a, "Pay the bill", "2026-11-26");
    addTask(room, a, "Read the book");
    const reply = await ask(room, a, "plan my day");
    expect(reply).not.toMatch(/nothing is open/i);
    expect(reply).toContain("Pay the bill");
    expect(reply).toContain("Read the book");
  });

  it("[S13][S6] a plan made when nothing was open is replaced once tasks are open; a plan that lists tasks is not", async () => {
    const room = new FakeRoom({ now: NOW });
    const a = room.connect();
    a.hello("laptop");
    expect(await ask(room, a, "plan my day")).toMatch(/nothing is open/i);
    for (const title of ["Send invoice", "Book dentist", "Water plants", "Fix bike", "Call Ann", "Read book"]) addTask(room, a, title);
    const reply = await ask(room, a, "plan my day");
    expect(reply).toContain("Send invoice");
    const plan = room.room.ledger.state.plans["2026-11-25"]!;
    expect(plan.items.filter((i) => i.kind !== "note")).toHaveLength(6);
    expect(a.of("plan.available").at(-1)?.plan).toEqual(plan);
    // Now it lists tasks: asked again, the same plan (S6), no new event.
    await ask(room, a, "plan my day");
    expect(room.room.ledger.since(0, 1_000).filter((e) => e.type === "plan.proposed")).toHaveLength(2);
    expect(room.room.ledger.state.plans["2026-11-25"]).toEqual(plan);
    expect(room.room.ledger.replayFromZero().plans).toEqual(room.room.ledger.state.plans);
  });
});

describe("Plan card — follows the tasks", () => {
  const item = (id: string, kind: Plan["items"][number]["kind"], text: string, taskId: string | null, status: Plan["items"][number]["status"] = "proposed") => ({ id, kind, text, taskId, status });

  it("[S14] an item whose task was completed shows done; a rejected one stays rejected", () => {
    const tasks = [task("Write report", null, "done"), task("Call Ann", null), task("Fix bike", null, "done")];
    const plan: Plan = {
      date: "2026-11-25",
      createdAt: "2026-11-25T14:00:00.000Z",
      source: "schedule",
      items: [item("i1", "priority", "Write report", "t-Write report"), item("i2", "priority", "Call Ann", "t-Call Ann"), item("i3", "todo", "Fix bike", "t-Fix bike", "rejected"), item("n", "note", "Work hours.", null)],
    };
    const view = planView(plan, tasks);
    expect(view.items.map((i) => [i.text, i.shown])).toEqual([["Write report", "done"], ["Call Ann", "proposed"], ["Fix bike", "rejected"], ["Work hours.", "proposed"]]);
    expect(view.headline).toBeNull();
  });

  it("[S14] “Nothing open today” only when nothing is open; with six open tasks the card says so and offers to plan again", () => {
    const empty: Plan = { date: "2026-11-25", createdAt: "2026-11-25T14:00:00.000Z", source: "schedule", items: [item("n", "note", "Nothing open today — a good day to get ahead.", null)] };
    const nothing = planView(empty, [task("Old", null, "done")]);
    expect(nothing).toMatchObject({ headline: null, stale: false, open: 0 });
    expect(nothing.items.map((i) => i.text)).toEqual(["Nothing open today — a good day to get ahead."]);
    const six = ["A", "B", "C", "D", "E", "F"].map((t) => task(t, null));
    const view = planView(empty, six);
    expect(view).toMatchObject({ headline: "Nothing was open when this plan was made; 6 tasks open now.", stale: true, open: 6 });
    expect(view.items.map((i) => i.text).join(" ")).not.toMatch(/nothing open/i);
    const listed: Plan = { ...empty, items: [item("i1", "priority", "A", "t-A"), ...empty.items] };
    expect(planView(listed, six).headline).toBe("5 tasks open but not in this plan.");
  });
});
