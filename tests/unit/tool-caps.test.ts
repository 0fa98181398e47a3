/**
 * Per-tool daily caps through the whole room (C13, G6): the registry asks the
 * room's tool host, which counts the `tool.used` events of the day in the
 * ledger. tool-registry.test.ts checks the registry against a fake host; this
 * file fails when the host's count, its check or its event is taken away.
 */
import { describe, expect, it } from "vitest";
import { readTasks } from "../../shared/doc-schema.ts";
import { type Step, scriptedModel } from "../support/fake-models.ts";
import { FakeRoom } from "../support/fake-room.ts";

const DAY_MS = 86_400_000;

/** Runs one turn whose model makes `steps`, and returns the action cards a device was shown. */
async function turn(room: FakeRoom, text: string, steps: Step[]) {
  const device = room.sockets[0] ?? room.connect();
  if (!device.presence) device.hello("phone");
  room.room.chat.useModel(() => scriptedModel(steps));
  const accepted = room.room.chat.submit({ text, channel: "chat" }, { kind: "user" }, `req-${room.clock}-${text}`);
  if (!accepted.ok) throw new Error(accepted.error.message);
  await room.room.chat.idle();
  room.flush();
  return device.of("llm.action").filter((f) => f.turnId === accepted.value.turnId).map((f) => f.action);
}

const create = (title: string): Step => ({ toolCalls: [{ name: "create_task", input: { title } }] });

describe("Assistant — per-tool daily caps in the room (C13, G6)", () => {
  it("[C13][G6] a tool used up to its daily cap is refused for the rest of the day, across turns, and allowed again the next day", async () => {
    const room = new FakeRoom({ env: { TOOL_DAILY_CAP: "2" }, now: Date.parse("2026-11-25T10:00:00Z") });
    const titles = () => readTasks(room.doc).map((t) => t.title).sort();

    const first = await turn(room, "three calls", [create("Call Ann"), create("Call Ben"), create("Call Cid"), { text: ["Done"] }]);
    expect(titles()).toEqual(["Call Ann", "Call Ben"]);
    expect(first.map((a) => a.status)).toEqual(["done", "done", "failed"]);
    expect(first[2]).toMatchObject({ tool: "create_task", summary: "daily limit for create_task reached" });
    expect(room.room.ledger.state.usage.tools).toEqual({ create_task: 2 });

    // The count is the ledger's, not the turn's: a later turn that day is refused too; other tools are not.
    room.clock += 60 * 60 * 1000;
    const later = await turn(room, "one more", [create("Call Dee"), { toolCalls: [{ name: "add_note", input: { title: "Calls", body: "Ann, Ben" } }] }, { text: ["Done"] }]);
    expect(later.map((a) => [a.tool, a.status])).toEqual([
      ["create_task", "failed"],
      ["add_note", "done"],
    ]);
    expect(titles()).toEqual(["Call Ann", "Call Ben"]);

    // The next day the cap starts again.
    room.clock += DAY_MS;
    const tomorrow = await turn(room, "one more", [create("Call Dee"), { text: ["Done"] }]);
    expect(tomorrow.map((a) => a.status)).toEqual(["done"]);
    expect(titles()).toEqual(["Call Ann", "Call Ben", "Call Dee"]);
    expect(room.room.ledger.state.usage.tools).toEqual({ create_task: 1 });
  });
});
