/**
 * Undo of an assistant turn in the real room core (docs/PROTOCOL.md D9, D18,
 * H12): everything the turn did is reverted except what the user built on
 * since, read from the ledger — so it works however old the turn is.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BrainStateSchema, type Undone, UndoneSchema } from "../../shared/api.ts";
import type { Command } from "../../shared/commands.ts";
import { patchTask, readTasks } from "../../shared/doc-schema.ts";
import type { Task } from "../../shared/domain.ts";
import { gatedModel, scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

const DAY = 24 * 60 * 60 * 1000;

function twoDevices(): { room: FakeRoom; laptop: FakeSocket; phone: FakeSocket } {
  const room = new FakeRoom();
  const laptop = room.connect();
  const phone = room.connect();
  laptop.hello("laptop");
  phone.hello("phone");
  room.flush();
  return { room, laptop, phone };
}

/** Sends a chat message from `socket` and waits for the turn to end; returns its turn id. */
async function say(room: FakeRoom, socket: FakeSocket, text: string): Promise<string> {
  const rid = `m-${text.length}-${socket.received.length}`;
  socket.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  const ack = socket.of("ack").find((f) => f.rid === rid);
  const turnId = ack?.result && typeof ack.result === "object" && "turnId" in ack.result ? String(ack.result.turnId) : null;
  if (!turnId) throw new Error(`message not accepted: ${JSON.stringify(socket.received.at(-1))}`);
  await room.room.chat.idle();
  room.flush();
  return turnId;
}

/** A user's edit made on a device: a Yjs update from its own copy of the document, attributed to its socket. */
function onDevice(room: FakeRoom, socket: FakeSocket, edit: (doc: Y.Doc) => void): void {
  const device = new Y.Doc();
  Y.applyUpdate(device, Y.encodeStateAsUpdate(room.doc));
  const before = Y.encodeStateVector(device);
  edit(device);
  socket.sendUpdate(Y.encodeStateAsUpdate(device, before));
  room.flush();
}

/** Sends `undo` over the socket; the parsed answer, or the error frame's message. */
function undo(room: FakeRoom, socket: FakeSocket, turnId: string): Undone | string {
  const rid = `undo-${socket.received.length}`;
  socket.sendFrame({ type: "undo", rid, command: { turnId } });
  room.flush();
  const ack = socket.of("ack").find((f) => f.rid === rid);
  if (ack) return UndoneSchema.parse(ack.result);
  return socket.of("error").find((f) => f.rid === rid)?.message ?? "no answer";
}

function undone(answer: Undone | string): Undone {
  if (typeof answer === "string") throw new Error(`undo failed: ${answer}`);
  return answer;
}

/** A command run as the assistant's turn, the way its tools and confirmed proposals run (C8). */
function asAssistant(room: FakeRoom, turnId: string, command: Command): unknown {
  const r = room.room.execute(command, { actor: { kind: "assistant", turnId }, correlationId: `req-${turnId}` });
  if (!r.ok) throw new Error(r.error.message);
  room.flush();
  return r.value.result;
}

const task = (room: FakeRoom, title: string): Task | undefined => readTasks(room.doc).find((t) => t.title === title);

async function state(room: FakeRoom) {
  const res = await room.room.request(new Request("https://room.test/api/v1/state"), "state-req");
  return BrainStateSchema.parse(await res.json());
}

describe("Undo — an assistant turn, never the user's work (D9, D14)", () => {
  it("[D9][D18] keeps the task the user renamed (and says so), cancels the turn's reminder: it never fires", async () => {
    const { room, laptop, phone } = twoDevices();
    const turnId = await say(room, laptop, "remind me to book the hotel tomorrow at 3pm");
    const created = task(room, "Book the hotel");
    expect(created).toBeDefined();
    const reminder = Object.values(room.room.ledger.state.reminders)[0];
    expect(reminder).toMatchObject({ taskId: created!.id, status: "pending" });

    // The user renames it on their phone, the way the Tasks view does ("#travel" becomes a tag).
    onDevice(room, phone, (d) => patchTask(d, created!.id, { title: "Book the hotel near Fenway", tags: ["travel"], updatedAt: new Date(room.clock).toISOString() }));

    const answer = undone(undo(room, laptop, turnId));
    expect(answer.message).toMatch(/kept “Book the hotel near Fenway” because you edited it/i);
    expect(answer.kept).toMatchObject([{ kind: "task", id: created!.id, by: "user", reason: "you edited it" }]);
    expect(answer.reverted).toEqual([{ kind: "reminder.dismissed", reminderId: reminder!.id, title: "Book the hotel" }]);
    expect(readTasks(room.doc)).toMatchObject([{ id: created!.id, title: "Book the hotel near Fenway", tags: ["travel"], status: "open" }]);
    expect(room.room.ledger.state.reminders).toEqual({});

    // The room's clock passes the reminder's time and the alarm runs: nothing fires, nothing is pushed.
    room.clock = Date.parse(reminder!.at) + 60_000;
    await room.room.alarm();
    room.flush();
    expect(room.room.ledger.ofTypes(["reminder.fired"])).toEqual([]);
    const pushed = room.room.ledger.ofTypes(["notification.created"]).flatMap((e) => (e.type === "notification.created" ? [e.payload.notification.kind] : []));
    expect(pushed).not.toContain("reminder");
    expect(phone.of("notification")).toEqual([]);

    // Both devices saw one turn.undone; the state says the turn is undone; replay gives the same state (L5).
    for (const device of [laptop, phone]) expect(device.of("event").filter((f) => f.event.type === "turn.undone")).toHaveLength(1);
    expect((await state(room)).undoneTurns).toEqual([turnId]);
    expect(room.room.ledger.replayFromZero()).toEqual(room.room.ledger.state);
  });

  it("[D18][H12] undoes a turn whose document updates were all compacted, days later", () => {
    const { room, laptop } = twoDevices();
    const made = asAssistant(room, "turn-old", { kind: "task", action: { action: "create", task: { title: "Draft the memo" } } });
    room.clock += 3 * DAY;
    room.room.docs.compact({ everything: true });
    expect(room.room.docs.rowCount).toBe(0);
    const answer = undone(undo(room, laptop, "turn-old"));
    expect(answer).toMatchObject({ steps: 1, reverted: [{ kind: "task.removed", title: "Draft the memo" }], kept: [] });
    expect(readTasks(room.doc)).toEqual([]);
    expect(made).toMatchObject({ title: "Draft the memo" });
  });

  it("[D9][H12] undoing twice is a plain sentence; a turn that changed nothing says so", () => {
    const { room, laptop } = twoDevices();
    asAssistant(room, "turn-1", { kind: "task", action: { action: "create", task: { title: "Once" } } });
    undone(undo(room, laptop, "turn-1"));
    expect(undo(room, laptop, "turn-1")).toBe("This was already undone.");
    expect(laptop.of("error").at(-1)).toMatchObject({ code: "conflict" });
    expect(undo(room, laptop, "no-such-turn")).toBe("There is nothing to undo for that request.");
    expect(laptop.of("error").at(-1)).toMatchObject({ code: "not_found" });
  });

  it("[H12] a turn still streaming is not undone yet: a plain sentence says to stop it first", async () => {
    const { room, laptop } = twoDevices();
    const gate = gatedModel();
    room.room.chat.useModel(() => gate.model);
    laptop.sendFrame({ type: "message.send", rid: "m", command: { text: "think about my week" } });
    room.flush();
    await gate.ready;
    const turnId = room.room.chat.active?.turnId;
    expect(turnId).toBeDefined();
    expect(undo(room, laptop, turnId!)).toBe("The assistant is still working on that request: stop it first, then undo.");
    gate.end();
    await room.room.chat.idle();
  });

  it("[D18][L10] a change recorded before undo kept earlier values stays, and the answer says why", () => {
    const { room, laptop } = twoDevices();
    const made = room.room.execute({ kind: "task", action: { action: "create", task: { title: "Plan the offsite" } } }, { actor: { kind: "user" }, correlationId: "u" });
    if (!made.ok) throw new Error(made.error.message);
    const id = readTasks(room.doc)[0]!.id;
    // What an older build wrote for the assistant's rename: the new title, no `before`.
    room.doc.transact(() => patchTask(room.doc, id, { title: "Plan the offsite in May" }), { actorLabel: "assistant:turn-legacy" });
    room.room.ledger.append({ type: "task.updated", actor: { kind: "assistant", turnId: "turn-legacy" }, correlationId: "old", payload: { taskId: id, changes: { title: "Plan the offsite in May" } } });
    const answer = undone(undo(room, laptop, "turn-legacy"));
    expect(answer).toMatchObject({ steps: 0, reverted: [], kept: [{ kind: "task", title: "Plan the offsite in May", reason: "its earlier values were not recorded" }] });
    expect(readTasks(room.doc)[0]?.title).toBe("Plan the offsite in May");
  });

  it("[D18] reverts every kind of change a turn made, field by field, keeping what the user changed since", async () => {
    const { room, laptop, phone } = twoDevices();
    const user = (command: Command) => {
      const r = room.room.execute(command, { actor: { kind: "user", deviceId: "laptop" }, correlationId: "user" });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.result;
    };
    for (const title of ["Pay rent", "Call the bank", "Old idea", "Older idea"]) user({ kind: "task", action: { action: "create", task: { title, due: "2026-11-30" } } });
    user({ kind: "memory.pin", pin: { type: "place", key: "airport", value: "JFK" } });
    const t = (title: string) => task(room, title)!.id;

    // One real turn with many tool calls (a scripted model): the tools run through the same command path as always.
    room.room.chat.useModel(() =>
      scriptedModel([
        {
          toolCalls: [
            { name: "create_task", input: { title: "Book flights", remindAt: "2026-11-26T09:00:00Z" } },
            { name: "update_task", input: { taskId: t("Pay rent"), newTitle: "Pay rent online", due: "2026-12-01" } },
            { name: "complete_task", input: { taskId: t("Call the bank") } },
            { name: "delete_task", input: { taskId: t("Old idea") } },
            { name: "delete_task", input: { taskId: t("Older idea") } },
            { name: "add_note", input: { title: "Trip", body: "Pack light" } },
            { name: "pin_memory", input: { type: "place", key: "airport", value: "BOS" } },
            { name: "pin_memory", input: { type: "preference", key: "seat", value: "aisle" } },
            { name: "set_preference", input: { timezone: "Europe/Paris", workHours: { start: "08:00" } } },
          ],
        },
        { text: ["All set."] },
      ]),
    );
    // Y9: the user asks to remember, naming the values, so pin_memory pins at once (no proposal).
    const turnId = await say(room, laptop, "Sort out my trip. Remember my airport is BOS and my seat is aisle.");
    const proposals = room.room.chat.store.pendingProposals(room.clock).filter((p) => p.turnId === turnId);
    expect(proposals).toHaveLength(2);
    // The user confirms one deletion (its effect is the turn's: C8) and leaves the other pending.
    laptop.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId: proposals[0]!.id });
    room.flush();
    expect(task(room, "Old idea")).toBeUndefined();
    // Since the turn, the user moved "Pay rent" to another day and changed when work starts.
    user({ kind: "task", action: { action: "update", taskId: t("Pay rent online"), patch: { due: "2026-12-05" } } });
    user({ kind: "preferences.update", patch: { workHours: { start: "07:30" } } });

    const answer = undone(undo(room, phone, turnId));
    const tasks = readTasks(room.doc);
    expect(tasks.map((x) => [x.title, x.status, x.due]).sort()).toEqual([
      ["Call the bank", "open", "2026-11-30"],
      ["Old idea", "open", "2026-11-30"],
      ["Older idea", "open", "2026-11-30"],
      ["Pay rent", "open", "2026-12-05"],
    ]);
    expect(room.room.ledger.state.reminders).toEqual({});
    expect(Object.values(room.room.ledger.state.memories).map((m) => [m.key, m.value])).toEqual([["airport", "JFK"]]);
    expect(room.room.ledger.state.preferences).toMatchObject({ timezone: "UTC", workHours: { start: "07:30" } });
    expect(room.room.chat.store.pendingProposals(room.clock)).toEqual([]);
    expect(room.room.chat.store.proposal(proposals[1]!.id)?.status).toBe("rejected");
    expect((await state(room)).notes).toEqual([]);
    expect(answer.kept.map((k) => [k.kind, k.title, k.reason]).sort()).toEqual([
      ["preferences", "work hours start", "you changed it"],
      ["task", "Pay rent", "you edited it"],
    ]);
    expect(answer.reverted.map((r) => r.kind).sort()).toEqual([
      "memory.restored",
      "memory.restored",
      "note.removed",
      "preferences.restored",
      "proposal.cancelled",
      "reminder.dismissed",
      "task.removed",
      "task.restored",
      "task.reverted",
      "task.reverted",
    ]);
    // The other device's Confirm button goes: the cancelled proposal's card is settled there too.
    expect(laptop.of("llm.action").at(-1)?.action).toMatchObject({ proposalId: proposals[1]!.id, status: "rejected" });
    expect(phone.of("llm.action").at(-1)?.action).toMatchObject({ proposalId: proposals[1]!.id, status: "rejected" });
    expect(room.room.ledger.replayFromZero()).toEqual(room.room.ledger.state);
  });

  it("[D18] notes: a body the turn rewrote comes back; a note it deleted is restored; a reminder the user snoozed stays", () => {
    const { room, laptop } = twoDevices();
    const user = room.room.execute({ kind: "note", action: { action: "create", note: { title: "Draft", body: "First thoughts" } } }, { actor: { kind: "user" }, correlationId: "u" });
    const spare = room.room.execute({ kind: "note", action: { action: "create", note: { title: "Spare", body: "Keep me" } } }, { actor: { kind: "user" }, correlationId: "u" });
    if (!user.ok || !spare.ok) throw new Error("setup");
    const draftId = (user.value.result as { id: string }).id;
    const spareId = (spare.value.result as { id: string }).id;
    asAssistant(room, "turn-n", { kind: "note", action: { action: "update", noteId: draftId, patch: { body: "Rewritten by the assistant", pinned: true } } });
    asAssistant(room, "turn-n", { kind: "note", action: { action: "delete", noteId: spareId } });
    const reminder = asAssistant(room, "turn-n", { kind: "reminder.set", at: "2026-11-26T09:00:00Z", title: "Stretch" }) as { id: string };
    laptop.sendFrame({ type: "reminder.snooze", reminderId: reminder.id, command: { minutes: 30 } });
    room.flush();

    const answer = undone(undo(room, laptop, "turn-n"));
    const notes = Object.fromEntries([...room.doc.getMap<Y.Map<unknown>>("notes").values()].map((n) => [n.get("title"), [String(n.get("body")), n.get("pinned")]]));
    expect(notes).toEqual({ Draft: ["First thoughts", false], Spare: ["Keep me", false] });
    expect(answer.kept).toMatchObject([{ kind: "reminder", id: reminder.id, reason: "you snoozed it" }]);
    expect(room.room.ledger.state.reminders[reminder.id]?.status).toBe("pending");
    expect(room.room.ledger.replayFromZero()).toEqual(room.room.ledger.state);
  });

  it("[D18][S6] a plan item the turn accepted is proposed again and its new task removed — unless the user built on that task", () => {
    const { room, laptop, phone } = twoDevices();
    const items = ["Write the report", "Email Ann"].map((text, i) => ({ id: `item-${i}`, kind: "priority" as const, text, taskId: null, status: "proposed" as const }));
    room.room.ledger.append({ type: "plan.proposed", actor: { kind: "system" }, correlationId: "plan", payload: { plan: { date: "2026-11-25", createdAt: new Date(room.clock).toISOString(), source: "chat", items } } });
    for (const itemId of ["item-0", "item-1"]) asAssistant(room, "turn-p", { kind: "plan.item", date: "2026-11-25", itemId, action: "accept" });
    const report = task(room, "Write the report")!;
    onDevice(room, phone, (d) => patchTask(d, report.id, { due: "2026-11-27", updatedAt: new Date(room.clock).toISOString() }));

    const answer = undone(undo(room, laptop, "turn-p"));
    expect(readTasks(room.doc).map((x) => x.title)).toEqual(["Write the report"]);
    expect(room.room.ledger.state.plans["2026-11-25"]?.items.map((i) => [i.text, i.status])).toEqual([
      ["Write the report", "accepted"],
      ["Email Ann", "proposed"],
    ]);
    expect(answer.kept).toMatchObject([{ kind: "task", title: "Write the report", reason: "you edited it" }]);
    expect(room.room.ledger.replayFromZero()).toEqual(room.room.ledger.state);
  });
});
