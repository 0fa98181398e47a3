/**
 * The cost curve (issue 19 item 5): one workerd process holding 1,000 rooms of
 * two idle devices each while 50 other users chat and edit, beside the same
 * with 10 idle rooms (a fresh process each). Each active user has a writer and
 * a reader device: the writer asks the offline assistant (≈ 70 tokens, 5 ms
 * apart) and waits for the reply on both, a second between turns, and renames
 * a task every 500 ms. Reported: token lateness behind the source's pace and
 * writer→reader spread (fan-out), time to first token, edit latency writer →
 * reader, the workerd process's CPU (cores busy) and resident memory.
 * The load generator shares the machine's two cores with workerd.
 */
import * as Y from "yjs";
import { percentile, round } from "./stats.ts";
import { addTask, brainUrl, type Device, login, openDevice, until } from "./clients.ts";
import { loadavg } from "node:os";
import { startWorkerd, type Workerd } from "./workerd.ts";

const ACTIVE_USERS = 50;
const ACTIVE_SECONDS = Number(process.env.BENCH_CURVE_SECONDS ?? 20);
const TOKEN_INTERVAL_MS = 5;
/** Between a reply and the next message: ~10 of the 50 users are streaming a reply at any moment. */
const THINK_MS = 2_000;
const EDIT_EVERY_MS = 500;

async function inBatches<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, k) => fn(item, i + k)));
}

async function user(w: Workerd, name: string, devices: number): Promise<Device[]> {
  const session = await login(w.host, name);
  const out: Device[] = [];
  for (let i = 0; i < devices; i++) {
    const device = openDevice(brainUrl(w.host, await session.ticket()), { deviceId: `${name}-d${i}` });
    await until(() => device.at.synced !== undefined && device.at.welcome !== undefined, `${name} device ${i} connected`);
    out.push(device);
  }
  return out;
}

type Samples = { lateness: number[]; spread: number[]; ttft: number[]; edit: number[]; turns: number; edits: number };

/** Resolves when `check` holds, tested on each Yjs change of `doc` (no polling: the load generator shares the CPU). */
function whenDoc(doc: Y.Doc, check: () => boolean, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      doc.off("update", listener);
      reject(new Error("timed out waiting for an edit"));
    }, ms);
    const listener = () => {
      if (!check()) return;
      clearTimeout(timer);
      doc.off("update", listener);
      resolve();
    };
    doc.on("update", listener);
  });
}

/** One active user until `stopAt`: turns back to back (with think time), and edits on a timer. */
async function activeUser([writer, reader]: Device[], stopAt: number, s: Samples): Promise<void> {
  const taskId = `curve-${crypto.randomUUID()}`;
  addTask(writer!.doc, taskId, "start");
  await whenDoc(reader!.doc, () => reader!.doc.getMap("tasks").has(taskId));
  const readerTask = () => reader!.doc.getMap<Y.Map<unknown>>("tasks").get(taskId);
  const edits = (async () => {
    for (let e = 0; Date.now() < stopAt; e++) {
      const title = `edit ${e}`;
      const seen = whenDoc(reader!.doc, () => readerTask()?.get("title") === title);
      const t0 = performance.now();
      writer!.doc.getMap<Y.Map<unknown>>("tasks").get(taskId)!.set("title", title);
      await seen;
      s.edit.push(performance.now() - t0);
      s.edits++;
      await new Promise((r) => setTimeout(r, EDIT_EVERY_MS));
    }
  })();
  while (Date.now() < stopAt) {
    const arrivals = new Map<Device, number[]>([[writer!, []], [reader!, []]]);
    const ended = new Set<Device>();
    const bothEnded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("a reply did not reach both devices in 60 s")), 60_000);
      for (const d of [writer!, reader!]) {
        d.onFrame = (frame, at) => {
          if (frame.type === "llm.token" && typeof frame.seq === "number") arrivals.get(d)![frame.seq] = at;
          if (frame.type === "llm.completed" || frame.type === "llm.failed" || frame.type === "llm.interrupted") ended.add(d);
          if (ended.size === 2) {
            clearTimeout(timer);
            resolve();
          }
        };
      }
    });
    const sent = performance.now();
    writer!.send({ type: "message.send", command: { text: "sing me a song about quarks", channel: "chat" } });
    await bothEnded;
    const w = arrivals.get(writer!)!;
    const r = arrivals.get(reader!)!;
    if (w[0] !== undefined) s.ttft.push(w[0] - sent);
    r.forEach((t, seq) => {
      s.lateness.push(t - (r[0]! + seq * TOKEN_INTERVAL_MS));
      if (w[seq] !== undefined) s.spread.push(Math.abs(t - w[seq]!));
    });
    s.turns++;
    await new Promise((res) => setTimeout(res, THINK_MS));
  }
  await edits;
}

async function curvePoint(idleRooms: number) {
  const worker = await startWorkerd();
  try {
    const run = `curve-${idleRooms}-${Date.now()}`;
    const setup0 = performance.now();
    const idle: Device[] = [];
    await inBatches(Array.from({ length: idleRooms }, (_, i) => `${run}-idle-${i}`), 20, async (name) => idle.push(...(await user(worker, name, 2))));
    const active: Device[][] = [];
    await inBatches(Array.from({ length: ACTIVE_USERS }, (_, i) => `${run}-active-${i}`), 10, async (name) => active.push(await user(worker, name, 2)));
    const setupSeconds = (performance.now() - setup0) / 1000;
    const rssBefore = worker.rss();
    const samples: Samples = { lateness: [], spread: [], ttft: [], edit: [], turns: 0, edits: 0 };
    const cpu0 = worker.cpu();
    const proxy0 = worker.proxyCpu();
    const t0 = performance.now();
    const stopAt = Date.now() + ACTIVE_SECONDS * 1000;
    await Promise.all(active.map((devices) => activeUser(devices, stopAt, samples)));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (worker.cpu() - cpu0) / seconds;
    const proxyCpu = (worker.proxyCpu() - proxy0) / seconds;
    const rss = worker.rss();
    [...idle, ...active.flat()].forEach((d) => d.close());
    const p = (xs: number[], q: number) => round(percentile(xs, q), 2);
    return {
      idleRooms,
      idleDevices: idle.length,
      activeUsers: ACTIVE_USERS,
      setupSeconds: round(setupSeconds, 1),
      turns: samples.turns,
      edits: samples.edits,
      tokenLateness: { p50: p(samples.lateness, 50), p99: p(samples.lateness, 99) },
      tokenSpread: { p50: p(samples.spread, 50), p99: p(samples.spread, 99) },
      ttft: { p50: p(samples.ttft, 50), p99: p(samples.ttft, 99) },
      editLatency: { p50: p(samples.edit, 50), p99: p(samples.edit, 99) },
      cpuCoresBusy: round(cpu, 2),
      proxyCpuCoresBusy: round(proxyCpu, 2),
      rssMiB: { afterSetup: round(rssBefore / 2 ** 20, 1), end: round(rss / 2 ** 20, 1) },
      machineLoadAverage1m: round(loadavg()[0]!, 2),
    };
  } finally {
    worker.stop();
  }
}

export async function curveBench(): Promise<Record<string, unknown>> {
  const idleRooms = Number(process.env.BENCH_CURVE_ROOMS ?? 1_000);
  const small = await curvePoint(10);
  const large = await curvePoint(idleRooms);
  const ratio = (a: number, b: number) => round(a / b);
  return {
    "curve.rooms": {
      unit: "ms (latencies), cores, MiB",
      [`rooms_${idleRooms}`]: large,
      rooms_10: small,
      ratios: {
        tokenLatenessP50: ratio(large.tokenLateness.p50, small.tokenLateness.p50),
        tokenLatenessP99: ratio(large.tokenLateness.p99, small.tokenLateness.p99),
        editLatencyP50: ratio(large.editLatency.p50, small.editLatency.p50),
        editLatencyP99: ratio(large.editLatency.p99, small.editLatency.p99),
        ttftP50: ratio(large.ttft.p50, small.ttft.p50),
        cpu: ratio(large.cpuCoresBusy, small.cpuCoresBusy),
        rssEnd: ratio(large.rssMiB.end, small.rssMiB.end),
      },
      note: `${ACTIVE_USERS} users chat (a turn, then ${THINK_MS} ms) and rename a task every ${EDIT_EVERY_MS} ms for ${ACTIVE_SECONDS} s; idle rooms hold two idle devices each and hibernate after ~10 s; cpuCoresBusy is the workerd runtime (the rooms), proxyCpuCoresBusy wrangler dev's local proxy that relays every frame (absent in production); lateness = arrival behind the source's pace on the reader; spread = reader vs writer per token`,
    },
  };
}
