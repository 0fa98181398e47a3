/**
 * Time to first token added by the room (issue 19 item 6), and whether it
 * grows with history:
 * - in workerd: a message sent on the socket to its first `llm.token`, for an
 *   empty room and for a room with 100k events, 10k tasks, 1k notes and 100
 *   archived days, beside the bare relay (same 5 ms source pace) — the
 *   difference is what the room adds;
 * - in Node (the room core on node:sqlite, no socket): where that time goes —
 *   the frame's synchronous work (store the message, build the context) and
 *   the rest up to the first token — at 0, 10k and 100k events.
 */
import { readContextItems } from "../party/chat/context-items.ts";
import { turnContext } from "../party/chat/context.ts";
import { FakeRoom } from "../tests/support/fake-room.ts";
import { BIG_ROOM, seedRoom } from "../tests/support/seed-history.ts";
import { brainUrl, type Device, login, openDevice, seedQuery, until } from "./clients.ts";
import { percentile, round, time } from "./stats.ts";
import { startWorkerd } from "./workerd.ts";

const RUNS = 25;
const INTERVAL_MS = 5;

async function firstTokens(device: Device, send: () => void, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    let first: number | undefined;
    let done = false;
    device.onFrame = (frame, at) => {
      if (frame.type === "llm.token") first ??= at;
      if (frame.type === "llm.completed" || frame.type === "llm.failed") done = true;
    };
    const sent = performance.now();
    send();
    await until(() => done, "the reply ended", 30_000);
    if (first === undefined) throw new Error("a reply without tokens");
    out.push(first - sent);
  }
  return out;
}

/** The bare relay answers a bare string; the device here only reads JSON frames, so it listens itself. */
async function relayFirstTokens(url: string, tokens: number, runs: number): Promise<number[]> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve) => ws.addEventListener("open", () => resolve()));
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    let first: number | undefined;
    let done = false;
    const listener = (e: MessageEvent) => {
      const frame = JSON.parse(String(e.data)) as { type: string };
      if (frame.type === "llm.token") first ??= performance.now();
      if (frame.type === "llm.completed") done = true;
    };
    ws.addEventListener("message", listener);
    const sent = performance.now();
    ws.send(`go:${tokens}:${INTERVAL_MS}`);
    await until(() => done, "the relay ended", 30_000);
    ws.removeEventListener("message", listener);
    out.push(first! - sent);
  }
  ws.close();
  return out;
}

async function workerdTtft() {
  const worker = await startWorkerd();
  try {
    const message = { type: "message.send", command: { text: "sing me a song about quarks", channel: "chat" } };
    const brain = async (name: string) => {
      const session = await login(worker.host, name);
      const device = openDevice(brainUrl(worker.host, await session.ticket()), { deviceId: "ttft", lastEventSeq: 0 });
      await until(() => device.at.welcome !== undefined && device.at.synced !== undefined, "connected");
      await firstTokens(device, () => device.send(message), 3); // warm
      const samples = await firstTokens(device, () => device.send(message), RUNS);
      device.close();
      return samples;
    };
    const empty = await brain(`ttft-empty-${Date.now()}`);
    const big = `ttft-big-${Date.now()}`;
    const seeded = await fetch(`http://${worker.host}/bench/seed?user=${big}&${seedQuery(BIG_ROOM)}`);
    if (!seeded.ok) throw new Error(`seeding: ${seeded.status}`);
    const history = await brain(big);
    const relayUrl = `ws://${worker.host}/parties/bare-relay/ttft-${Date.now()}`;
    await relayFirstTokens(relayUrl, 70, 3);
    const relay = await relayFirstTokens(relayUrl, 70, RUNS);
    const p = (xs: number[], q: number) => round(percentile(xs, q), 2);
    const ref = percentile(relay, 50);
    return {
      "ttft.added_by_room": {
        unit: "ms",
        bareRelay: { p50: p(relay, 50), p99: p(relay, 99) },
        brainEmptyRoom: { p50: p(empty, 50), p99: p(empty, 99), addedP50: round(percentile(empty, 50) - ref, 2) },
        brain100kEvents: { p50: p(history, 50), p99: p(history, 99), addedP50: round(percentile(history, 50) - ref, 2), room: BIG_ROOM },
        growthRatioP50: round(percentile(history, 50) / percentile(empty, 50)),
        runs: RUNS,
        target: "added ≤ 5 ms p50; the 100k-event room no slower than the empty one",
      },
    };
  } finally {
    worker.stop();
  }
}

async function nodeBreakdown(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const events of [0, 10_000, 100_000]) {
    const room = new FakeRoom({ now: Date.now(), env: { MESSAGES_PER_MINUTE: "1000000", LLM_DAILY_TOKEN_BUDGET: "1000000000" } });
    const size = events === 0 ? { events: 0, tasks: 0, notes: 0, archivedDays: 0 } : { ...BIG_ROOM, events };
    seedRoom({ ledger: room.room.ledger, doc: room.doc, store: room.room.chat.store, now: room.clock, setClock: (ms) => (room.clock = ms) }, size);
    out[`${events / 1000}k`] = { size, ...(await nodeTurns(room)) };
  }
  return out;
}

async function nodeTurns(room: FakeRoom): Promise<Record<string, number>> {
  const device = room.connect();
  device.hello("ttft", { focused: true });
  room.flush();
  let first: number | undefined;
  const sendJson = device.sendJson.bind(device);
  device.sendJson = (json: string) => {
    if (first === undefined && json.includes('"type":"llm.token"')) first = performance.now();
    sendJson(json);
  };
  const frame: number[] = [];
  const context: number[] = [];
  const total: number[] = [];
  {
    for (let r = 0; r < RUNS + 5; r++) {
      first = undefined;
      const sent = performance.now();
      device.sendFrame({ type: "message.send", command: { text: "what can you do", channel: "chat" } });
      device.flushOut();
      const sync = performance.now() - sent;
      await room.room.chat.idle();
      room.flush();
      if (first === undefined) throw new Error(`no token: ${JSON.stringify(device.received.at(-1)).slice(0, 200)}`);
      const ctx = time(() => turnContext(room.room.ledger.state, { now: new Date(), messageId: "none", items: readContextItems(room.doc, []) }));
      if (r < 5) continue; // warm
      frame.push(sync);
      context.push(ctx);
      total.push(first - sent);
    }
    const p = (xs: number[]) => round(percentile(xs, 50), 2);
    return { frameSyncP50: p(frame), contextP50: p(context), firstTokenP50: p(total) };
  }
}

export async function ttftBench(): Promise<Record<string, unknown>> {
  const resolved = await nodeBreakdown();
  return {
    ...(await workerdTtft()),
    "ttft.turn_start_node": {
      unit: "ms",
      byEvents: resolved,
      note: "room core in Node, offline model without delay: frameSync = the message.send frame's synchronous work (store the message, queue the turn, build its context); context = building it alone; firstToken = frame sent → first llm.token",
    },
  };
}
