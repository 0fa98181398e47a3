/**
 * End-to-end ack throughput (issue: brain room core): command frames acked per
 * second on one socket to the real Brain under `wrangler dev`, beside ping/pong
 * round trips on the same socket — the room's bare relay, which writes nothing.
 * The client only counts frames, so it is not the bottleneck.
 */
import { round } from "./stats.ts";
import { startBenchWorker } from "./yjs.ts";

async function rate(ws: WebSocket, counts: Map<string, number>, type: string, send: (i: number) => void, n: number): Promise<number> {
  const start = counts.get(type) ?? 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) send(i);
  const deadline = t0 + 60_000;
  while ((counts.get(type) ?? 0) - start < n) {
    if (performance.now() > deadline) throw new Error(`only ${(counts.get(type) ?? 0) - start} of ${n} ${type} frames within 60 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
  void ws;
  return n / ((performance.now() - t0) / 1000);
}

export async function socketBench() {
  const worker = await startBenchWorker();
  try {
    const base = `http://${worker.host}`;
    const { token } = (await (await fetch(`${base}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `acks-${Date.now()}` }) })).json()) as { token: string };
    const { ticket } = (await (await fetch(`${base}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } })).json()) as { ticket: string };
    const ws = new WebSocket(`ws://${worker.host}/api/v1/socket?ticket=${encodeURIComponent(ticket)}`);
    const counts = new Map<string, number>();
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string" || !e.data.startsWith("__YPS:")) return;
      const type = /"type":"([^"]+)"/.exec(e.data)?.[1] ?? "?";
      counts.set(type, (counts.get(type) ?? 0) + 1);
    });
    await new Promise<void>((resolve) => ws.addEventListener("open", () => resolve()));
    const send = (frame: unknown) => ws.send(`__YPS:${JSON.stringify(frame)}`);
    send({ type: "hello", v: 1, deviceId: "bench", name: "bench", kind: "cli" });
    const n = 2_000;
    await rate(ws, counts, "pong", () => send({ type: "ping" }), 200);
    const pingRate = await rate(ws, counts, "pong", () => send({ type: "ping" }), n);
    const ackRate = await rate(ws, counts, "ack", (i) => send({ type: "memory.pin", command: { type: "fact", key: `k${i % 20}`, value: `v${i}`, clientActionId: `bench-${Date.now()}-${i}` } }), n);
    ws.close();
    return {
      "socket.acked_events": {
        unit: "events/s",
        value: Math.round(ackRate),
        reference: Math.round(pingRate),
        referenceName: "ping/pong on the same socket (no write)",
        costRatio: round(pingRate / ackRate),
        target: "≥ 1000 acked events/s per room",
      },
    };
  } finally {
    worker.stop();
  }
}
