/**
 * A reply's action cards are part of the reply (docs/PROTOCOL.md C16, C17):
 * stored with the message, served with it by the state, backfill and history
 * paging, with their current status — what a reload or a device that joins
 * later sees. Over the room core in Node (tests/support/fake-room.ts).
 */
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { describe, expect, it, vi } from "vitest";
import { maintain } from "../../party/chat/retention.ts";
import { PROPOSAL_TTL_MS } from "../../party/chat/store.ts";
import { BrainStateSchema, HistoryPageSchema } from "../../shared/api.ts";
import { type ActionCard, AcceptedSchema } from "../../shared/chat.ts";
import type { Message } from "../../shared/domain.ts";
import { parseLedgerEvent } from "../../shared/events.ts";
import { mergeCards, replyCards } from "../../web/lib/cards.ts";
import { gatedModel, scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

const createTask = (title: string) => ({ type: "task", command: { action: "create", task: { title } } }) as const;

async function get<T>(room: FakeRoom, path: string, schema: { parse(v: unknown): T }): Promise<T> {
  const res = await room.room.request(new Request(`http://room.test${path}`), `req-${path}`);
  expect(res.status).toBe(200);
  return schema.parse(await res.json());
}

/** What a reload shows: a fresh GET /api/v1/state. */
const stateOf = (room: FakeRoom) => get(room, "/api/v1/state", BrainStateSchema);
const historyOf = (room: FakeRoom, query = "") => get(room, `/api/v1/messages${query}`, HistoryPageSchema);

const replyTo = (messages: Message[], turnId: string) => messages.find((m) => m.role === "assistant" && m.turnId === turnId);
const statuses = (cards: ActionCard[] | undefined) => (cards ?? []).map((c) => [c.tool, c.status]);

let turns = 0;
async function turn(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  const rid = `m-${++turns}`;
  device.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const ack = device.of("ack").find((f) => f.rid === rid);
  const accepted = AcceptedSchema.safeParse(ack?.result);
  if (!accepted.success) throw new Error(`no turn for “${text}”: ${JSON.stringify(device.received.at(-1))}`);
  return accepted.data.turnId;
}

function laptop(room = new FakeRoom()): { room: FakeRoom; a: FakeSocket } {
  const a = room.connect();
  a.hello("laptop");
  room.flush();
  return { room, a };
}

/** A reply that proposes deleting “Old report”; returns the turn and the proposal. */
async function proposeDelete(room: FakeRoom, a: FakeSocket): Promise<{ turnId: string; proposalId: string }> {
  a.sendFrame(createTask("Old report"));
  room.flush();
  const turnId = await turn(room, a, "delete old report");
  const proposalId = a.of("llm.action").find((f) => f.turnId === turnId && f.action.status === "proposed")?.action.proposalId;
  if (!proposalId) throw new Error("the offline assistant proposed nothing");
  return { turnId, proposalId };
}

describe("Chat history — a reply's action cards are part of it", () => {
  it("[C16] a reply's cards survive a reload, reach a device that joins later, and come with history paging", async () => {
    const { room, a } = laptop();
    const turnId = await turn(room, a, "remind me to call John tomorrow at 3pm");
    const live = a.of("llm.action").filter((f) => f.turnId === turnId).map((f) => [f.action.tool, f.action.status]);
    expect(live).toEqual([["create_task", "done"], ["set_reminder", "done"]]);

    // A reload: the state alone, no live frame.
    expect(statuses(replyTo((await stateOf(room)).recentMessages, turnId)?.actions)).toEqual(live);
    // A device that joins later and backfills from zero: the stored event carries the cards.
    const later = room.connect();
    later.hello("phone", { lastEventSeq: 0 });
    const stored = later
      .of("events")
      .flatMap((f) => f.events)
      .map(parseLedgerEvent)
      .find((e) => e?.type === "message.added" && e.payload.message.role === "assistant");
    expect(stored?.type === "message.added" ? statuses(stored.payload.message.actions) : null).toEqual(live);
    // History paging.
    expect(statuses(replyTo((await historyOf(room)).messages, turnId)?.actions)).toEqual(live);
  });

  it("[C17] a proposal confirmed later shows confirmed after a reload, on a later device, in history and on replay — once, not twice", async () => {
    const { room, a } = laptop();
    const { turnId, proposalId } = await proposeDelete(room, a);
    expect(statuses(replyTo((await stateOf(room)).recentMessages, turnId)?.actions)).toEqual([["delete_task", "proposed"]]);
    const seqBefore = room.room.ledger.lastSeq;

    a.sendFrame({ type: "proposal.confirm", rid: "c", proposalId });
    room.flush();
    expect(a.of("ack").find((f) => f.rid === "c")).toBeTruthy();

    const cards = replyTo((await stateOf(room)).recentMessages, turnId)?.actions;
    expect(statuses(cards)).toEqual([["delete_task", "confirmed"]]);
    expect(cards?.[0]?.proposalId).toBe(proposalId);
    expect(statuses(replyTo((await historyOf(room)).messages, turnId)?.actions)).toEqual([["delete_task", "confirmed"]]);
    // A device that was away when it was confirmed backfills the change as the confirmation's event (C17: no other).
    const phone = room.connect();
    phone.hello("phone", { lastEventSeq: seqBefore });
    const missed = phone.of("events").flatMap((f) => f.events).map(parseLedgerEvent);
    expect(missed.find((e) => e?.type === "proposal.confirmed")?.payload).toEqual({ proposalId, turnId, tool: "delete_task" });
    // The live state is the ledger replayed from zero (L5).
    expect(room.room.ledger.replayFromZero().recentMessages).toEqual(room.room.ledger.state.recentMessages);
  });

  it("[C17][D18] undoing a turn cancels its pending proposal: its stored card shows rejected after a reload, in history and on replay", async () => {
    const { room, a } = laptop();
    const { turnId, proposalId } = await proposeDelete(room, a);
    a.sendFrame({ type: "undo", rid: "u", command: { turnId } });
    room.flush();
    expect(a.of("ack").find((f) => f.rid === "u")).toBeTruthy();
    expect(room.room.chat.store.proposal(proposalId)?.status).toBe("rejected");

    const state = await stateOf(room);
    expect(state.proposals.map((p) => p.id)).not.toContain(proposalId);
    expect(statuses(replyTo(state.recentMessages, turnId)?.actions)).toEqual([["delete_task", "rejected"]]);
    expect(statuses(replyTo((await historyOf(room)).messages, turnId)?.actions)).toEqual([["delete_task", "rejected"]]);
    expect(room.room.ledger.replayFromZero().recentMessages).toEqual(room.room.ledger.state.recentMessages);
  });

  it("[C17] a rejected proposal shows rejected, a late confirm shows expired, and one left past its time shows expired", async () => {
    const { room, a } = laptop();
    const rejected = await proposeDelete(room, a);
    a.sendFrame({ type: "proposal.reject", rid: "r", proposalId: rejected.proposalId });
    room.flush();
    expect(statuses(replyTo((await stateOf(room)).recentMessages, rejected.turnId)?.actions)).toEqual([["delete_task", "rejected"]]);

    const late = await proposeDelete(room, a);
    const untouched = await proposeDelete(room, a);
    room.clock += PROPOSAL_TTL_MS + 1_000;
    a.sendFrame({ type: "proposal.confirm", rid: "late", proposalId: late.proposalId });
    room.flush();
    expect(a.of("error").find((f) => f.rid === "late")).toMatchObject({ code: "conflict" });
    const messages = (await stateOf(room)).recentMessages;
    expect(statuses(replyTo(messages, late.turnId)?.actions)).toEqual([["delete_task", "expired"]]);
    // Nobody clicked: still `proposed` in the ledger, but served as it stands now.
    expect(statuses(replyTo(messages, untouched.turnId)?.actions)).toEqual([["delete_task", "expired"]]);
    expect(statuses(replyTo((await historyOf(room)).messages, untouched.turnId)?.actions)).toEqual([["delete_task", "expired"]]);
    expect(room.room.ledger.replayFromZero().recentMessages).toEqual(room.room.ledger.state.recentMessages);
  });

  it("[C12][C17] an archived reply keeps its cards and their status, whether it was settled before or after it was archived", async () => {
    const { room, a } = laptop();
    const before = await proposeDelete(room, a);
    a.sendFrame({ type: "proposal.reject", rid: "r", proposalId: before.proposalId });
    room.flush();
    const after = await proposeDelete(room, a);
    // 100 newer messages push both replies out of the hot set, into the archive.
    for (let i = 0; i < 100; i++) {
      room.clock += 1_000;
      room.room.ledger.append({ type: "message.added", actor: { kind: "system" }, correlationId: "fill", payload: { message: { id: `fill-${i}`, role: "user", text: `note ${i}`, channel: "chat", status: "complete", createdAt: new Date(room.clock).toISOString() } } });
    }
    const done = maintain({ sql: room.sql, ledger: room.room.ledger, store: room.room.chat.store, now: room.clock });
    expect(done.archived).toBeGreaterThanOrEqual(4);
    expect(replyTo(room.room.ledger.state.recentMessages, after.turnId)).toBeUndefined();

    a.sendFrame({ type: "proposal.confirm", rid: "c", proposalId: after.proposalId });
    room.flush();
    const pages: Message[] = [];
    for (let cursor = ""; ; ) {
      const page = await historyOf(room, `?limit=50${cursor}`);
      pages.push(...page.messages);
      if (!page.nextBefore) break;
      cursor = `&before=${encodeURIComponent(page.nextBefore)}`;
    }
    expect(statuses(replyTo(pages, before.turnId)?.actions)).toEqual([["delete_task", "rejected"]]);
    expect(statuses(replyTo(pages, after.turnId)?.actions)).toEqual([["delete_task", "confirmed"]]);
  });

  it("[C16][C17] a proposal confirmed while its reply still streams is stored confirmed, as one card", async () => {
    const room = new FakeRoom();
    const gate = gatedModel();
    const first = scriptedModel([{ toolCalls: [{ name: "delete_task", input: { title: "Old report" } }] }]);
    let step = 0;
    const model: LanguageModelV4 = { ...gate.model, doStream: (call) => (step++ === 0 ? first.doStream(call) : gate.model.doStream(call)) };
    room.room.chat.useModel(() => model);
    const { a } = laptop(room);
    a.sendFrame(createTask("Old report"));
    a.sendFrame({ type: "message.send", rid: "m", command: { text: "delete old report" } });
    room.flush();
    await gate.ready;
    room.flush();
    const proposed = a.of("llm.action").find((f) => f.action.status === "proposed");
    expect(proposed?.action.proposalId).toBeTruthy();
    a.sendFrame({ type: "proposal.confirm", rid: "c", proposalId: proposed!.action.proposalId! });
    room.flush();
    gate.push("Asked", " you.");
    gate.end();
    await room.room.chat.idle();
    room.flush();
    await vi.waitFor(() => expect(a.of("llm.completed")).toHaveLength(1));
    const cards = replyTo((await stateOf(room)).recentMessages, proposed!.turnId)?.actions;
    expect(statuses(cards)).toEqual([["delete_task", "confirmed"]]);
  });
});

describe("Chat history — the web shows each card once, as it stands", () => {
  const proposed: ActionCard = { id: "call-1", tool: "delete_task", status: "proposed", summary: "Delete “Old report”?", proposalId: "p1", expiresAt: "2026-11-25T10:10:00.000Z" };
  const confirmed: ActionCard = { id: "p1", tool: "delete_task", status: "confirmed", summary: "Delete “Old report”?", proposalId: "p1" };
  const done: ActionCard = { id: "call-0", tool: "create_task", status: "done", summary: "Added “Old report”" };
  const now = Date.parse("2026-11-25T10:05:00.000Z");

  it("[C17] a proposal's settled card replaces its proposed one, in place, whichever copy arrives last", () => {
    expect(mergeCards([done, proposed], [confirmed])).toEqual([done, confirmed]);
    // A state read before the confirmation, arriving after the live frame, does not bring the Confirm button back.
    expect(replyCards([done, proposed], [confirmed], [], now)).toEqual([done, confirmed]);
    expect(replyCards([done, confirmed], [proposed], [], now)).toEqual([done, confirmed]);
  });

  it("[C16] a reply stored before cards were kept still shows its pending proposal; one past its time shows expired", () => {
    const pending = [{ id: "p1", turnId: "t1", tool: "delete_task", summary: "Delete “Old report”?", expiresAt: "2026-11-25T10:10:00.000Z" }];
    expect(replyCards(undefined, undefined, pending, now).map((c) => c.status)).toEqual(["proposed"]);
    expect(replyCards([proposed], undefined, pending, now)).toEqual([proposed]);
    expect(replyCards([proposed], undefined, [], Date.parse("2026-11-25T10:11:00.000Z")).map((c) => c.status)).toEqual(["expired"]);
  });
});
