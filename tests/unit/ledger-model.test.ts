/**
 * L5 against an independent oracle: a random history of commands and events,
 * and beside it the state the test expects, kept by hand from what it did —
 * never by `reduce`. Replay from zero, the live state and a hydration from a
 * snapshot must all equal that model; folding the same reducer twice (as a
 * replay-vs-live check does) cannot see a wrong reducer, this can.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Command } from "../../shared/commands.ts";
import {
  DEFAULT_PREFERENCES,
  type Memory,
  MemorySchema,
  type Message,
  type Notification,
  type Plan,
  type PlanItem,
  PlanItemSchema,
  type Preferences,
  type PreferencesPatch,
  type Reminder,
  ReminderSchema,
} from "../../shared/domain.ts";
import type { NewEventBody } from "../../shared/events.ts";
import { executeCommand } from "../../party/core/commands.ts";
import { DocStore } from "../../party/core/doc-store.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { PLANS_KEPT, type Projection, RECENT_MESSAGES } from "../../party/core/projections.ts";
import { nodeSql } from "../support/node-sql.ts";
import { type Rng, seededRng } from "../support/random.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/** The expected state, written the plain way: maps mutated in place, each rule spelled out. */
class Model {
  memories = new Map<string, Memory>();
  preferences: Preferences = structuredClone(DEFAULT_PREFERENCES);
  messages: Message[] = [];
  usage = { day: "", tokens: 0, tools: {} as Record<string, number> };
  reminders = new Map<string, Reminder>();
  notifications = new Map<string, Notification>();
  plans = new Map<string, Plan>();
  events = 0;

  /** Memories share a slot when type and key match, the key compared case-insensitively. */
  static slot(type: string, key: string): string {
    return `${type}:${key.toLowerCase()}`;
  }

  /** Any reminder event forgets reminders fired more than a week before it. */
  forgetOldFired(now: number): void {
    for (const [id, r] of this.reminders) {
      if (r.status === "fired" && r.firedAt !== null && Date.parse(r.firedAt) < now - 7 * DAY) this.reminders.delete(id);
    }
  }

  /** Usage counts one local day; a charge for a later day starts the count again, one for an earlier day counts in the current one (C13). */
  usageOn(day: string) {
    if (day > this.usage.day) this.usage = { day, tokens: 0, tools: {} };
    return this.usage;
  }

  keepLatestPlans(): void {
    const dates = [...this.plans.keys()].sort();
    for (const date of dates.slice(0, Math.max(0, dates.length - PLANS_KEPT))) this.plans.delete(date);
  }

  asProjection(): Projection {
    return {
      memories: Object.fromEntries(this.memories),
      preferences: this.preferences,
      recentMessages: this.messages.slice(-RECENT_MESSAGES),
      usage: this.usage,
      reminders: Object.fromEntries(this.reminders),
      notifications: Object.fromEntries(this.notifications),
      plans: Object.fromEntries(this.plans),
      // No step here undoes a turn (tests/unit/undo.test.ts covers turn.undone and its replay).
      undoneTurns: [],
      pushSubscriptions: {},
      // T1: every message here is in the default conversation, which its first message creates.
      ...(this.messages.length > 0
        ? {
            conversations: {
              main: {
                id: "main",
                title: "Chat",
                createdAt: this.messages[0]!.createdAt,
                updatedAt: this.messages.reduce((at, m) => (m.createdAt > at ? m.createdAt : at), this.messages[0]!.createdAt),
                archived: false,
              },
            },
          }
        : {}),
      lastEventSeq: this.events,
    };
  }
}

function room(snapshotEvery: number) {
  const sql = nodeSql();
  let clock = Date.UTC(2026, 10, 21, 9);
  const now = () => clock;
  const ledger = new Ledger(sql, { now, snapshotEvery });
  const doc = new Y.Doc();
  const docs = new DocStore(sql, now);
  docs.attach(doc, () => "test");
  const deps = { doc, ledger, now };
  return {
    sql,
    ledger,
    now,
    advance: (ms: number) => void (clock += ms),
    run: (command: Command) => executeCommand(deps, command, { actor: { kind: "user", deviceId: "d1" }, correlationId: "model" }),
    append: (body: NewEventBody) => ledger.append({ ...body, actor: { kind: "system" }, correlationId: "model" }),
  };
}

/** One random step: a command or a direct append, and the model updated by hand to match. */
function step(r: ReturnType<typeof room>, m: Model, rng: Rng, i: number): void {
  const now = r.now();
  const someOf = <T>(map: Map<string, T>): T | null => (map.size > 0 && rng.int(5) > 0 ? rng.pick([...map.values()]) : null);
  const applied = (result: { ok: boolean }) => {
    expect(result.ok).toBe(true);
    m.events++;
  };
  switch (rng.int(13)) {
    case 0: {
      const type = rng.pick(["place", "person"] as const);
      const key = rng.pick(["Airport", "airport", "Coffee", "gym", "Dentist"]);
      const value = `v${i}`;
      const result = r.run({ kind: "memory.pin", pin: { type, key, value } });
      if (!result.ok) throw new Error(result.error.message);
      const existing = m.memories.get(Model.slot(type, key));
      const id = MemorySchema.parse(result.value.result).id;
      // Y2: a pin by hand names the user's device as its source (a new value, a new origin).
      const source = { kind: "user" as const, deviceId: "d1" };
      m.memories.set(Model.slot(type, key), existing ? { ...existing, value, updatedAt: iso(now), source } : { id, type, key, value, pinnedAt: iso(now), updatedAt: iso(now), source });
      m.events++;
      return;
    }
    case 1: {
      if (m.memories.size > 0 && rng.int(3) === 0) {
        // C14: several at once, one event each; a batch naming one unknown memory changes nothing.
        const all = [...m.memories.values()];
        const picked = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.pick(all)))];
        const broken = rng.int(4) === 0;
        const ids = [...picked.map((x) => x.id), ...(broken ? ["no-such-memory"] : [])];
        const result = r.run({ kind: "batch", commands: ids.map((memoryId) => ({ kind: "memory.unpin" as const, memoryId })) });
        if (broken) return void expect(result.ok).toBe(false);
        expect(result.ok).toBe(true);
        for (const x of picked) {
          m.memories.delete(Model.slot(x.type, x.key));
          m.events++;
        }
        return;
      }
      const memory = someOf(m.memories);
      const result = r.run({ kind: "memory.unpin", memoryId: memory?.id ?? "no-such-memory" });
      if (!memory) return void expect(result.ok).toBe(false);
      applied(result);
      m.memories.delete(Model.slot(memory.type, memory.key));
      return;
    }
    case 2: {
      const patch: PreferencesPatch = {};
      if (rng.int(2)) patch.timezone = rng.pick(["UTC", "Europe/Paris", "Asia/Tokyo"]);
      if (rng.int(2)) patch.workHours = { start: rng.pick(["07:00", "08:30", "09:00"]) };
      if (rng.int(2)) patch.notifications = { reminders: rng.int(2) === 0, quietHours: rng.int(2) ? null : { start: "21:00", end: "06:30" } };
      applied(r.run({ kind: "preferences.update", patch }));
      // S12: a zone named without a source is the user's choice.
      if (patch.timezone) Object.assign(m.preferences, { timezone: patch.timezone, timezoneSource: "user" });
      Object.assign(m.preferences.workHours, patch.workHours);
      Object.assign(m.preferences.notifications, patch.notifications);
      return;
    }
    case 3: {
      const message: Message = { id: `msg-${i}`, role: rng.pick(["user", "assistant"] as const), text: `hello ${i}`, channel: "chat", status: "complete", createdAt: iso(now) };
      r.append({ type: "message.added", payload: { message } });
      m.events++;
      m.messages.push(message);
      return;
    }
    case 4: {
      // Mostly today; now and then a charge recorded against yesterday.
      const day = iso(now - (rng.int(6) === 0 ? DAY : 0)).slice(0, 10);
      if (rng.int(2)) {
        const tokens = 1 + rng.int(500);
        r.append({ type: "usage.charged", payload: { day, tokens } });
        m.usageOn(day).tokens += tokens;
      } else {
        const tool = rng.pick(["add_task", "pin_memory", "plan_day"]);
        r.append({ type: "tool.used", payload: { day, tool } });
        const usage = m.usageOn(day);
        usage.tools[tool] = (usage.tools[tool] ?? 0) + 1;
      }
      m.events++;
      return;
    }
    case 5: {
      const result = r.run({ kind: "reminder.set", at: iso(now + (1 + rng.int(600)) * MINUTE), title: `call ${i}` });
      if (!result.ok) throw new Error(result.error.message);
      m.events++;
      m.forgetOldFired(now);
      const reminder = ReminderSchema.parse(result.value.result);
      m.reminders.set(reminder.id, reminder);
      return;
    }
    case 6: {
      const reminder = someOf(m.reminders);
      const reminderId = reminder?.id ?? `gone-${i}`;
      const kind = rng.int(3);
      if (kind === 0) {
        r.append({ type: "reminder.fired", payload: { reminderId, at: reminder?.at ?? iso(now), firedAt: iso(now) } });
        m.forgetOldFired(now);
        const kept = m.reminders.get(reminderId);
        if (kept) m.reminders.set(reminderId, { ...kept, status: "fired", firedAt: iso(now) });
      } else if (kind === 1) {
        const at = iso(now + 30 * MINUTE);
        r.append({ type: "reminder.snoozed", payload: { reminderId, at } });
        m.forgetOldFired(now);
        const kept = m.reminders.get(reminderId);
        if (kept) m.reminders.set(reminderId, { ...kept, status: "pending", at, firedAt: null });
      } else {
        if (!reminder) return;
        applied(r.run({ kind: "reminder.dismiss", reminderId }));
        m.forgetOldFired(now);
        m.reminders.delete(reminderId);
        return;
      }
      m.events++;
      return;
    }
    case 7: {
      const notification: Notification = { id: `n-${i}`, kind: rng.pick(["reminder", "plan", "assistant"] as const), title: `t${i}`, body: `b${i}`, ref: null, createdAt: iso(now) };
      r.append({ type: "notification.created", payload: { notification } });
      m.events++;
      m.notifications.set(notification.id, notification);
      return;
    }
    case 8: {
      const notification = someOf(m.notifications);
      if (notification) {
        applied(r.run({ kind: "notification.ack", notificationId: notification.id }));
      } else {
        r.append({ type: "notification.acked", payload: { notificationId: `gone-${i}` } });
        m.events++;
      }
      if (notification) m.notifications.delete(notification.id);
      return;
    }
    case 9: {
      // Thirty possible dates: more than PLANS_KEPT, and now and then one proposed again.
      const date = iso(Date.UTC(2026, 10, 1) + rng.int(30) * DAY).slice(0, 10);
      const items: PlanItem[] = Array.from({ length: 1 + rng.int(3) }, (_, k) => ({
        id: `${date}-${i}-${k}`,
        kind: rng.pick(["priority", "todo", "note"] as const),
        text: `item ${k}`,
        taskId: null,
        status: "proposed",
      }));
      const plan: Plan = { date, createdAt: iso(now), source: "schedule", items };
      r.append({ type: "plan.proposed", payload: { plan } });
      m.events++;
      m.plans.set(date, plan);
      m.keepLatestPlans();
      return;
    }
    case 10: {
      const plan = someOf(m.plans);
      const item = plan?.items.find((x) => x.status === "proposed");
      if (!plan || !item) {
        r.append({ type: "plan.item.settled", payload: { date: "2020-01-01", itemId: "none", status: "rejected" } });
        m.events++;
        return;
      }
      const action = rng.pick(["accept", "reject", "edit"] as const);
      const text = action === "edit" ? `edited ${i}` : undefined;
      const result = r.run({ kind: "plan.item", date: plan.date, itemId: item.id, action, ...(text ? { text } : {}) });
      if (!result.ok) throw new Error(result.error.message);
      m.events++;
      const settled: PlanItem =
        action === "reject"
          ? { ...item, status: "rejected" }
          : { ...item, status: "accepted", text: text ?? item.text, taskId: PlanItemSchema.parse(result.value.result).taskId ?? item.taskId };
      m.plans.set(plan.date, { ...plan, items: plan.items.map((x) => (x.id === item.id ? settled : x)) });
      return;
    }
    case 11: {
      // Types the projections do not fold still count.
      r.append(rng.pick<NewEventBody>([
        { type: "task.completed", payload: { taskId: `t${i}` } },
        { type: "turn.failed", payload: { turnId: `turn-${i}`, code: "timeout" } },
        { type: "proposal.confirmed", payload: { proposalId: `p${i}`, turnId: `turn-${i}`, tool: "delete_task" } },
        { type: "proposal.settled", payload: { proposalId: `p${i}`, turnId: `turn-${i}`, tool: "bulk_tasks", status: "rejected" } },
      ]));
      m.events++;
      return;
    }
    default:
      // Time passes: minutes mostly, sometimes days, so days turn and fired reminders age out.
      r.advance(rng.int(4) === 0 ? (1 + rng.int(3)) * DAY : (1 + rng.int(90)) * MINUTE);
  }
}

describe("Brain — ledger replay against an independent model", () => {
  it("[L5][L6] replay from zero, the live state and a hydration from a snapshot all equal the hand-kept model", () => {
    const rng = seededRng("ledger model");
    const snapshotEvery = 23;
    const r = room(snapshotEvery);
    const m = new Model();
    for (let i = 0; i < 2_400; i++) {
      step(r, m, rng, i);
      if (i % 100 === 99) expect(r.ledger.state, `live state after step ${i} (seed ${rng.seed})`).toEqual(m.asProjection());
    }
    const expected = m.asProjection();
    expect(m.messages.length, "the history outgrows the hot messages").toBeGreaterThan(RECENT_MESSAGES);
    expect(r.ledger.state).toEqual(expected);
    expect(r.ledger.replayFromZero()).toEqual(expected);
    const snapshots = r.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_snapshots").toArray()[0]!.n;
    expect(snapshots).toBeGreaterThan(0);
    expect(new Ledger(r.sql, { snapshotEvery }).state, "a room loaded from the latest snapshot and its tail").toEqual(expected);
  });
});
