/**
 * Memory (issue 19 item 3): what the workerd process holds, in resident bytes,
 * per idle room (awake, and hibernated with one device), per connected device,
 * and per 10k tasks in the document — the Brain beside a bare YServer that
 * stores the same document in SQLite. Rooms are seeded by one process and
 * measured in a second one on the same storage, so the figures are rooms
 * loaded from storage (as after a wake), without the seeding's garbage.
 * Each figure comes from its own fresh process (warmed up through every
 * path first), read 1.5 s after the rooms or devices arrived. RSS counts
 * garbage V8 has not collected and freed heap it keeps for reuse: a few
 * hundred KiB of noise per room; both variants are measured alike.
 */
import * as Y from "yjs";
import { round } from "./stats.ts";
import { brainUrl, type Device, login, openDevice, seedQuery, until } from "./clients.ts";
import { startWorkerd, storageDir, type Workerd } from "./workerd.ts";
import { seedDoc, type SeedSize } from "../tests/support/seed-history.ts";

const ROOMS = 100;
const DEVICES = 200;
const BIG_ROOMS = 5;
/** A small room of a few days' use: its document is what both variants hold. */
const SMALL: SeedSize = { events: 200, tasks: 30, notes: 5, archivedDays: 3 };
const BIG: SeedSize = { events: 200, tasks: 10_000, notes: 0, archivedDays: 0 };
/** Local workerd evicts a room with only hibernatable sockets after about 10 s idle (measured: bench/measure-worker.ts counts starts). */
const HIBERNATE_WAIT_MS = 15_000;

type Variant = "brain" | "bare";
const settle = (ms = 1_500) => new Promise((r) => setTimeout(r, ms));

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const docOf = (size: SeedSize) => {
  const doc = new Y.Doc();
  seedDoc(doc, size, new Date(Date.now() - 86_400_000).toISOString());
  return Y.encodeStateAsUpdate(doc);
};

async function seedAll(variant: Variant, storage: string, run: string): Promise<void> {
  const worker = await startWorkerd({ storage });
  try {
    const small = docOf(SMALL);
    const big = docOf(BIG);
    const rooms = [...Array.from({ length: 2 * ROOMS + 2 }, (_, i) => ({ name: `${run}-small-${i}`, size: SMALL, doc: small })), ...Array.from({ length: BIG_ROOMS }, (_, i) => ({ name: `${run}-big-${i}`, size: BIG, doc: big }))];
    await inBatches(rooms, 4, async (room) => {
      const res =
        variant === "brain"
          ? await fetch(`http://${worker.host}/bench/seed?user=${room.name}&${seedQuery(room.size)}`)
          : await fetch(`http://${worker.host}/bench/seed-bare?bare=${room.name}`, { method: "POST", body: new Blob([new Uint8Array(room.doc)]) });
      if (!res.ok) throw new Error(`seeding ${room.name}: ${res.status} ${await res.text()}`);
    });
  } finally {
    worker.stop();
  }
}

const wake = (w: Workerd, variant: Variant, name: string) => fetch(`http://${w.host}/bench/wake?${variant === "brain" ? "user" : "bare"}=${name}`).then((r) => r.json());

const sessions = new Map<string, ReturnType<typeof login>>();

async function connect(w: Workerd, variant: Variant, name: string, deviceId: string): Promise<Device> {
  const key = `${w.host}/${name}`;
  if (variant === "brain" && !sessions.has(key)) sessions.set(key, login(w.host, name));
  const url = variant === "brain" ? brainUrl(w.host, await (await sessions.get(key)!).ticket()) : `ws://${w.host}/parties/bare-stored-room/${name}`;
  const device = openDevice(url, variant === "brain" ? { deviceId } : undefined);
  await until(() => device.at.synced !== undefined && (variant === "bare" || device.at.welcome !== undefined), `${deviceId} synced`);
  return device;
}

/** One phase in a fresh workerd on the seeded storage, after a warm-up through every path. */
async function phase<T>(variant: Variant, storage: string, run: string, body: (w: Workerd) => Promise<T>): Promise<T> {
  const worker = await startWorkerd({ storage });
  try {
    const warm = await connect(worker, variant, `${run}-small-${2 * ROOMS}`, "warm");
    warm.close();
    await settle();
    return await body(worker);
  } finally {
    worker.stop();
  }
}

async function measure(variant: Variant, storage: string, run: string) {
  const small = (from: number) => Array.from({ length: ROOMS }, (_, i) => `${run}-small-${from + i}`);
  const awake = await phase(variant, storage, run, async (worker) => {
    const r0 = worker.rss();
    await inBatches(small(0), 10, (name) => wake(worker, variant, name));
    await settle();
    return (worker.rss() - r0) / ROOMS;
  });
  const per10kTasks = await phase(variant, storage, run, async (worker) => {
    const r0 = worker.rss();
    await inBatches(Array.from({ length: BIG_ROOMS }, (_, i) => `${run}-big-${i}`), BIG_ROOMS, (name) => wake(worker, variant, name));
    await settle();
    return (worker.rss() - r0) / BIG_ROOMS - awake;
  });
  const perDevice = await phase(variant, storage, run, async (worker) => {
    const host = `${run}-small-${2 * ROOMS + 1}`;
    const devices: Device[] = [await connect(worker, variant, host, "d-first")];
    await settle();
    const r0 = worker.rss();
    for (let i = 0; i < DEVICES; i++) devices.push(await connect(worker, variant, host, `d-${i}`));
    await settle();
    const bytes = (worker.rss() - r0) / DEVICES;
    devices.forEach((d) => d.close());
    return bytes;
  });
  // Hibernated: each room with one idle device, left alone until the runtime evicts it. RSS does not
  // fall when V8 frees a heap (it keeps the pages for reuse), so batch A's eviction is read through
  // batch B: B's rooms wake into the heap A freed, and what B adds once hibernated too is what a
  // hibernated room keeps (its socket and whatever the runtime holds for it).
  const hibernation = await phase(variant, storage, run, async (worker) => {
    const started = async () => ((await (await fetch(`http://${worker.host}/bench/started`)).json()) as Record<Variant, number>)[variant];
    const idle: Device[] = [];
    const batch = async (from: number) => {
      const h0 = worker.rss();
      await inBatches(small(from), 10, async (name) => idle.push(await connect(worker, variant, name, `idle-${name}`)));
      const awakeWithDevice = (worker.rss() - h0) / ROOMS;
      await settle(HIBERNATE_WAIT_MS);
      return { h0, awakeWithDevice };
    };
    const a = await batch(0);
    const b = await batch(ROOMS);
    const hibernated = (worker.rss() - b.h0) / ROOMS;
    // Proof they were evicted: a frame to one wakes its room again (a new start).
    const before = await started();
    idle[0]!.ws.send(new Uint8Array([0, 0, 1, 0]));
    await settle(500);
    const evicted = (await started()) > before;
    idle.forEach((d) => d.close());
    return { awakeWithDevice: a.awakeWithDevice, hibernated, evicted };
  });
  return { awake, perDevice, per10kTasks, ...hibernation };
}

export async function memoryBench(): Promise<Record<string, unknown>> {
  const run = `mem-${Date.now()}`;
  const figures: Record<Variant, Awaited<ReturnType<typeof measure>>> = {} as Record<Variant, Awaited<ReturnType<typeof measure>>>;
  for (const variant of ["bare", "brain"] as const) {
    const storage = storageDir();
    await seedAll(variant, storage, run);
    figures[variant] = await measure(variant, storage, run);
  }
  const kb = (bytes: number) => round(bytes / 1024, 1);
  const row = (key: "awake" | "hibernated" | "perDevice" | "per10kTasks", note: string) => ({
    unit: "KiB",
    brain: kb(figures.brain[key]),
    bareStoredYServer: kb(figures.bare[key]),
    ratio: round(figures.brain[key] / figures.bare[key]),
    note,
    target: "≤ 1.5× bare",
  });
  return {
    "memory.idle_room_awake": row("awake", `resident bytes per room loaded from storage, no device (${ROOMS} rooms of ${SMALL.tasks} tasks, ${SMALL.notes} notes; the Brain's also ${SMALL.events} events, ${SMALL.archivedDays} archived days)`),
    "memory.idle_room_hibernated": {
      ...row("hibernated", `per room with one idle device, ${HIBERNATE_WAIT_MS / 1000} s after its last frame; upper bound (freed V8 heap not yet returned counts)`),
      awakeWithDeviceKiB: { brain: kb(figures.brain.awakeWithDevice), bareStoredYServer: kb(figures.bare.awakeWithDevice) },
      evicted: { brain: figures.brain.evicted, bareStoredYServer: figures.bare.evicted },
    },
    "memory.per_device": row("perDevice", `per connected device, ${DEVICES} devices on one awake room`),
    "memory.per_10k_tasks": row("per10kTasks", `per room of 10k tasks loaded, minus an idle room's (${BIG_ROOMS} rooms)`),
  };
}
