import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ToolSet } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { offlineModel } from "../../party/chat/offline-model.ts";
import { type ActionCard, defineTool, modelTools, type ToolHost } from "../../party/chat/registry.ts";
import { BUILT_IN_TOOLS, deleteTask } from "../../party/chat/tools.ts";
import type { Command } from "../../shared/commands.ts";
import { DEFAULT_PREFERENCES, type Task } from "../../shared/domain.ts";
import { fail, ok } from "../../shared/errors.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";

const NOW = new Date("2026-11-21T15:00:00Z");
const TASK: Task = { id: "t1", title: "Call John", status: "open", due: null, tags: [], order: 0, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), createdBy: "user:test" };

/** A host that records what the tools asked of it, with a count of uses per tool. */
function fakeHost(tasks: Task[] = [TASK]) {
  const log = { run: [] as Command[], proposed: [] as { tool: string; summary: string }[], charged: [] as { tool: string; cap: number }[], cards: [] as ActionCard[] };
  const uses = new Map<string, number>();
  const host: ToolHost = {
    turnId: "turn-1",
    requestId: "req-1",
    run: (command) => {
      log.run.push(command);
      return ok({ result: { id: "new", title: "Done thing" }, duplicate: false, seq: 1 });
    },
    propose: (tool, _command, summary) => {
      log.proposed.push({ tool, summary });
      return { proposalId: "p1", expiresAt: "2026-11-21T15:10:00.000Z" };
    },
    tasks: () => tasks,
    proposePlan: async () => fail("internal", "no plans here"),
    memories: () => [],
    preferences: () => DEFAULT_PREFERENCES,
    now: () => NOW,
    charge: (tool, cap) => {
      log.charged.push({ tool, cap });
      const n = uses.get(tool) ?? 0;
      if (n >= cap) return false;
      uses.set(tool, n + 1);
      return true;
    },
  };
  return { host, log, onAction: (card: ActionCard) => log.cards.push(card) };
}

/** Calls a tool of the set the way the AI SDK does, after it validated the input. */
const call = (tools: ToolSet, name: string, input: unknown, id = "call-1") => tools[name]!.execute!(input, { toolCallId: id, messages: [], context: {} });

const wipeTask = defineTool({
  name: "wipe_task",
  description: "Erase a task for good (a test tool).",
  input: z.object({ title: z.string() }),
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const task = ctx.resolve(input);
      return task ? { summary: `Erase “${task.title}”?`, command: { kind: "task", action: { action: "delete", taskId: task.id } } } : { refused: "no such task" };
    },
  },
});

const starTask = defineTool({
  name: "star_task",
  description: "Star a task (a test tool with its own cap).",
  input: z.object({ taskId: z.string() }),
  dailyCap: 2,
  effect: { kind: "command", plan: (input) => ({ summary: `Starred ${input.taskId}`, command: { kind: "task", action: { action: "update", taskId: input.taskId, patch: { tags: ["starred"] } } } }) },
});

/** A tool that comes with the offline assistant's understanding of it: one entry, nothing else to edit. */
const pingServer = defineTool({
  name: "ping_server",
  description: "Check that the server answers (a test tool).",
  input: z.object({}),
  effect: { kind: "read", read: () => ({ ok: true, latencyMs: 12 }) },
  offline: { rank: 5, parse: (text) => (/^ping the server$/i.test(text.trim()) ? {} : null), input: () => ({}), reply: (_f, out) => `Pong in ${String(out.latencyMs)} ms.` },
});

/** A scripted model that also records the tool names each call offered. */
function recording(steps: Parameters<typeof scriptedModel>[0]) {
  const offered: string[][] = [];
  const inner = scriptedModel(steps);
  const model: LanguageModelV4 = {
    ...inner,
    doStream: (options) => {
      offered.push((options.tools ?? []).map((t) => t.name));
      return inner.doStream(options);
    },
  };
  return { model, offered };
}

async function runTurn(room: ReturnType<typeof nodeRoom>, text: string) {
  const accepted = room.chat.submit({ text, channel: "chat" }, { kind: "user" }, "req");
  if (!accepted.ok) throw new Error(accepted.error.message);
  await room.chat.idle();
  return room.frames.filter((f) => f.turnId === accepted.value.turnId);
}

describe("Assistant — one tool registry", () => {
  it("[C10] the model's tool set is exactly the registry's tools, in its order", () => {
    const { host, onAction } = fakeHost();
    const names = BUILT_IN_TOOLS.map((t) => t.name);
    expect(Object.keys(modelTools(BUILT_IN_TOOLS, host, { defaultCap: 200, onAction }))).toEqual(names);
    expect(names).toEqual([
      "create_task",
      "set_reminder",
      "set_recurring_reminder",
      "propose_routine",
      "update_task",
      "complete_task",
      "delete_task",
      "bulk_tasks",
      "add_note",
      "pin_memory",
      "remember",
      "forget_memories",
      "set_preference",
      "get_agenda",
      "check_free",
      "propose_calendar_event",
      "plan_day",
      "find_flights",
      "set_home_airport",
      "reschedule_blocks",
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("[C8][G7] a tool that needs confirmation only proposes — derived from its entry, for any tool", async () => {
    for (const [entry, input] of [
      [wipeTask, { title: "call john" }],
      [deleteTask, { title: "call john" }],
    ] as const) {
      const { host, log, onAction } = fakeHost();
      const result = await call(modelTools([entry], host, { defaultCap: 200, onAction }), entry.name, input);
      expect(log.run).toEqual([]);
      expect(log.proposed).toHaveLength(1);
      // C15: a proposal's card carries the proposal's id, so its settlement replaces it on every device.
      expect(log.cards).toMatchObject([{ id: "p1", tool: entry.name, status: "proposed", proposalId: "p1" }]);
      expect(result).toEqual({ ok: true, status: "proposed — waiting for the user's confirmation", proposalId: "p1", expiresAt: "2026-11-21T15:10:00.000Z" });
    }
  });

  it("[G7] a read tool cannot be declared as needing confirmation or capped: what needs confirmation must be a command", () => {
    const sneaky = {
      name: "send_email",
      description: "sends mail",
      input: z.object({}),
      effect: { kind: "read" as const, read: () => ({ sent: true }) },
      needsConfirmation: true,
    };
    // @ts-expect-error the type refuses a read that needs confirmation
    expect(() => defineTool(sneaky)).toThrow(/cannot be capped or need confirmation/);
    // @ts-expect-error nor a capped read
    expect(() => defineTool({ ...sneaky, needsConfirmation: undefined, dailyCap: 3 })).toThrow(/cannot be capped/);
  });

  it("[C8] a tool that needs no confirmation runs through the command path and shows a done card", async () => {
    const { host, log, onAction } = fakeHost();
    const result = await call(modelTools([starTask], host, { defaultCap: 200, onAction }), "star_task", { taskId: "t1" });
    expect(log.proposed).toEqual([]);
    expect(log.run).toEqual([{ kind: "task", action: { action: "update", taskId: "t1", patch: { tags: ["starred"] } } }]);
    expect(log.cards).toEqual([{ id: "call-1", tool: "star_task", status: "done", summary: "Starred t1" }]);
    expect(result).toEqual({ ok: true, result: { id: "new", title: "Done thing" } });
  });

  it("[C13] a tool's daily cap comes from its entry, else from the configured toolDailyCap; over it, nothing runs", async () => {
    const { host, log, onAction } = fakeHost();
    const tools = modelTools([starTask, wipeTask], host, { defaultCap: 7, onAction });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await call(tools, "star_task", { taskId: "t1" }, `c${i}`));
    await call(tools, "wipe_task", { title: "call john" }, "w");
    expect(log.charged).toEqual([
      { tool: "star_task", cap: 2 },
      { tool: "star_task", cap: 2 },
      { tool: "star_task", cap: 2 },
      { tool: "wipe_task", cap: 7 },
    ]);
    expect(log.run).toHaveLength(2);
    expect(results[2]).toEqual({ ok: false, error: "daily limit for star_task reached; try again tomorrow" });
    expect(log.cards[2]).toEqual({ id: "c2", tool: "star_task", status: "failed", summary: "daily limit for star_task reached" });
  });

  it("[C13] a refusal (no such task) is told to the model, without a card or a counted use", async () => {
    const { host, log, onAction } = fakeHost([]);
    const result = await call(modelTools(BUILT_IN_TOOLS, host, { defaultCap: 200, onAction }), "complete_task", { title: "nothing like it" });
    expect(result).toEqual({ ok: false, error: "no such open task" });
    expect([log.charged, log.cards, log.run]).toEqual([[], [], []]);
  });

  it("[C10] a task's reminder is a second command, counted against set_reminder", async () => {
    const { host, log, onAction } = fakeHost();
    const result = await call(modelTools(BUILT_IN_TOOLS, host, { defaultCap: 200, onAction }), "create_task", { title: "Call John", remindAt: "2026-11-22T20:00:00Z" });
    expect(log.charged.map((c) => c.tool)).toEqual(["create_task", "set_reminder"]);
    expect(log.cards.map((c) => [c.id, c.tool, c.status])).toEqual([
      ["call-1", "create_task", "done"],
      ["call-1-reminder", "set_reminder", "done"],
    ]);
    expect(result).toMatchObject({ ok: true, reminder: { id: "new" } });
  });

  it("[C10] a tool registered at run time is offered from the next turn on; unregistered, it is gone", async () => {
    const { model, offered } = recording([{ text: ["ok"] }]);
    const room = nodeRoom(() => model);
    const builtIn = BUILT_IN_TOOLS.map((t) => t.name);
    await runTurn(room, "first");
    room.chat.tools.register(pingServer);
    await runTurn(room, "second");
    expect(room.chat.tools.unregister("ping_server")).toBe(true);
    await runTurn(room, "third");
    expect(offered).toEqual([builtIn, [...builtIn, "ping_server"], builtIn]);
    expect(() => room.chat.tools.register(deleteTask)).toThrow(/already registered/);
  });

  it("[C8][G7] a destructive tool registered at run time proposes in a real turn; the task stays until the user confirms", async () => {
    const { model } = recording([
      { toolCalls: [{ name: "create_task", input: { title: "Keep me" } }] },
      { text: ["Added"] },
      { toolCalls: [{ name: "wipe_task", input: { title: "keep me" } }] },
      { text: ["Asked"] },
    ]);
    const room = nodeRoom(() => model);
    room.chat.tools.register(wipeTask);
    await runTurn(room, "add keep me");
    const frames = await runTurn(room, "wipe it");
    const card = frames.flatMap((f) => (f.type === "llm.action" ? [f.action] : []));
    expect(card).toMatchObject([{ tool: "wipe_task", status: "proposed", summary: "Erase “Keep me”?" }]);
    expect(room.tasks().map((t) => t.title)).toEqual(["Keep me"]);
    expect(room.chat.confirm(card[0]!.proposalId!, { kind: "user" }, "yes").ok).toBe(true);
    expect(room.tasks()).toEqual([]);
  });

  it("[C10] a tool with offline phrases is understood by the offline assistant, and its reply worded by its entry", async () => {
    const room = nodeRoom(() => offlineModel({ timeZone: "UTC", now: () => NOW, tokenDelayMs: 0, tools: () => room.chat.tools.tools() }));
    room.chat.tools.register(pingServer);
    const frames = await runTurn(room, "ping the server");
    expect(frames.at(-1)).toMatchObject({ type: "llm.completed", text: "Pong in 12 ms." });
  });

  it("[C10] the offline assistant's replies are worded as before: greeting, memory, not understood", async () => {
    const room = nodeRoom(() => offlineModel({ timeZone: "UTC", now: () => NOW, tokenDelayMs: 0 }));
    const texts = [];
    for (const text of ["hello", "remember that my favorite airport is JFK", "what is the meaning of life?"]) {
      const end = (await runTurn(room, text)).at(-1);
      texts.push(end?.type === "llm.completed" ? end.text : end?.type);
    }
    expect(texts).toEqual([
      "Hello! What can I take off your plate today?",
      "Got it — I'll remember that your favorite airport is JFK.",
      "Sorry — I didn't understand “what is the meaning of life?”. I'm the built-in offline assistant, so I understand a few things well: reminders and tasks " +
        "(“remind me to call John tomorrow at 3pm”), your agenda (“what's on my agenda today?”), " +
        "memories (“remember that my favorite airport is JFK”), completing tasks (“mark call John as done”), " +
        "notes (“add a note: …”), “plan my day”, and changes to several tasks or memories at once, which you confirm first " +
        "(“clear done tasks”, “delete all my tasks”, “forget everything about Anna”).",
    ]);
  });
});
