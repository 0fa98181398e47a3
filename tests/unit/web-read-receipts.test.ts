/** The follow-up rule (docs/PROTOCOL.md W66): which "assistant replied" notifications a device acknowledges, and when. */
import { describe, expect, it } from "vitest";
import type { Notification } from "../../shared/domain.ts";
import { isAttentive, repliesRead } from "../../web/lib/read-receipts.ts";

const note = (id: string, kind: Notification["kind"], ref: string | null): Notification => ({ id, kind, title: "t", body: "", ref, createdAt: "2026-11-25T10:00:00.000Z" });

describe("Web push — the follow-up rule", () => {
  const inbox = [note("a1", "assistant", "turn-1"), note("a2", "assistant", "turn-2"), note("r1", "reminder", "turn-1"), note("p1", "plan", null)];

  it("[W66] an assistant notification is acknowledged once its reply is shown to an attentive user — only assistant ones, only shown turns, once", () => {
    expect(repliesRead(inbox, new Set(["turn-1"]), true, new Set())).toEqual(["a1"]);
    expect(repliesRead(inbox, new Set(["turn-1", "turn-2"]), true, new Set(["a1"]))).toEqual(["a2"]);
    expect(repliesRead(inbox, new Set(), true, new Set())).toEqual([]);
  });

  it("[W66] nothing is acknowledged while the page is hidden or not focused", () => {
    expect(repliesRead(inbox, new Set(["turn-1", "turn-2"]), false, new Set())).toEqual([]);
    expect(isAttentive({ visibilityState: "visible", hasFocus: () => true })).toBe(true);
    expect(isAttentive({ visibilityState: "hidden", hasFocus: () => true })).toBe(false);
    expect(isAttentive({ visibilityState: "visible", hasFocus: () => false })).toBe(false);
  });
});
