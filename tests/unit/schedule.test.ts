import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, type Device, type Preferences } from "../../shared/domain.ts";
import { deviceInUse, shouldPush } from "../../party/schedule/notify.ts";
import { modelDraft } from "../../party/schedule/plan.ts";
import { nextPlanTime, nextWake, quietHours } from "../../party/schedule/scheduler.ts";
import { INITIAL_PROJECTION } from "../../party/core/projections.ts";
import { scriptedModel } from "../support/fake-models.ts";

const prefs = (over: Partial<Preferences["notifications"]> = {}, tz = "UTC"): Preferences => ({
  ...DEFAULT_PREFERENCES,
  timezone: tz,
  notifications: { ...DEFAULT_PREFERENCES.notifications, ...over },
});
const device = (deviceId: string, focused: boolean, lastSeen: string): Device => ({ deviceId, name: deviceId, kind: "web", connectedAt: "2026-11-21T09:00:00.000Z", lastSeen, focused });

describe("Schedule — pure rules", () => {
  it("[S8] the device in use is the focused one, else the most recently active", () => {
    expect(deviceInUse([device("a", false, "2026-11-21T10:00:00Z"), device("b", true, "2026-11-21T09:00:00Z")])).toBe("b");
    expect(deviceInUse([device("a", false, "2026-11-21T10:00:00Z"), device("b", false, "2026-11-21T09:00:00Z")])).toBe("a");
    expect(deviceInUse([])).toBeNull();
  });

  it("[S10] quiet hours that wrap midnight, and when they end", () => {
    const p = prefs({ quietHours: { start: "22:00", end: "07:00" } }, "Europe/Paris");
    expect(quietHours(p, Date.parse("2026-11-21T22:30:00Z"))).toEqual({ quiet: true, endsAt: Date.parse("2026-11-22T06:00:00Z") });
    expect(quietHours(p, Date.parse("2026-11-21T05:30:00Z"))).toEqual({ quiet: true, endsAt: Date.parse("2026-11-21T06:00:00Z") });
    expect(quietHours(p, Date.parse("2026-11-21T12:00:00Z")).quiet).toBe(false);
    expect(shouldPush(p, "reminder", Date.parse("2026-11-21T22:30:00Z"))).toEqual({ push: false, why: "quiet" });
    expect(shouldPush(prefs({ quietHours: null, reminders: false }), "reminder", 0)).toEqual({ push: false, why: "disabled" });
    expect(shouldPush(prefs({ quietHours: null }), "assistant", 0)).toEqual({ push: true });
  });

  it("[S5] the next plan time skips days off and honours the zone", () => {
    const p: Preferences = { ...prefs({ dailyPlan: true, dailyPlanTime: "09:30" }, "America/New_York") };
    // Saturday 21 Nov 2026: next work day is Monday 23 Nov, 09:30 EST = 14:30Z.
    expect(new Date(nextPlanTime(p, Date.parse("2026-11-21T12:00:00Z"))!).toISOString()).toBe("2026-11-23T14:30:00.000Z");
    expect(nextPlanTime(prefs({ dailyPlan: false }), 0)).toBeNull();
  });

  it("[S7] a date whose plan failed does not wake the alarm again and again", () => {
    const state = { ...INITIAL_PROJECTION, preferences: prefs({ dailyPlan: true, dailyPlanTime: "09:30", quietHours: null }) };
    const monday = Date.parse("2026-11-23T10:00:00Z");
    expect(nextWake(state, monday, monday + 3_600_000, false)).toBe(monday);
    expect(nextWake(state, monday, monday + 3_600_000, false, "2026-11-23")).toBe(monday + 3_600_000);
  });

  it("[S7] a model's plan must be strict JSON: one retry, then a clear failure", async () => {
    const input = { tasks: [], memories: [], preferences: prefs(), now: Date.parse("2026-11-23T09:00:00Z") };
    const good = '{"priorities":["Ship it"],"todos":["Email Ann"],"note":"Focus before noon."}';
    /** The user's turn of each call, as the model received it. */
    const asked = (calls: LanguageModelV4CallOptions[]) => calls.map((c) => JSON.stringify(c.prompt.filter((m) => m.role === "user")));

    const retriedCalls: LanguageModelV4CallOptions[] = [];
    const retried = await modelDraft(scriptedModel([{ text: ["Sure! Here is your plan:"] }, { text: [good] }], retriedCalls), input, 1024);
    expect(retried).toEqual({ ok: true, value: { priorities: ["Ship it"], todos: ["Email Ann"], note: "Focus before noon." } });
    // The retry tells the model what was wrong with its answer.
    expect(retriedCalls).toHaveLength(2);
    expect(asked(retriedCalls)[0]).not.toContain("rejected");
    expect(asked(retriedCalls)[1]).toContain("Your last answer was rejected (not JSON)");

    // One retry, not two: a model that keeps answering badly is asked exactly twice.
    const brokenCalls: LanguageModelV4CallOptions[] = [];
    const broken = await modelDraft(scriptedModel([{ text: ['{"priorities": "not a list"}'] }], brokenCalls), input, 1024);
    expect(broken).toMatchObject({ ok: false, error: { code: "internal", message: expect.stringContaining("could not produce a valid plan") } });
    expect(brokenCalls).toHaveLength(2);

    // A call that fails outright is retried the same way, once.
    const flakyCalls: LanguageModelV4CallOptions[] = [];
    const flaky = await modelDraft(scriptedModel([{ fail: "upstream went away" }, { text: [good] }], flakyCalls), input, 1024);
    expect(flaky).toMatchObject({ ok: true });
    expect(flakyCalls).toHaveLength(2);
    const downCalls: LanguageModelV4CallOptions[] = [];
    expect(await modelDraft(scriptedModel([{ fail: "upstream went away" }], downCalls), input, 1024)).toMatchObject({ ok: false, error: { message: expect.stringContaining("the model did not answer") } });
    expect(downCalls).toHaveLength(2);
  });
});
