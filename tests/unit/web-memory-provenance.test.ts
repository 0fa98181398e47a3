/** The memory view's words for a memory's origin, last use and link (docs/PROTOCOL.md Y2, W106). */
import { describe, expect, it } from "vitest";
import { lastUsedOf, messageHref, provenanceOf, uuidV7Time } from "../../web/components/memory/provenance.ts";
import type { Memory, Message } from "../../shared/domain.ts";
import { formatAgo } from "../../shared/format.ts";
import { LedgerEventSchema } from "../../shared/events.ts";
import { activityRows } from "../../web/lib/activity.ts";

const base: Memory = { id: "m1", type: "place", key: "home airport", value: "JFK", pinnedAt: "2026-11-20T10:00:00.000Z", updatedAt: "2026-11-20T10:00:00.000Z" };
const trip = { id: "trip", title: "Trip", createdAt: "2026-11-01T00:00:00.000Z", updatedAt: "2026-11-01T00:00:00.000Z", archived: false };
const said: Message = { id: "msg-1", role: "user", text: "I fly out of JFK", channel: "chat", status: "complete", createdAt: "2026-11-19T15:00:00.000Z", conversationId: "trip" };
const NOW = Date.parse("2026-11-25T10:00:00.000Z");

describe("Memory view — provenance (Y2, W106)", () => {
  it("[W106] a noticed memory names the message's conversation and time and links to it", () => {
    const m: Memory = { ...base, source: { kind: "message", messageId: "msg-1", conversationId: "trip", turnId: "t1", proposalId: "p1" } };
    expect(provenanceOf(m, { conversations: [trip], messages: [said], timeZone: "America/New_York" })).toEqual({
      text: "From your message in Trip, Nov 19, 10:00 AM",
      href: "/chat?c=trip&message=msg-1",
    });
  });

  it("[W106] an archived message's time comes from its uuid v7 id; main is named Chat", () => {
    const hex = Date.parse("2026-11-19T13:29:00.000Z").toString(16).padStart(12, "0");
    const id = `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-000000000000`;
    expect(new Date(uuidV7Time(id)!).toISOString()).toBe("2026-11-19T13:29:00.000Z");
    const m: Memory = { ...base, source: { kind: "message", messageId: id } };
    expect(provenanceOf(m, { conversations: [], messages: [], timeZone: "UTC" })).toEqual({ text: "From your message in Chat, Nov 19, 1:29 PM", href: messageHref("main", id) });
    expect(uuidV7Time("not-a-uuid")).toBeNull();
  });

  it("[W106] pinned by hand, imported, and older memories without a source", () => {
    const ctx = { conversations: [], messages: [], timeZone: "UTC" };
    expect(provenanceOf({ ...base, source: { kind: "user", deviceId: "phone" } }, ctx)).toEqual({ text: "You pinned it" });
    expect(provenanceOf(base, ctx)).toEqual({ text: "You pinned it" });
    expect(provenanceOf({ ...base, source: { kind: "import" } }, ctx)).toEqual({ text: "Imported with your data" });
    expect(provenanceOf({ ...base, source: { kind: "turn", turnId: "t" } }, ctx)).toEqual({ text: "The assistant noted it when you asked" });
  });

  it("[W106] a memory from a deleted conversation says so, with no link", () => {
    const m: Memory = { ...base, source: { kind: "message", messageId: "msg-1", conversationId: "gone", turnId: "t1", proposalId: "p1" } };
    const ctx = { conversations: [trip], messages: [], timeZone: "UTC" };
    const hex = Date.parse("2026-11-19T13:29:00.000Z").toString(16).padStart(12, "0");
    const id = `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-000000000000`;
    expect(provenanceOf({ ...m, source: { kind: "message", messageId: id, conversationId: "gone" } }, ctx)).toEqual({ text: "From a deleted conversation, Nov 19, 1:29 PM" });
    expect(provenanceOf({ ...m, source: { kind: "turn", turnId: "t", messageId: id, conversationId: "gone" } }, ctx)).toEqual({ text: "Noted when you asked, in a deleted conversation, Nov 19, 1:29 PM" });
    // main always exists, and a listed conversation (archived too) still links.
    expect(provenanceOf({ ...m, source: { kind: "message", messageId: id, conversationId: "main" } }, ctx).href).toBe(messageHref("main", id));
    expect(provenanceOf(m, { ...ctx, conversations: [{ ...trip, id: "gone", archived: true }] }).href).toBe("/chat?c=gone&message=msg-1");
    // A state that lists no conversations at all cannot tell: the link stays.
    expect(provenanceOf(m, { conversations: undefined, messages: [], timeZone: "UTC" }).href).toBe("/chat?c=gone&message=msg-1");
  });

  it("[W106] last used, relative", () => {
    expect(lastUsedOf(base, NOW, "UTC")).toBe("Not used yet");
    expect(lastUsedOf({ ...base, lastUsedAt: "2026-11-25T07:00:00.000Z" }, NOW, "UTC")).toBe("Last used 3 hours ago");
    expect(formatAgo("2026-11-25T09:59:30.000Z", NOW, "UTC")).toBe("just now");
    expect(formatAgo("2026-11-25T09:59:00.000Z", NOW, "UTC")).toBe("1 minute ago");
    expect(formatAgo("2026-11-23T09:00:00.000Z", NOW, "UTC")).toBe("2 days ago");
    expect(formatAgo("2026-11-01T15:00:00.000Z", NOW, "America/New_York")).toBe("Nov 1, 10:00 AM");
  });
});

describe("Activity — a memory that expired (Y5)", () => {
  it("[Y5] the room's unpin of an expired memory says so", () => {
    const event = LedgerEventSchema.parse({
      id: "0192f0a0-0000-7000-8000-000000000001",
      seq: 1,
      ts: "2026-11-25T15:00:00.000Z",
      actor: { kind: "system" },
      correlationId: "req",
      type: "memory.unpinned",
      payload: { memoryId: "m-1", slot: "fact:hotel", reason: "expired" },
    });
    const ctx = { due: (v: string) => v, day: (v: string) => v, thisDevice: "x", deviceName: () => null, taskTitle: () => null, noteTitle: () => null };
    expect(activityRows([event], ctx).map((r) => `${r.who} ${r.what}`)).toEqual(["Micro CoS forgot “hotel” — it expired"]);
  });
});
