/**
 * The room and the user's time zone (docs/PROTOCOL.md S12): the first device's
 * hello sets it, a chosen zone is never replaced, older ledgers and snapshots
 * read as they always meant, and what the room tells the user is in that zone.
 */
import { describe, expect, it } from "vitest";
import { Ledger } from "../../party/core/ledger.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { PreferencesSchema } from "../../shared/domain.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { nodeSql } from "../support/node-sql.ts";

const NY = "America/New_York";
const LA = "America/Los_Angeles";

const prefsOf = (room: FakeRoom) => room.room.ledger.state.preferences;
const zoneEvents = (room: FakeRoom) => room.room.ledger.since(0, 1_000).filter((e) => e.type === "preferences.updated");

async function say(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  device.sendFrame({ type: "message.send", rid: `m-${text}`, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  return device.of("llm.completed").at(-1)?.text ?? "";
}

describe("Room core — the user's time zone (S12)", () => {
  it("[S12] the first device's hello sets the zone, before its next frame: 'tomorrow at 3pm' is New York's 3pm", async () => {
    // 10:00 UTC on Wed Nov 25 is 05:00 in New York.
    const room = new FakeRoom();
    expect(prefsOf(room)).toMatchObject({ timezone: "UTC", timezoneSource: "default" });
    const laptop = room.connect();
    // The hello and the message leave in one flush: nothing waits for the zone to arrive.
    laptop.sendFrame({ type: "hello", v: 1, deviceId: "laptop", name: "Laptop", kind: "web", timeZone: NY });
    const reply = await say(room, laptop, "remind me to call John tomorrow at 3pm");
    expect(laptop.of("error")).toEqual([]);
    expect(prefsOf(room)).toMatchObject({ timezone: NY, timezoneSource: "device" });
    expect(zoneEvents(room)).toMatchObject([{ actor: { kind: "user", deviceId: "laptop" }, payload: { patch: { timezone: NY, timezoneSource: "device" } } }]);
    expect(reply).toMatch(/due Thu, Nov 26, 3:00\sPM/);
    const [task] = room.room.ledger.since(0, 1_000).flatMap((e) => (e.type === "task.created" ? [e.payload.task] : []));
    expect(task?.due).toBe("2026-11-26T20:00:00.000Z");
    expect(Object.values(room.room.ledger.state.reminders).map((r) => r.at)).toEqual(["2026-11-26T20:00:00.000Z"]);
  });

  it("[S12] a later device in another zone changes nothing: it is offered the switch instead", () => {
    const room = new FakeRoom();
    room.connect().hello("laptop", { timeZone: NY });
    const phone = room.connect();
    phone.hello("phone", { timeZone: LA });
    room.flush();
    expect(prefsOf(room)).toMatchObject({ timezone: NY, timezoneSource: "device" });
    expect(zoneEvents(room)).toHaveLength(1);
  });

  it("[S12] a zone the user chose is never replaced by a device's", () => {
    const room = new FakeRoom();
    const laptop = room.connect();
    laptop.hello("laptop");
    laptop.sendFrame({ type: "preferences.update", rid: "tz", command: { timezone: "Europe/Paris" } });
    room.flush();
    expect(prefsOf(room)).toMatchObject({ timezone: "Europe/Paris", timezoneSource: "user" });
    room.connect().hello("phone", { timeZone: NY });
    room.flush();
    expect(prefsOf(room).timezone).toBe("Europe/Paris");
  });

  it("[S12] a device may set the zone only while none is set: later it is a conflict with a plain message", () => {
    const room = new FakeRoom();
    const laptop = room.connect();
    laptop.hello("laptop", { timeZone: NY });
    laptop.sendFrame({ type: "preferences.update", rid: "late", command: { timezone: LA, timezoneSource: "device" } });
    laptop.sendFrame({ type: "preferences.update", rid: "bare", command: { timezoneSource: "user" } });
    laptop.sendFrame({ type: "preferences.update", rid: "switch", command: { timezone: LA, timezoneSource: "user" } });
    room.flush();
    expect(laptop.of("error").map((e) => [e.rid, e.code, e.message])).toEqual([
      ["late", "conflict", `your time zone is already set to ${NY}`],
      ["bare", "invalid_request", "timezoneSource is given only with a timezone"],
    ]);
    expect(laptop.of("ack").at(-1)).toMatchObject({ rid: "switch", result: { timezone: LA, timezoneSource: "user" } });
  });

  it("[S12][G5] a hello with a zone the room does not know is welcomed; the zone is ignored", () => {
    const room = new FakeRoom();
    const laptop = room.connect();
    expect(laptop.hello("laptop", { timeZone: "Mars/Olympus_Mons" }).type).toBe("welcome");
    expect(prefsOf(room)).toMatchObject({ timezone: "UTC", timezoneSource: "default" });
    expect(zoneEvents(room)).toEqual([]);
  });

  it("[C13][H9] the state's usage is the local day's: at 19:30 in New York, what was spent at 18:00 still shows", async () => {
    const room = new FakeRoom({ now: Date.parse("2026-11-25T23:00:00.000Z") }); // 18:00 EST
    room.connect().hello("laptop", { timeZone: NY });
    room.room.ledger.append({ type: "usage.charged", actor: { kind: "system" }, correlationId: "spent", payload: { day: "2026-11-25", tokens: 700 } });
    const usage = async () => {
      const res = await room.room.request(new Request("http://room/api/v1/state"), "req-state");
      return BrainStateSchema.parse(await res.json()).usage;
    };
    room.clock = Date.parse("2026-11-26T00:30:00.000Z"); // 19:30 EST, the 26th in UTC
    expect(await usage()).toMatchObject({ day: "2026-11-25", tokens: 700 });
    room.clock = Date.parse("2026-11-26T05:00:00.000Z"); // 00:00 EST on the 26th
    expect(await usage()).toMatchObject({ day: "2026-11-26", tokens: 0 });
  });

  it("[S12][W5] a reminder's notification says its time in the user's zone", async () => {
    const room = new FakeRoom();
    const laptop = room.connect();
    laptop.hello("laptop", { timeZone: NY });
    await say(room, laptop, "remind me to call John tomorrow at 3pm");
    room.clock = Date.parse("2026-11-26T20:00:30.000Z");
    await room.room.alarm();
    room.flush();
    const notification = laptop.of("notification").find((n) => n.notification.kind === "reminder");
    expect(notification?.notification).toMatchObject({ title: "Call John" });
    expect(notification?.notification.body).toMatch(/^Reminder — Thu, Nov 26, 3:00\sPM$/);
  });
});

describe("Ledger — preferences written before zone sources (S12, L5)", () => {
  it("[S12][L5] older preference events replay as the user's choice; stored preferences without a source still parse", () => {
    const sql = nodeSql();
    const ledger = new Ledger(sql);
    // As older builds recorded them: a zone, no source.
    ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: "old", payload: { patch: { timezone: "Asia/Tokyo" } } });
    expect(ledger.state.preferences).toMatchObject({ timezone: "Asia/Tokyo", timezoneSource: "user" });
    expect(new Ledger(sql).replayFromZero()).toEqual(ledger.state);
    const older = { ...ledger.state.preferences, timezoneSource: undefined };
    expect(PreferencesSchema.parse(JSON.parse(JSON.stringify(older))).timezoneSource).toBe("default");
  });

  it("[S12][L6] a snapshot written before zone sources hydrates as replay reads it", () => {
    for (const [timezone, expected] of [["Asia/Tokyo", "user"], ["UTC", "default"]] as const) {
      const sql = nodeSql();
      const ledger = new Ledger(sql);
      if (timezone !== "UTC") ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: "old", payload: { patch: { timezone } } });
      ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: "hours", payload: { patch: { workHours: { start: "08:00" } } } });
      ledger.writeSnapshot();
      // Strip the field from the stored snapshot, as an older build wrote it.
      const [row] = sql.exec<{ seq: number; state: string }>("SELECT seq, state FROM ledger_snapshots").toArray();
      const stored = JSON.parse(row!.state);
      delete stored.preferences.timezoneSource;
      sql.exec("UPDATE ledger_snapshots SET state = ? WHERE seq = ?", JSON.stringify(stored), row!.seq);
      const hydrated = new Ledger(sql);
      expect(hydrated.state.preferences).toMatchObject({ timezone, timezoneSource: expected, workHours: { start: "08:00" } });
      expect(hydrated.state).toEqual(hydrated.replayFromZero());
    }
  });
});
