/** Threads and branches in the chat view (docs/PROTOCOL.md W90–W93): which messages a thread shows, and the one path through its branches. */
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/domain.ts";
import { branchPath, choicesFor, messagesOf } from "../../web/components/chat/branches.ts";
import { chatRows, type RowsInput } from "../../web/components/chat/chat-rows.ts";
import { ChatSearchSchema } from "../../shared/search.ts";

let clock = 0;
const at = () => new Date(Date.parse("2026-11-25T09:00:00.000Z") + 1000 * clock++).toISOString();
const user = (id: string, turnId: string, over: Partial<Message> = {}): Message => ({ id, role: "user", text: id, channel: "chat", turnId, status: "complete", createdAt: at(), ...over });
const reply = (id: string, turnId: string, over: Partial<Message> = {}): Message => ({ id, role: "assistant", text: id, channel: "chat", turnId, status: "complete", createdAt: at(), ...over });
const ids = (messages: readonly Message[], choices?: Map<string, string>) => branchPath(messages, choices).steps.flatMap((s) => [s.message.id, s.reply?.message?.id ?? `(${s.reply?.turnId ?? "-"})`]);
const input = (over: Partial<RowsInput> = {}): RowsInput => ({ older: [], recent: [], replies: [], outbox: [], sent: [], proposals: [], undoneTurns: [], live: true, now: 0, ...over });

describe("Web — threads and branches", () => {
  it("[W92] messages stored before branches (no parentId) are one line, never siblings, even when a question came before the previous reply", () => {
    const messages = [user("u1", "t1"), user("u2", "t2"), reply("a1", "t1"), reply("a2", "t2"), user("u3", "t3"), reply("a3", "t3")];
    expect(ids(messages)).toEqual(["u1", "a1", "u2", "a2", "u3", "a3"]);
    const path = branchPath(messages);
    expect(path.steps.every((s) => s.fork === undefined && s.replyFork === undefined)).toBe(true);
    expect(path.lastId).toBe("a3");
  });

  it("[W92] an edit is a sibling: the newest shows by default, the picker says 2/2, and choosing 1 shows the old branch with its replies", () => {
    const messages = [
      user("u1", "t1", { parentId: null }),
      reply("a1", "t1", { parentId: "u1" }),
      user("u2", "t2", { parentId: "a1" }),
      reply("a2", "t2", { parentId: "u2" }),
      user("u3", "t3", { parentId: "a2" }),
      reply("a3", "t3", { parentId: "u3" }),
      user("u2e", "t4", { parentId: "a1", editOf: "u2" }),
      reply("a2e", "t4", { parentId: "u2e" }),
    ];
    expect(ids(messages)).toEqual(["u1", "a1", "u2e", "a2e"]);
    const fork = branchPath(messages).steps[1]!.fork!;
    expect(fork).toMatchObject({ index: 2, count: 2, ids: ["u2", "u2e"] });
    const old = new Map([[fork.key, "u2"]]);
    expect(ids(messages, old)).toEqual(["u1", "a1", "u2", "a2", "u3", "a3"]);
    expect(branchPath(messages, old).steps[1]!.fork).toMatchObject({ index: 1, count: 2 });
    // W93: the next message follows the end of what is on screen.
    expect(branchPath(messages).lastId).toBe("a2e");
    expect(branchPath(messages, old).lastId).toBe("a3");
    // A choice that names nothing of that fork (a stale URL, a deleted branch) falls back to the newest.
    expect(ids(messages, new Map([[fork.key, "nope"]]))).toEqual(["u1", "a1", "u2e", "a2e"]);
    // The older version continued later is the newest branch: it shows by default (after a reload too).
    const continued = [...messages, user("u4", "t5", { parentId: "a3" })];
    expect(ids(continued)).toEqual(["u1", "a1", "u2", "a2", "u3", "a3", "u4", "(t5)"]);
    expect(branchPath(continued).steps[1]!.fork).toMatchObject({ index: 1, count: 2 });
  });

  it("[W93] a regenerated reply is a sibling of the first; running, it shows as its turn; stored from a frame (no parentId) it is found by turn", () => {
    const base = [user("u1", "t1", { parentId: null }), reply("a1", "t1", { parentId: "u1" })];
    const running = branchPath(base, new Map(), [{ turnId: "t2", messageId: "u1" }]);
    expect(running.steps[0]!.reply).toEqual({ key: "turn:t2", turnId: "t2" });
    expect(running.steps[0]!.replyFork).toMatchObject({ index: 2, count: 2, ids: ["a1", "turn:t2"] });
    expect(running.lastId).toBe("u1");
    const fromFrame = [...base, reply("a2", "t2")];
    const stored = branchPath(fromFrame, new Map(), [{ turnId: "t2", messageId: "u1" }]);
    expect(stored.steps[0]!.replyFork).toMatchObject({ index: 2, count: 2, ids: ["a1", "a2"] });
    // Flipping back to the first reply shows what followed it.
    const more = [...base, user("u2", "t3", { parentId: "a1" }), reply("a3", "t3", { parentId: "u2" }), reply("a2", "t2", { parentId: "u1" })];
    expect(ids(more)).toEqual(["u1", "a2"]);
    expect(ids(more, new Map([["reply:u1", "a1"]]))).toEqual(["u1", "a1", "u2", "a3"]);
  });

  it("[W93] a question sent before the previous reply came follows that question and is no alternative to its reply", () => {
    const messages = [user("u1", "t1", { parentId: null }), user("u2", "t2", { parentId: "u1" }), reply("a1", "t1", { parentId: "u1" }), reply("a2", "t2", { parentId: "u2" })];
    expect(ids(messages)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(branchPath(messages).steps.every((s) => !s.fork && !s.replyFork)).toBe(true);
  });

  it("[W95] a link to a message on a branch not shown picks the choices that show it, up through its ancestors", () => {
    const messages = [
      user("u1", "t1", { parentId: null }),
      reply("a1", "t1", { parentId: "u1" }),
      reply("a1b", "t9", { parentId: "u1" }),
      user("u2", "t2", { parentId: "a1" }),
      reply("a2", "t2", { parentId: "u2" }),
      user("u2e", "t3", { parentId: "a1", editOf: "u2" }),
      user("u3", "t4", { parentId: "a1b" }),
    ];
    expect(ids(messages)).toEqual(["u1", "a1b", "u3", "(t4)"]);
    const choices = choicesFor(messages, "a2");
    expect(ids(messages, choices)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(ids(messages, choicesFor(messages, "u2e"))).toEqual(["u1", "a1", "u2e", "(t3)"]);
  });

  it("[W91] a message listed twice (overlapping pages) is one message, never a fork with itself", () => {
    const messages = [user("u1", "t1", { parentId: null }), reply("a1", "t1", { parentId: "u1" }), user("u2", "t2", { parentId: "a1" })];
    const twice = [...messages, ...messages];
    expect(ids(twice)).toEqual(["u1", "a1", "u2", "(t2)"]);
    expect(branchPath(twice).steps.every((s) => !s.fork && !s.replyFork)).toBe(true);
  });

  it("[W90] a thread shows its own messages: replies placed from a frame go with their question's thread", () => {
    const messages = [
      user("w1", "t1", { conversationId: "work" }),
      reply("wa1", "t1"),
      user("m1", "t2"),
      reply("ma1", "t2"),
      user("p1", "t3", { conversationId: "trip" }),
      reply("pa1", "t3", { conversationId: "trip", parentId: "p1" }),
      reply("pa2", "t9"),
    ];
    expect(messagesOf("work", messages).map((m) => m.id)).toEqual(["w1", "wa1"]);
    expect(messagesOf("trip", messages, [{ turnId: "t9", messageId: "p1" }]).map((m) => m.id)).toEqual(["p1", "pa1", "pa2"]);
    expect(messagesOf("main", messages, [{ turnId: "t9", messageId: "p1" }]).map((m) => m.id)).toEqual(["m1", "ma1"]);
  });

  it("[W92] chat rows carry the forks and the ids an edit and a regenerate name; a live reply of an abandoned branch is not shown at the end", () => {
    const recent = [user("u1", "t1", { parentId: null }), reply("a1", "t1", { parentId: "u1" }), user("u2", "t2", { parentId: "a1" }), user("u2e", "t3", { parentId: "a1", editOf: "u2" })];
    const rows = chatRows(input({ recent, replies: [{ turnId: "t2", text: "old", status: "streaming", actions: [] }, { turnId: "t3", text: "new", status: "streaming", actions: [] }] }));
    expect(rows.map((r) => `${r.kind}:${r.text}`)).toEqual(["user:u1", "assistant:a1", "user:u2e", "assistant:new"]);
    const edited = rows[2]!;
    expect(edited.kind === "user" && edited.fork).toMatchObject({ index: 2, count: 2 });
    expect(edited.kind === "user" && edited.messageId).toBe("u2e");
    const answer = rows[3]!;
    expect(answer.kind === "assistant" && answer.questionId).toBe("u2e");
  });

  it("[W95] the chat's link names a thread and a message; a bad value is dropped, never thrown; turn stays", () => {
    expect(ChatSearchSchema.parse({ c: "work-1", message: "m1", turn: "t1" })).toEqual({ c: "work-1", message: "m1", turn: "t1" });
    expect(ChatSearchSchema.parse({ c: "../etc", message: "x".repeat(500) })).toEqual({ c: undefined, message: undefined, turn: undefined });
  });
});
