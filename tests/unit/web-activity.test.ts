import { describe, expect, it } from "vitest";
import type { Actor } from "../../shared/domain.ts";
import { type LedgerEvent, LedgerEventSchema, type NewEventBody } from "../../shared/events.ts";
import { formatDay, formatDue } from "../../shared/format.ts";
import { type ActivityContext, activityRows, actorName } from "../../web/lib/activity.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const LAPTOP = "0192f0a0-1111-7000-8000-000000000001";
const PHONE = "0192f0a0-2222-7000-8000-000000000002";
const GONE = "0192f0a0-3333-7000-8000-000000000003";
const TASK = "0192f0a0-aaaa-7000-8000-00000000000a";
const TURN = "0192f0a0-bbbb-7000-8000-00000000000b";

const ctx: ActivityContext = {
  due: (v) => formatDue(v, "America/New_York"),
  day: formatDay,
  thisDevice: LAPTOP,
  deviceName: (id) => ({ [LAPTOP]: "Laptop", [PHONE]: "Phone" })[id] ?? null,
  taskTitle: () => null,
  noteTitle: () => null,
};

let seq = 0;
const ev = (actor: Actor, body: NewEventBody): LedgerEvent =>
  LedgerEventSchema.parse({ id: `0192f0a0-0000-7000-8000-${String(++seq).padStart(12, "0")}`, seq, ts: "2026-11-25T15:00:00.000Z", actor, correlationId: "req", ...body });
const phone: Actor = { kind: "user", deviceId: PHONE };
const laptop: Actor = { kind: "user", deviceId: LAPTOP };
const assistant: Actor = { kind: "assistant", turnId: TURN };
const task = (title: string, due: string | null = null) => ({
  id: TASK,
  title,
  status: "open" as const,
  due,
  tags: [],
  order: 1,
  createdAt: "2026-11-25T15:00:00.000Z",
  updatedAt: "2026-11-25T15:00:00.000Z",
  createdBy: "user:x",
});
const sentences = (events: LedgerEvent[], c = ctx) => activityRows(events, c).map((r) => `${r.who} ${r.what}`);

describe("Web — Activity wording (W34)", () => {
  it("[W34] says who — this device, another device by name, the assistant, the system — never an id", () => {
    expect(actorName(laptop, ctx)).toBe("You (Laptop)");
    expect(actorName(phone, ctx)).toBe("Phone");
    expect(actorName({ kind: "user", deviceId: GONE }, ctx)).toBe("Another device");
    expect(actorName({ kind: "user" }, ctx)).toBe("You");
    expect(actorName(assistant, ctx)).toBe("Chief of staff");
    expect(actorName({ kind: "system" }, ctx)).toBe("Micro CoS");
  });

  it("[W34] a device's rename reads “Phone renamed ‘Call John’ → ‘Call John re budget’” from the earlier event, though the event carries only the id", () => {
    const events = [
      ev(assistant, { type: "task.created", payload: { task: task("Call John", "2026-11-26T20:00:00.000Z") } }),
      // A device edit: only the new values and the changed fields, no `before`.
      ev(phone, { type: "task.updated", payload: { taskId: TASK, changes: { title: "Call John re budget" }, fields: ["title"] } }),
      ev(laptop, { type: "task.completed", payload: { taskId: TASK } }),
      ev(phone, { type: "task.deleted", payload: { taskId: TASK } }),
    ];
    const lines = sentences(events);
    expect(lines).toEqual([
      "Chief of staff added task “Call John” (due Thu, Nov 26, 3:00 PM)",
      "Phone renamed “Call John” → “Call John re budget”",
      "You (Laptop) completed “Call John re budget”",
      "Phone deleted task “Call John re budget”",
    ]);
    expect(lines.join("\n")).not.toMatch(UUID);
  });

  it("[W34] a command's update names the old title from `before`; an id the list never named comes from the state, else “a task”", () => {
    const renamed = ev(laptop, { type: "task.updated", payload: { taskId: TASK, changes: { title: "B", due: "2026-11-27" }, before: { title: "A", due: null } } });
    expect(sentences([renamed])).toEqual(["You (Laptop) renamed “A” → “B”; set “B” due Fri, Nov 27"]);
    const completed = ev(phone, { type: "task.completed", payload: { taskId: TASK } });
    expect(sentences([completed], { ...ctx, taskTitle: () => "Buy milk" })).toEqual(["Phone completed “Buy milk”"]);
    expect(sentences([completed])).toEqual(["Phone completed a task"]);
  });

  it("[W34] reminders, proposals and preferences are named by what they were, not their ids", () => {
    const events = [
      ev(assistant, { type: "reminder.set", payload: { reminder: { id: "r-1", taskId: TASK, title: "Call John", at: "2026-11-26T20:00:00.000Z", status: "pending", firedAt: null } } }),
      ev({ kind: "system" }, { type: "reminder.fired", payload: { reminderId: "r-1", at: "2026-11-26T20:00:00.000Z", firedAt: "2026-11-26T20:00:01.000Z" } }),
      ev(phone, { type: "reminder.snoozed", payload: { reminderId: "r-1", at: "2026-11-26T20:10:00.000Z" } }),
      ev(assistant, { type: "proposal.created", payload: { proposalId: "p-1", tool: "delete_task", summary: "Delete “Call John”", expiresAt: "2026-11-26T20:10:00.000Z" } }),
      ev(laptop, { type: "proposal.confirmed", payload: { proposalId: "p-1", turnId: TURN, tool: "delete_task" } }),
      ev(phone, { type: "preferences.updated", payload: { patch: { notifications: { quietHours: null, dailyPlan: true, dailyPlanTime: "08:30" } } } }),
      ev(laptop, { type: "preferences.updated", payload: { patch: { timezone: "Europe/Paris", timezoneSource: "device" } } }),
      ev(phone, { type: "memory.unpinned", payload: { memoryId: "m-1", slot: "place:favorite airport" } }),
    ];
    const lines = sentences(events);
    expect(lines).toEqual([
      "Chief of staff set a reminder “Call John” for Thu, Nov 26, 3:00 PM",
      "Micro CoS reminded you: “Call John”",
      "Phone snoozed the reminder “Call John” to Thu, Nov 26, 3:10 PM",
      "Chief of staff asked to confirm: Delete “Call John”",
      "You (Laptop) confirmed “Delete “Call John””",
      "Phone turned quiet hours off; turned the daily plan on at 08:30",
      "You (Laptop) set the time zone to Europe/Paris, the device's own",
      "Phone forgot “favorite airport”",
    ]);
    expect(lines.join("\n")).not.toMatch(/r-1|p-1|m-1/);
  });

  it("[W34] note edits: a rename from the previous title, a body edit, a pin", () => {
    const note = { id: "n-1", title: "Ideas", body: "", pinned: false, createdAt: "2026-11-25T15:00:00.000Z", updatedAt: "2026-11-25T15:00:00.000Z", createdBy: "user:x" };
    const lines = sentences([
      ev(phone, { type: "note.created", payload: { note } }),
      ev(phone, { type: "note.updated", payload: { noteId: "n-1", fields: ["title"], changes: { title: "Big ideas" } } }),
      ev(laptop, { type: "note.updated", payload: { noteId: "n-1", fields: ["body"] } }),
      ev(laptop, { type: "note.updated", payload: { noteId: "n-1", fields: ["pinned"], changes: { pinned: true } } }),
    ]);
    expect(lines).toEqual(["Phone added note “Ideas”", "Phone renamed note “Ideas” → “Big ideas”", "You (Laptop) edited note “Big ideas”", "You (Laptop) pinned note “Big ideas”"]);
  });
});
