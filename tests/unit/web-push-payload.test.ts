/** The service worker's reading of pushed payloads and the requests its buttons make (docs/PROTOCOL.md W61–W63). */
import { describe, expect, it } from "vitest";
import { actionKey, actionRequest, appPath, DEFAULT_PATH, MAX_PUSH_PAYLOAD_CHARS, notificationOf, readPushPayload } from "../../web/lib/push-payload.ts";
import { ClientActionIdSchema } from "../../shared/commands.ts";

const ORIGIN = "https://cos.example";

describe("Web push — payloads", () => {
  it("[W61] a notification payload becomes showNotification(title, {body, tag: id, data: {id, url}, actions})", () => {
    const payload = readPushPayload(
      JSON.stringify({ type: "notification", id: "n-1", title: "Call Bob", body: "Reminder", url: "/tasks?task=t1", actions: [{ action: "done", title: "Done" }, { action: "snooze", title: "Snooze 10 min" }] }),
    );
    expect(payload?.type).toBe("notification");
    if (payload?.type !== "notification") return;
    const { title, options } = notificationOf(payload, ORIGIN);
    expect(title).toBe("Call Bob");
    expect(options).toMatchObject({ body: "Reminder", tag: "n-1", data: { id: "n-1", url: "/tasks?task=t1" } });
    expect(options.actions).toEqual([{ action: "done", title: "Done" }, { action: "snooze", title: "Snooze 10 min" }]);
  });

  it("[W61] a payload without actions shows none; a cleared payload names the tag to close", () => {
    const plain = readPushPayload(JSON.stringify({ type: "notification", id: "n-2", title: "Your reply is ready", body: "" }));
    if (plain?.type !== "notification") throw new Error("expected a notification");
    expect(notificationOf(plain, ORIGIN).options.actions).toBeUndefined();
    expect(notificationOf(plain, ORIGIN).options.data).toEqual({ id: "n-2", url: DEFAULT_PATH });
    expect(readPushPayload(JSON.stringify({ type: "cleared", id: "n-2" }))).toEqual({ type: "cleared", id: "n-2" });
  });

  it("[W61] what is not a payload is refused before or by the schema, never thrown", () => {
    expect(readPushPayload(null)).toBeNull();
    expect(readPushPayload("not json")).toBeNull();
    expect(readPushPayload(JSON.stringify({ type: "mystery", id: "x" }))).toBeNull();
    expect(readPushPayload(JSON.stringify({ type: "notification", id: "", title: "t", body: "" }))).toBeNull();
    expect(readPushPayload(JSON.stringify({ type: "notification", id: "n", title: "t", body: "", actions: [{ action: "delete", title: "Delete" }] }))).toBeNull();
    const long = JSON.stringify({ type: "notification", id: "n", title: "t", body: "x".repeat(MAX_PUSH_PAYLOAD_CHARS) });
    expect(readPushPayload(long)).toBeNull();
  });

  it("[W62] a payload's URL opens only a path of the app itself", () => {
    expect(appPath("/chat?turn=abc", ORIGIN)).toBe("/chat?turn=abc");
    expect(appPath("/tasks?task=t1#x", ORIGIN)).toBe("/tasks?task=t1#x");
    for (const hostile of ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/api/v1/state", "tasks", undefined]) expect(appPath(hostile, ORIGIN)).toBe(DEFAULT_PATH);
  });

  it("[W62][H7] a button's request: done and ack without a body, snooze 10 minutes, under one key per notification and action", () => {
    expect(actionRequest("n-1", "done")).toEqual({ path: "/api/v1/notifications/n-1/done" });
    expect(actionRequest("n-1", "ack")).toEqual({ path: "/api/v1/notifications/n-1/ack" });
    expect(actionRequest("n-1", "snooze")).toEqual({ path: "/api/v1/notifications/n-1/snooze", body: { minutes: 10 } });
    expect(actionKey("n-1", "done")).toBe(actionKey("n-1", "done"));
    expect(actionKey("n-1", "done")).not.toBe(actionKey("n-1", "snooze"));
    expect(actionKey("n-1", "done")).not.toBe(actionKey("n-2", "done"));
    // The server's own schema for the key accepts it, whatever the id holds.
    for (const id of ["0193c7a8-1b2c-7d3e-8f90-123456789abc", "a b/c?d", "x".repeat(200)]) expect(ClientActionIdSchema.safeParse(actionKey(id, "snooze")).success).toBe(true);
  });
});
