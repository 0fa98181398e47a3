/**
 * End-to-end ack throughput on a running dev server (workerd, the real Brain):
 * command frames acked per second on one socket, beside ping/pong round trips
 * on the same socket — the room's bare relay, which writes nothing.
 */
import { http, login, socketDevice } from "../tests/integration/clients.ts";
import { startDevServer } from "../tests/integration/dev-server.ts";
import { round } from "./stats.ts";

async function rate(send: (i: number) => void, count: () => number, n: number): Promise<number> {
  const start = count();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) send(i);
  const deadline = t0 + 60_000;
  while (count() - start < n) {
    if (performance.now() > deadline) throw new Error(`only ${count() - start} of ${n} replies within 60 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
  return n / ((performance.now() - t0) / 1000);
}

export async function socketBench() {
  const server = await startDevServer(undefined, { RATE_LIMIT_FRAMES_PER_MINUTE: "100000000", LOG_LEVEL: "error" });
  try {
    const token = await login(server, `bench-${Date.now()}`);
    await http(server, token)("GET", "/api/v1/state");
    const device = socketDevice(server, token, "bench");
    await device.log.waitFor("welcome");
    const n = 1_000;
    const pongs = () => device.log.frames.filter((f) => f.type === "pong").length;
    const acks = () => device.log.frames.filter((f) => f.type === "ack").length;
    await rate(() => device.send({ type: "ping" }), pongs, 200);
    const pingRate = await rate(() => device.send({ type: "ping" }), pongs, n);
    const ackRate = await rate(
      (i) => device.send({ type: "memory.pin", command: { type: "fact", key: `k${i % 20}`, value: `v${i}`, clientActionId: `bench-${Date.now()}-${i}` } }),
      acks,
      n,
    );
    device.close();
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
    await server.stop();
  }
}
