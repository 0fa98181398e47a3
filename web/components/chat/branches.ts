/**
 * Branches of a conversation as the chat shows them (docs/PROTOCOL.md W92–W94):
 * which messages belong to the thread on screen, and the one path through its
 * tree — at every fork the sibling the user chose, else the newest. Plain
 * code, tested in Node (tests/unit/web-branches.test.ts).
 *
 * The tree (T-rules of the room): a user message names the message it follows
 * (`parentId`: the reply it answers, or a user message sent before that one's
 * reply; `null` first of its conversation; ABSENT on messages stored before
 * branches, which follow the previous user message — never siblings). An edit
 * is a user message with the same parent as the edited one. A reply names its
 * user message; a regenerated reply is another reply of the same user message
 * (its own turn). Replies placed from a frame, before their event, carry no
 * `parentId`: they are found by turn (the user message's turn, or a
 * regeneration this device asked for).
 */
import { conversationOf } from "../../../shared/conversations.ts";
import type { Message } from "../../../shared/domain.ts";

/** A fork shown by the branch picker: this message is `index` (1-based) of `count` siblings. */
export type Fork = { key: string; index: number; count: number; ids: readonly string[] };

/** A reply of a user message: stored (`message`) or still running (its turn only). */
export type ReplyEntry = { key: string; turnId: string; message?: Message };

export type PathStep = { message: Message; fork?: Fork; reply?: ReplyEntry; replyFork?: Fork };

export type BranchPath = {
  steps: PathStep[];
  /** W93: the newest stored message on screen — the `parentId` of the next message sent. */
  lastId: string | undefined;
  /** Turns answered on this path or elsewhere in this conversation (a live reply of one is no orphan). */
  turns: ReadonlySet<string>;
};

/** A regeneration this device asked for, accepted (its ack): the new turn answers `messageId`. */
export type Regeneration = { turnId: string; messageId: string };

const ROOT = "root";

/** The user message a reply answers, or undefined when that message is not loaded. */
function ownerOf(reply: Message, byId: ReadonlyMap<string, Message>, userByTurn: ReadonlyMap<string, string>, regenerated: ReadonlyMap<string, string>): string | undefined {
  if (typeof reply.parentId === "string" && byId.get(reply.parentId)?.role === "user") return reply.parentId;
  if (!reply.turnId) return undefined;
  const owner = userByTurn.get(reply.turnId) ?? regenerated.get(reply.turnId);
  return owner !== undefined && byId.has(owner) ? owner : undefined;
}

/**
 * W90: the messages of one conversation. A reply without a conversation (placed from its `llm.completed`
 * frame before its event) belongs where its user message is.
 */
export function messagesOf(conversationId: string, messages: readonly Message[], regenerations: readonly Regeneration[] = []): Message[] {
  const conversationOfTurn = new Map<string, string>();
  const conversationOfMessage = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== "user") continue;
    conversationOfMessage.set(m.id, conversationOf(m));
    if (m.turnId) conversationOfTurn.set(m.turnId, conversationOf(m));
  }
  for (const r of regenerations) {
    const c = conversationOfMessage.get(r.messageId);
    if (c !== undefined) conversationOfTurn.set(r.turnId, c);
  }
  return messages.filter((m) => {
    if (m.role === "user" || m.conversationId !== undefined) return conversationOf(m) === conversationId;
    const byParent = typeof m.parentId === "string" ? conversationOfMessage.get(m.parentId) : undefined;
    const byTurn = m.turnId ? conversationOfTurn.get(m.turnId) : undefined;
    return (byParent ?? byTurn ?? conversationOf(m)) === conversationId;
  });
}

const forkOf = (key: string, ids: readonly string[], chosen: string): Fork | undefined => (ids.length > 1 ? { key, index: ids.indexOf(chosen) + 1, count: ids.length, ids } : undefined);

type Tree = {
  byId: ReadonlyMap<string, Message>;
  users: readonly Message[];
  /** Replies of each user message: the first turn (placeholder while it runs), the stored ones, then regenerations still running. */
  replies: ReadonlyMap<string, ReplyEntry[]>;
  /** User messages under each message (a reply, a user message) or ROOT, in stored order. */
  children: ReadonlyMap<string, string[]>;
  /** The user message each placed reply answers; the message (or ROOT) each user message hangs under. */
  ownerOfReply: ReadonlyMap<string, string>;
  parentOfUser: ReadonlyMap<string, string>;
  turns: ReadonlySet<string>;
};

function treeOf(all: readonly Message[], regenerations: readonly Regeneration[]): Tree {
  // A message listed twice (a page overlapping another) is one message: the first place, the last content.
  const byId = new Map(all.map((m) => [m.id, m]));
  const listed = new Set<string>();
  const messages = all.flatMap((m) => (listed.has(m.id) ? [] : (listed.add(m.id), [byId.get(m.id)!])));
  const users = messages.filter((m) => m.role === "user");
  const userByTurn = new Map(users.flatMap((u) => (u.turnId ? [[u.turnId, u.id] as const] : [])));
  const regenerated = new Map(regenerations.map((r) => [r.turnId, r.messageId]));
  const replies = new Map<string, ReplyEntry[]>(users.map((u) => [u.id, []]));
  const ownerOfReply = new Map<string, string>();
  const storedTurns = new Set<string>();
  for (const m of messages) {
    if (m.role !== "assistant") continue;
    const owner = ownerOf(m, byId, userByTurn, regenerated);
    if (owner === undefined) continue;
    replies.get(owner)?.push({ key: m.id, turnId: m.turnId ?? "", message: m });
    ownerOfReply.set(m.id, owner);
    if (m.turnId) storedTurns.add(m.turnId);
  }
  for (const u of users) {
    if (u.turnId && !storedTurns.has(u.turnId)) replies.get(u.id)?.unshift({ key: `turn:${u.turnId}`, turnId: u.turnId });
  }
  for (const r of regenerations) {
    if (!storedTurns.has(r.turnId) && r.turnId !== byId.get(r.messageId)?.turnId) replies.get(r.messageId)?.push({ key: `turn:${r.turnId}`, turnId: r.turnId });
  }
  // Who follows what: a user message hangs under the message it names (a reply or a user message), legacy
  // ones under the previous user message; an unknown or unplaced parent makes it a first message.
  const children = new Map<string, string[]>();
  const parentOfUser = new Map<string, string>();
  let previousUser: string | undefined;
  for (const u of users) {
    let parent: string;
    if (u.parentId === undefined) parent = previousUser ?? ROOT;
    else if (u.parentId === null) parent = ROOT;
    else {
      const p = byId.get(u.parentId);
      parent = !p ? ROOT : p.role === "user" || ownerOfReply.has(p.id) ? p.id : ROOT;
    }
    children.set(parent, [...(children.get(parent) ?? []), u.id]);
    parentOfUser.set(u.id, parent);
    previousUser = u.id;
  }
  return { byId, users, replies, children, ownerOfReply, parentOfUser, turns: new Set([...userByTurn.keys(), ...regenerated.keys()]) };
}

/**
 * W92: the path through a conversation's messages (oldest first, as stored): from the first user
 * messages, at each fork the chosen sibling (`choices`: fork key → id) or else the newest — the one whose
 * branch holds the latest message.
 */
export function branchPath(messages: readonly Message[], choices: ReadonlyMap<string, string> = new Map(), regenerations: readonly Regeneration[] = []): BranchPath {
  const { byId, users, replies, children, turns } = treeOf(messages, regenerations);
  // "Newest" is the branch last written to: the latest message anywhere under a sibling (stored order, not
  // clocks), a running reply newest of all — so a continued older branch is still the one shown after a reload.
  const position = new Map(messages.map((m, i) => [m.id, i]));
  const latest = new Map<string, number>();
  const latestOfReply = (entry: ReplyEntry, seen: Set<string>): number =>
    entry.message ? Math.max(position.get(entry.message.id) ?? -1, ...(children.get(entry.message.id) ?? []).map((u) => latestOfUser(u, seen))) : Number.POSITIVE_INFINITY;
  const latestOfUser = (id: string, seen: Set<string>): number => {
    const known = latest.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return -1;
    seen.add(id);
    const value = Math.max(position.get(id) ?? -1, ...(replies.get(id) ?? []).map((r) => latestOfReply(r, seen)), ...(children.get(id) ?? []).map((u) => latestOfUser(u, seen)));
    latest.set(id, value);
    return value;
  };
  const newest = <T,>(items: readonly T[], score: (item: T) => number): T | undefined =>
    items.reduce<T | undefined>((best, item) => (best === undefined || score(item) >= score(best) ? item : best), undefined);
  const steps: PathStep[] = [];
  const seen = new Set<string>();
  let candidates = children.get(ROOT) ?? [];
  let key = ROOT;
  while (candidates.length > 0) {
    const wanted = choices.get(key);
    const chosen = wanted !== undefined && candidates.includes(wanted) ? wanted : newest(candidates, (id) => latestOfUser(id, new Set()))!;
    if (seen.has(chosen)) break;
    seen.add(chosen);
    const message = byId.get(chosen)!;
    const options = replies.get(chosen) ?? [];
    const replyKey = `reply:${chosen}`;
    const wantedReply = choices.get(replyKey);
    const reply = options.find((o) => o.key === wantedReply) ?? newest(options, (o) => latestOfReply(o, new Set()));
    steps.push({ message, fork: forkOf(key, candidates, chosen), reply, replyFork: reply ? forkOf(replyKey, options.map((o) => o.key), reply.key) : undefined });
    // What follows: messages sent after the chosen reply, or after this message before any reply came.
    const after = new Set([...(reply?.message ? (children.get(reply.message.id) ?? []) : []), ...(children.get(chosen) ?? [])]);
    candidates = users.filter((m) => after.has(m.id)).map((m) => m.id);
    key = `next:${chosen}`;
  }
  const end = steps[steps.length - 1];
  return { steps, lastId: end ? (end.reply?.message?.id ?? end.message.id) : undefined, turns };
}

/** W95: the choices that put a message on screen (a link to it may name a branch not shown), over `choices`. */
export function choicesFor(messages: readonly Message[], targetId: string, choices: ReadonlyMap<string, string> = new Map(), regenerations: readonly Regeneration[] = []): Map<string, string> {
  const { byId, ownerOfReply, parentOfUser } = treeOf(messages, regenerations);
  const next = new Map(choices);
  let id: string | undefined = targetId;
  const seen = new Set<string>();
  while (id !== undefined && !seen.has(id)) {
    seen.add(id);
    const m = byId.get(id);
    if (!m) break;
    if (m.role === "assistant") {
      const owner = ownerOfReply.get(m.id);
      if (owner === undefined) break;
      next.set(`reply:${owner}`, m.id);
      id = owner;
      continue;
    }
    const parent = parentOfUser.get(m.id) ?? ROOT;
    if (parent === ROOT) {
      next.set(ROOT, m.id);
      break;
    }
    const replyOwner = ownerOfReply.get(parent);
    if (replyOwner !== undefined) {
      next.set(`reply:${replyOwner}`, parent);
      next.set(`next:${replyOwner}`, m.id);
      id = replyOwner;
    } else {
      next.set(`next:${parent}`, m.id);
      id = parent;
    }
  }
  return next;
}
