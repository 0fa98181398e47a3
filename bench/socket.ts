/**
 * End-to-end ack throughput (issue 19 item 2, docs/PROTOCOL.md R7–R14):
 * commands acked per second on one socket to the real Brain under `wrangler
 * dev`, each beside ping/pong round trips on the same socket — the room's bare
 * relay, which writes nothing:
 * - single: one command per frame, one ack each;
 * - batched: BATCH commands per `batch` frame, answered by one `batch.result`
 *   after one commit; counted per acked command.
 * The client only counts frames (and a batch result's acks), so it is not the bottleneck.
 */
import { round } from "./stats.ts";
import { startBenchWorker } from "./yjs.ts";

/** Commands per batch frame in the batched run (MAX_BATCH_FRAMES allows 100). */
const BATCH = 50;

/** Sends `frames` frames and waits until `counted()` has grown by `expected`; returns units per second. */
async function rate(counted: () => number, send: (i: number) => void, frames: number, expected: number): Promise<number> {
  const start = counted();
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) send(i);
  const deadline = t0 + 60_000;
  while (counted() - start < expected) {
    if (performance.now() > deadline) throw new Error(`only ${counted() - start} of ${expected} answers within 60 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
  return expected / ((performance.now() - t0) / 1000);
}

export async function socketBench() {
  const worker = await startBenchWorker();
  try {
    const base = `http://${worker.host}`;
    const { token } = (await (await fetch(`${base}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `acks-${Date.now()}` }) })).json()) as { token: string };
    const { ticket } = (await (await fetch(`${base}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } })).json()) as { ticket: string };
    const ws = new WebSocket(`ws://${worker.host}/api/v1/socket?ticket=${encodeURIComponent(ticket)}`);
    const counts = new Map<string, number>();
    const bump = (type: string, n = 1) => counts.set(type, (counts.get(type) ?? 0) + n);
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string" || !e.data.startsWith("__YPS:")) return;
      const type = /"type":"([^"]+)"/.exec(e.data)?.[1] ?? "?";
      bump(type);
      // A batch's acks are counted without parsing the frame: one `"type":"ack"` per acked command.
      if (type === "batch.result") bump("batched-ack", e.data.split('"type":"ack"').length - 1);
    });
    await new Promise<void>((resolve) => ws.addEventListener("open", () => resolve()));
    const send = (frame: unknown) => ws.send(`__YPS:${JSON.stringify(frame)}`);
    send({ type: "hello", v: 1, deviceId: "bench", name: "bench", kind: "cli" });
    const of = (type: string) => () => counts.get(type) ?? 0;
    const n = 2_000;
    const run = Date.now();
    const pin = (i: number) => ({ type: "memory.pin", command: { type: "fact", key: `k${i % 20}`, value: `v${i}`, clientActionId: `bench-${run}-${i}` } });
    // Warm-up of both paths (JIT, SQLite pages).
    await rate(of("pong"), () => send({ type: "ping" }), 200, 200);
    await rate(of("ack"), (i) => send(pin(-1 - i)), 200, 200);
    const pingRate = await rate(of("pong"), () => send({ type: "ping" }), n, n);
    const ackRate = await rate(of("ack"), (i) => send(pin(i)), n, n);
    const batches = 200;
    const batchedRate = await rate(
      of("batched-ack"),
      (b) => send({ type: "batch", frames: Array.from({ length: BATCH }, (_, j) => pin(n + b * BATCH + j)) }),
      batches,
      batches * BATCH,
    );
    // Ping/pong again after the writes: the reference of the batched run, in case the machine's load moved.
    const pingAfter = await rate(of("pong"), () => send({ type: "ping" }), n, n);
    ws.close();
    const reference = "ping/pong on the same socket (no write)";
    return {
      "socket.acked_events": {
        unit: "events/s",
        value: Math.round(ackRate),
        reference: Math.round(pingRate),
        referenceName: reference,
        costRatio: round(pingRate / ackRate),
        target: "≥ 2,000 acked events/s per room, one command per frame",
      },
      "socket.acked_events_batched": {
        unit: "events/s",
        value: Math.round(batchedRate),
        batchSize: BATCH,
        reference: Math.round(pingAfter),
        referenceName: reference,
        ratioToReference: round(batchedRate / pingAfter),
        ratioToSingle: round(batchedRate / ackRate),
        target: "≥ 10,000 acked events/s per room with batched frames",
      },
    };
  } finally {
    worker.stop();
  }
}
