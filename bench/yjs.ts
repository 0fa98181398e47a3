/**
 * Yjs benchmarks (issue: tasks and notes as a live shared document).
 *
 * Device-to-device edit latency, p50/p99, with 2, 5 and 50 devices, for:
 * - brain: our Brain room (auth ticket, per-update persistence, attribution, validation);
 * - bare: a y-partyserver YServer with none of our logic, same workerd;
 * - y-websocket: the reference Yjs server `@y/websocket-server`, in Node.
 * Plus bytes stored per edit, and load time after 10k edits with and without compaction.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupWSConnection } from "@y/websocket-server/utils";
import * as encoding from "lib0/encoding";
import { WebSocketServer } from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { DocStore } from "../party/core/doc-store.ts";
import { nodeSql } from "../tests/support/node-sql.ts";
import { yjsSync } from "./clients.ts";
import { percentile, round, time } from "./stats.ts";

/** A Yjs device over a raw WebSocket, speaking y-protocols sync. */
async function device(url: string): Promise<{ doc: Y.Doc; close(): void }> {
  const doc = new Y.Doc();
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  let synced = false;
  const sync = yjsSync(ws, doc, () => (synced = true));
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") sync(e.data as ArrayBuffer);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot connect ${url}`)));
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  ws.send(encoding.toUint8Array(encoder));
  const deadline = Date.now() + 10_000;
  while (!synced) {
    if (Date.now() > deadline) throw new Error(`no sync from ${url}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { doc, close: () => ws.close() };
}

type Devices = Awaited<ReturnType<typeof device>>[];

/** Connects `devices` devices and puts a valid task on them all (the Brain repairs or removes entries that break the schema, D6). */
async function room(url: () => Promise<string>, devices: number, taskId: string): Promise<Devices> {
  const all: Devices = [];
  for (let i = 0; i < devices; i++) all.push(await device(await url()));
  const [writer, ...readers] = all;
  const now = new Date().toISOString();
  writer!.doc.transact(() => {
    const task = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ id: taskId, title: "bench", status: "open", due: null, tags: [], order: 1, createdAt: now, updatedAt: now, createdBy: "user:bench" })) task.set(k, v);
    writer!.doc.getMap("tasks").set(taskId, task);
  });
  const deadline = Date.now() + 10_000;
  while (!readers.every((r) => r.doc.getMap<Y.Map<unknown>>("tasks").get(taskId))) {
    if (Date.now() > deadline) throw new Error("the bench task did not reach every device");
    await new Promise((r) => setTimeout(r, 5));
  }
  return all;
}

/** One edit on device 0: the time until every other device has it, per device. */
async function edit(all: Devices, taskId: string, title: string): Promise<number[]> {
  const [writer, ...readers] = all;
  const seen = new Map<number, number>();
  const t0 = performance.now();
  const listeners = readers.map((r, i) => {
    const task = r.doc.getMap<Y.Map<unknown>>("tasks").get(taskId)!;
    const fn = () => {
      if (task.get("title") === title && !seen.has(i)) seen.set(i, performance.now() - t0);
    };
    task.observe(fn);
    return () => task.unobserve(fn);
  });
  writer!.doc.getMap<Y.Map<unknown>>("tasks").get(taskId)!.set("title", title);
  const deadline = Date.now() + 10_000;
  while (seen.size < readers.length) {
    if (Date.now() > deadline) throw new Error(`"${title}" reached ${seen.size}/${readers.length} devices`);
    await new Promise((r) => setImmediate(r));
  }
  listeners.forEach((off) => off());
  return [...seen.values()];
}

/**
 * Edit latency of several servers, interleaved: edit e goes to each server in
 * turn before edit e + 1, so a burst of load on this shared machine lands on
 * all of them alike and the ratios compare like with like.
 */
async function latencies<K extends string>(urls: Record<K, () => Promise<string>>, devices: number, edits: number): Promise<Record<K, number[]>> {
  const taskId = `bench-task-${Date.now()}`;
  const names = Object.keys(urls) as K[];
  const rooms = new Map<K, Devices>();
  for (const name of names) rooms.set(name, await room(urls[name], devices, taskId));
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let e = 0; e < edits; e++) {
    for (const name of names) samples[name].push(...(await edit(rooms.get(name)!, taskId, `edit ${e}`)));
  }
  for (const all of rooms.values()) all.forEach((d) => d.close());
  return samples;
}

/** Starts the bench worker (app + bare references) under `wrangler dev` on a free port. */
export async function startBenchWorker(): Promise<{ host: string; stop(): void }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "dev", "-c", "bench/wrangler.bench.jsonc", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", mkdtempSync(join(tmpdir(), "cos-bench-")), "--inspector-port", "0", "--show-interactive-dev-session=false"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => (out += d));
  const deadline = Date.now() + 90_000;
  while (!/Ready on/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host: `127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

async function startYWebsocket(): Promise<{ host: string; stop(): void }> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on("connection", (conn, req) => setupWSConnection(conn, req));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { host: `127.0.0.1:${port}`, stop: () => { wss.close(); server.close(); } };
}

function storageBench(edits = 10_000) {
  const sql = nodeSql();
  const store = new DocStore(sql);
  const doc = new Y.Doc();
  store.attach(doc, () => "bench");
  const tasks = doc.getMap<Y.Map<unknown>>("tasks");
  for (let i = 0; i < edits; i++) {
    if (i % 10 === 0) {
      const t = new Y.Map<unknown>();
      t.set("id", `t${i}`);
      t.set("title", `task ${i}`);
      t.set("status", "open");
      tasks.set(`t${i}`, t);
    } else {
      tasks.get(`t${i - (i % 10)}`)!.set("title", `task ${i} renamed`);
    }
  }
  const bytesPerEdit = store.storedBytes / edits;
  const load = () => time(() => store.load(new Y.Doc()));
  const uncompacted = [load(), load(), load(), load(), load()];
  store.compact({ everything: true });
  const compacted = [load(), load(), load(), load(), load()];
  return {
    "yjs.bytes_per_edit": { unit: "bytes", value: round(bytesPerEdit, 1), edits },
    "yjs.load_10k_edits": {
      unit: "ms",
      withoutCompaction: round(percentile(uncompacted, 50)),
      withCompaction: round(percentile(compacted, 50)),
      ratio: round(percentile(uncompacted, 50) / percentile(compacted, 50)),
    },
  };
}

export async function yjsBench() {
  const results: Record<string, unknown> = storageBench();
  const worker = await startBenchWorker();
  const yws = await startYWebsocket();
  try {
    const login = await fetch(`http://${worker.host}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `bench-${Date.now()}` }) });
    const { token } = (await login.json()) as { token: string };
    const brainUrl = async () => {
      const res = await fetch(`http://${worker.host}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      return `ws://${worker.host}/api/v1/socket?ticket=${encodeURIComponent(((await res.json()) as { ticket: string }).ticket)}`;
    };
    for (const n of [2, 5, 50]) {
      const edits = n === 50 ? 40 : 200;
      const name = `r${n}-${Date.now()}`;
      const { brain, bare, ref } = await latencies(
        { brain: brainUrl, bare: async () => `ws://${worker.host}/parties/bare-room/${name}`, ref: async () => `ws://${yws.host}/${name}` },
        n,
        edits,
      );
      const p = (s: number[], q: number) => round(percentile(s, q));
      results[`yjs.edit_latency_${n}_devices`] = {
        unit: "ms",
        brain: { p50: p(brain, 50), p99: p(brain, 99) },
        bareYServer: { p50: p(bare, 50), p99: p(bare, 99) },
        yWebsocketServer: { p50: p(ref, 50), p99: p(ref, 99) },
        ratioToBareYServer: round(percentile(brain, 50) / percentile(bare, 50)),
        ratioToYWebsocketServer: round(percentile(brain, 50) / percentile(ref, 50)),
        target: "≤ 1.1× bare YServer (p50)",
      };
    }
  } finally {
    worker.stop();
    yws.stop();
  }
  return results;
}
