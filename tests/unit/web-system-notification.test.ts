/** Where a notification shown by the open app (tab hidden) leads when clicked — the contract's URLs (docs/PROTOCOL.md W62, W67). */
import { describe, expect, it } from "vitest";
import type { Notification } from "../../shared/domain.ts";
import { urlOf } from "../../web/lib/system-notification.ts";

const n = (kind: Notification["kind"], ref: string | null): Notification => ({ id: "n1", kind, title: "t", body: "", ref, createdAt: "2026-11-25T10:00:00.000Z" });

describe("Web push — notifications shown by the open app", () => {
  it("[W62][W67] an assistant reply opens its turn, a reminder its place in Tasks, the rest the chat", () => {
    expect(urlOf(n("assistant", "turn 1"))).toBe("/chat?turn=turn%201");
    expect(urlOf(n("reminder", "r-1"))).toBe("/tasks?reminder=r-1");
    expect(urlOf(n("plan", null))).toBe("/chat");
    expect(urlOf(n("assistant", null))).toBe("/chat");
  });

  it("[N11][W67] a task's reminder opens the task, as its push would: one rule for both", () => {
    expect(urlOf(n("reminder", "r-1"), (id) => (id === "r-1" ? "task-9" : null))).toBe("/tasks?task=task-9");
    expect(urlOf(n("reminder", "r-2"), (id) => (id === "r-1" ? "task-9" : null))).toBe("/tasks?reminder=r-2");
  });
});
