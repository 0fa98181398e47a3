/**
 * Token relay benchmark (issue: chat): the assistant's tokens from the provider
 * to 1, 5 and 50 devices, beside a bare room that only forwards chunks from the
 * same fixed-rate source — both in workerd, same run. Per device and token:
 * lateness = arrival − (first arrival + seq × interval), i.e. how far behind the
 * source's pace a device sees each token; and time to first token from sending.
 */
import { percentile, round } from "./stats.ts";
import { startBenchWorker } from "./yjs.ts";

const INTERVAL_MS = 5;

type Device = { ws: WebSocket; arrivals: Map<string, number[]>; done: Set<string> };

async function open(url: string, hello?: string): Promise<Device> {
  const ws = new WebSocket(url);
  const device: Device = { ws, arrivals: new Map(), done: new Set() };
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") return;
    const raw = e.data.startsWith("__YPS:") ? e.data.slice(6) : e.data;
    const frame = JSON.parse(raw) as { type: string; turnId?: string; seq?: number };
    if (frame.type === "llm.token") {
      const list = device.arrivals.get(frame.turnId!) ?? [];
      list[frame.seq!] = performance.now();
      device.arrivals.set(frame.turnId!, list);
    }
    if (frame.type === "llm.completed" || frame.type === "llm.interrupted" || frame.type === "llm.failed") device.done.add(frame.turnId!);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot connect ${url}`)));
  });
  if (hello) ws.send(hello);
  return device;
}

async function measure(devices: Device[], trigger: () => void, runs: number) {
  const lateness: number[] = [];
  const ttft: number[] = [];
  const spread: number[] = [];
  for (let r = 0; r < runs; r++) {
    const before = new Set(devices[0]!.done);
    const sent = performance.now();
    trigger();
    const deadline = Date.now() + 30_000;
    let turnId: string | undefined;
    while (!turnId || !devices.every((d) => d.done.has(turnId!))) {
      turnId = [...devices[0]!.done].find((t) => !before.has(t));
      if (Date.now() > deadline) throw new Error("a turn did not finish");
      await new Promise((res) => setTimeout(res, 2));
    }
    for (const d of devices) {
      const times = d.arrivals.get(turnId)!;
      ttft.push(times[0]! - sent);
      times.forEach((t, seq) => lateness.push(t - (times[0]! + seq * INTERVAL_MS)));
    }
    const count = devices[0]!.arrivals.get(turnId)!.length;
    for (let seq = 0; seq < count; seq++) {
      const at = devices.map((d) => d.arrivals.get(turnId)![seq]!);
      spread.push(Math.max(...at) - Math.min(...at));
    }
  }
  const p = (xs: number[], q: number) => round(percentile(xs, q));
  return {
    lateness: { p50: p(lateness, 50), p99: p(lateness, 99) },
    fanoutSpread: { p50: p(spread, 50), p99: p(spread, 99) },
    ttft: { p50: p(ttft, 50), p99: p(ttft, 99) },
  };
}

export async function tokenBench() {
  const worker = await startBenchWorker();
  const results: Record<string, unknown> = {};
  try {
    const login = await fetch(`http://${worker.host}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `tokens-${Date.now()}` }) });
    const { token } = (await login.json()) as { token: string };
    const ticket = async () => {
      const res = await fetch(`http://${worker.host}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { ticket: string }).ticket;
    };
    for (const n of [1, 5, 50]) {
      const runs = n === 50 ? 3 : 6;
      const brain: Device[] = [];
      for (let i = 0; i < n; i++) {
        brain.push(await open(`ws://${worker.host}/api/v1/socket?ticket=${encodeURIComponent(await ticket())}`, `__YPS:${JSON.stringify({ type: "hello", v: 1, deviceId: `d${i}`, name: `d${i}`, kind: "cli" })}`));
      }
      // The offline assistant's help text: ~70 tokens at OFFLINE_TOKEN_DELAY_MS (5 ms) apart.
      const ours = await measure(brain, () => brain[0]!.ws.send(`__YPS:${JSON.stringify({ type: "message.send", command: { text: "sing me a song about quarks", channel: "chat" } })}`), runs);
      const tokens = [...brain[0]!.arrivals.values()][0]!.length;
      brain.forEach((d) => d.ws.close());
      const room = `relay-${n}-${Date.now()}`;
      const bare: Device[] = [];
      for (let i = 0; i < n; i++) bare.push(await open(`ws://${worker.host}/parties/bare-relay/${room}`));
      const ref = await measure(bare, () => bare[0]!.ws.send(`go:${tokens}:${INTERVAL_MS}`), runs);
      bare.forEach((d) => d.ws.close());
      results[`tokens.relay_${n}_devices`] = {
        unit: "ms",
        tokensPerReply: tokens,
        brain: ours,
        bareRelay: ref,
        latenessRatioP50: round(ours.lateness.p50 / ref.lateness.p50),
        fanoutSpreadRatioP50: round((ours.fanoutSpread.p50 + 0.1) / (ref.fanoutSpread.p50 + 0.1)),
        ttftAddedP50: round(ours.ttft.p50 - ref.ttft.p50),
        note: "lateness = how far behind the source's nominal pace a token arrives (mostly timer drift, shared by both); fanoutSpread = last minus first device to get the same token; ttft adds storing the message and building the context",
        target: "p50 ≤ 1.5× reference, p99 ≤ 10 ms at 50 devices",
      };
    }
  } finally {
    worker.stop();
  }
  return results;
}
