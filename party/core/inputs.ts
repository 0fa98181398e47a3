/**
 * What a user can ask of their room, declared once (docs/PROTOCOL.md G2, P6,
 * H14). Each input names its body — an HTTP body, or a socket frame's
 * `command` — the ids it carries — path parameters over HTTP, fields of the
 * frame over the socket — and what it does: a command for the executor, or a
 * chat operation. The socket's frame dispatcher and the HTTP route table both
 * apply inputs through `applyInput`, so the same client action is the same
 * command on either path and is applied once (L3, L4).
 */
import type { z } from "zod";
import { type Accepted, type MessageSend, MessageSendSchema } from "../../shared/chat.ts";
import {
  type Command,
  MemoryPinSchema,
  MemoryUnpinSchema,
  NoteActionSchema,
  PlanItemActionSchema,
  PreferencesUpdateSchema,
  ReminderSetSchema,
  ReminderSnoozeSchema,
  ReminderUpdateSchema,
  splitClientActionId,
  TaskActionSchema,
  UndoTurnSchema,
} from "../../shared/commands.ts";
import type { Actor } from "../../shared/domain.ts";
import { ConversationCreateSchema, ConversationPatchSchema, type MessageRegenerate, MessageRegenerateSchema } from "../../shared/conversations.ts";
import type { ConfirmSelection } from "../../shared/goals.ts";
import { ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "./commands.ts";

/** The chat engine as inputs use it; declared here so that core/ does not import chat/. */
export type ChatPort = {
  submit(input: MessageSend, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }>;
  stop(turnId: string): Result<{ turnId: string; status: string }>;
  confirm(proposalId: string, actor: Actor, requestId: string, selection?: ConfirmSelection): Result<{ proposalId: string; result: unknown }>;
  reject(proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string }>;
  /** T12. */
  regenerate(input: MessageRegenerate, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }>;
  /** T6: 200 deleted, or 202 with the proposal to confirm. */
  deleteConversation(conversationId: string, ctx: CommandContext): Result<{ value: unknown; duplicate: boolean; status: 200 | 202 }>;
};

/** What applying an input needs; both the socket's and the HTTP API's deps have it. */
export type InputPorts = {
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  chat: ChatPort;
  ledger: { readonly lastSeq: number };
};

export type Ids<K extends string> = { readonly [P in K]: string };

/**
 * `command` runs through the command executor: its answer carries the seq of
 * the event it recorded (HTTP `x-event-seq`). `chat` is an operation of the
 * chat engine: its answer carries no event of its own.
 */
export type InputKind = "command" | "chat";

type Spec<I, B, K extends string> = {
  readonly kind: InputKind;
  /** Validates the body; null when the input is only ids (no HTTP body, no `command` in the frame). */
  readonly body: z.ZodType<B> | null;
  /** Names of the ids it carries: path parameters over HTTP, frame fields over the socket. */
  readonly ids: readonly K[];
  /** `input.command` comes without its `clientActionId`: the key is `ctx.clientActionId`. */
  readonly apply: (ports: InputPorts, input: I, ctx: CommandContext) => Result<Applied>;
};

/** An input with a body, shaped as its socket frame: `{ command, ...ids }`. */
export type BodyInput<B, K extends string> = { readonly command: B } & Ids<K>;
export type BodySpec<B, K extends string> = Spec<BodyInput<B, K>, B, K> & { readonly body: z.ZodType<B> };
export type IdsSpec<K extends string> = Spec<Ids<K>, undefined, K> & { readonly body: null };

function commandInput<B, const K extends string = never>(
  body: z.ZodType<B>,
  ids: readonly K[],
  toCommand: (input: BodyInput<B, K>) => Command,
): BodySpec<B, K> {
  // R18: a body-only input's command is its validated body under a `kind`: checked once, at the edge. Ids come
  // from path parameters or frame fields under other caps, so a command that carries them is checked again.
  const edgeChecked = ids.length === 0;
  return { kind: "command", body, ids, apply: (ports, input, ctx) => ports.execute(toCommand(input), edgeChecked ? { ...ctx, edgeChecked } : ctx) };
}

function idsCommandInput<const K extends string>(ids: readonly K[], toCommand: (input: Ids<K>) => Command): IdsSpec<K> {
  return { kind: "command", body: null, ids, apply: (ports, input, ctx) => ports.execute(toCommand(input), ctx) };
}

type ChatAnswer = Result<{ value: unknown; duplicate: boolean }>;

/** Chat answers become an `Applied` like a command's; their seq is the ledger's after the operation (P6 ack). */
function answered(ports: InputPorts, answer: ChatAnswer): Result<Applied> {
  return answer.ok ? ok({ result: answer.value.value, duplicate: answer.value.duplicate, seq: ports.ledger.lastSeq }) : answer;
}

function once<T>(result: Result<T>): ChatAnswer {
  return result.ok ? ok({ value: result.value, duplicate: false }) : result;
}

function chatIdsInput<const K extends string>(ids: readonly K[], run: (chat: ChatPort, input: Ids<K>, ctx: CommandContext) => ChatAnswer): IdsSpec<K> {
  return { kind: "chat", body: null, ids, apply: (ports, input, ctx) => answered(ports, run(ports.chat, input, ctx)) };
}

const messageSend: BodySpec<MessageSend, never> = {
  kind: "chat",
  body: MessageSendSchema,
  ids: [],
  apply: (ports, { command }, ctx) => {
    const sent = ports.chat.submit({ ...command, clientActionId: ctx.clientActionId }, ctx.actor, ctx.correlationId);
    if (!sent.ok) return sent;
    const { duplicate, ...accepted } = sent.value;
    return answered(ports, ok({ value: accepted, duplicate }));
  },
};

/** T12: like a message: a 202 over HTTP, its `Accepted` in the ack. */
const messageRegenerate: BodySpec<MessageRegenerate, never> = {
  kind: "chat",
  body: MessageRegenerateSchema,
  ids: [],
  apply: (ports, { command }, ctx) => {
    const sent = ports.chat.regenerate({ ...command, clientActionId: ctx.clientActionId }, ctx.actor, ctx.correlationId);
    if (!sent.ok) return sent;
    const { duplicate, ...accepted } = sent.value;
    return answered(ports, ok({ value: accepted, duplicate }));
  },
};

/** B11: a confirm may name the entries it accepts and edits to them: fields of the frame, or the optional HTTP body. */
export type ConfirmInput = Ids<"proposalId"> & ConfirmSelection;
const proposalConfirm: Spec<ConfirmInput, undefined, "proposalId"> & { readonly body: null } = {
  kind: "chat",
  body: null,
  ids: ["proposalId"],
  apply: (ports, { proposalId, items, edits }, ctx) => {
    const selection: ConfirmSelection = { ...(items !== undefined ? { items } : {}), ...(edits !== undefined ? { edits } : {}) };
    return answered(ports, once(ports.chat.confirm(proposalId, ctx.actor, ctx.correlationId, selection)));
  },
};

/**
 * Every input, keyed by its socket frame type (`memory.unpin` is HTTP-only:
 * shared/protocol.ts has no frame for it yet). The command each one builds is
 * also its idempotency fingerprint (L4), stored with every keyed event: keep
 * the key order of these objects, or repeats from before a change conflict.
 */
const DECLARED = {
  task: commandInput(TaskActionSchema, [], ({ command }) => ({ kind: "task", action: command })),
  note: commandInput(NoteActionSchema, [], ({ command }) => ({ kind: "note", action: command })),
  undo: commandInput(UndoTurnSchema, [], ({ command }) => ({ kind: "undo.turn", turnId: command.turnId })),
  "memory.pin": commandInput(MemoryPinSchema, [], ({ command }) => ({ kind: "memory.pin", pin: command })),
  "memory.unpin": commandInput(MemoryUnpinSchema, [], ({ command }) => ({ kind: "memory.unpin", memoryId: command.memoryId })),
  "preferences.update": commandInput(PreferencesUpdateSchema, [], ({ command }) => ({ kind: "preferences.update", patch: command })),
  "reminder.set": commandInput(ReminderSetSchema, [], ({ command }) => ({ kind: "reminder.set", ...command })),
  "reminder.snooze": commandInput(ReminderSnoozeSchema, ["reminderId"], ({ reminderId, command }) => ({
    kind: "reminder.snooze",
    reminderId,
    minutes: command.minutes,
  })),
  "reminder.dismiss": idsCommandInput(["reminderId"], ({ reminderId }) => ({ kind: "reminder.dismiss", reminderId })),
  "reminder.update": commandInput(ReminderUpdateSchema, ["reminderId"], ({ reminderId, command }) => ({ kind: "reminder.update", reminderId, ...command })),
  "notification.ack": idsCommandInput(["notificationId"], ({ notificationId }) => ({ kind: "notification.ack", notificationId })),
  "plan.item": commandInput(PlanItemActionSchema, [], ({ command }) => ({ kind: "plan.item", ...command })),
  "message.send": messageSend,
  "message.regenerate": messageRegenerate,
  // T1–T6: key order of the built commands is their fingerprint (L4).
  "conversation.create": commandInput(ConversationCreateSchema, [], ({ command }) => ({
    kind: "conversation.create",
    ...(command.id !== undefined ? { id: command.id } : {}),
    ...(command.title !== undefined ? { title: command.title } : {}),
  })),
  "conversation.update": commandInput(ConversationPatchSchema, ["conversationId"], ({ conversationId, command }) => ({
    kind: "conversation.update",
    conversationId,
    ...(command.title !== undefined ? { title: command.title } : {}),
    ...(command.archived !== undefined ? { archived: command.archived } : {}),
  })),
  "conversation.delete": chatIdsInput(["conversationId"], (chat, { conversationId }, ctx) => chat.deleteConversation(conversationId, ctx)),
  // Stop, confirm and reject are single-use by nature (C7, C8): a repeat is a conflict, never a replay.
  "turn.stop": chatIdsInput(["turnId"], (chat, { turnId }) => once(chat.stop(turnId))),
  "proposal.confirm": proposalConfirm,
  "proposal.reject": chatIdsInput(["proposalId"], (chat, { proposalId }, ctx) => once(chat.reject(proposalId, ctx.actor, ctx.correlationId))),
};

type Declared = typeof DECLARED;
export type InputName = keyof Declared;

/** The input of each name, as its socket frame carries it. */
type InputMap = { [K in InputName]: Declared[K] extends Spec<infer I, infer _B, infer _K> ? I : never };
export type InputOf<K extends InputName> = InputMap[K];

/** The same table, typed so that a name and its input stay correlated under a generic name (TS #47109). */
export const INPUTS: { readonly [K in InputName]: Spec<InputOf<K>, unknown, string> & Declared[K] } = DECLARED;

export function isInputName(name: string): name is InputName {
  return Object.hasOwn(INPUTS, name);
}

/** The client action id an input carries in its body, if any (G2). */
export function clientActionIdOf(input: object): string | undefined {
  return "command" in input ? splitClientActionId(input.command).clientActionId : undefined;
}

/** Applies one input; `ctx.clientActionId` is its key, whatever the body said (H7 merges them before). */
export function applyInput<K extends InputName>(ports: InputPorts, name: K, input: InputOf<K>, ctx: CommandContext): Result<Applied> {
  return INPUTS[name].apply(ports, withoutKey(input), ctx);
}

/** Same as `applyInput` for a spec held directly (the HTTP route table builds its routes from specs). */
export function applySpec<I>(ports: InputPorts, spec: Pick<Spec<I, unknown, string>, "apply">, input: I, ctx: CommandContext): Result<Applied> {
  return spec.apply(ports, withoutKey(input), ctx);
}

function withoutKey<I>(input: I): I {
  if (typeof input !== "object" || input === null || !("command" in input)) return input;
  return { ...input, command: splitClientActionId(input.command).value };
}
