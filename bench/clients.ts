/**
 * Devices for the memory, wake-up and cost-curve benchmarks: a user's login
 * and socket tickets, and a WebSocket device that speaks both halves of the
 * Brain's socket — y-protocols sync on binary frames and the JSON app
 * protocol on `__YPS:` strings — or only Yjs, against a bare room.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

const REMOTE = Symbol("remote");
const WS_PREFIX = "__YPS:";

export async function login(host: string, userId: string): Promise<{ ticket(): Promise<string> }> {
  const res = await fetch(`http://${host}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) });
  if (!res.ok) throw new Error(`login ${userId}: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return {
    ticket: async () => {
      const t = await fetch(`http://${host}/api/v1/socket/ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      if (!t.ok) throw new Error(`ticket ${userId}: ${t.status}`);
      return ((await t.json()) as { ticket: string }).ticket;
    },
  };
}

export const brainUrl = (host: string, ticket: string) => `ws://${host}/api/v1/socket?ticket=${encodeURIComponent(ticket)}`;

export type Device = {
  doc: Y.Doc;
  ws: WebSocket;
  /** performance.now() of the moments the device got there; undefined until then. */
  at: { open?: number; synced?: number; welcome?: number; state?: number };
  /** JSON frames by type, with their arrival time. */
  frames: { type: string; at: number; frame: Record<string, unknown> }[];
  onFrame?: (frame: Record<string, unknown>, at: number) => void;
  send(frame: unknown): void;
  close(): void;
};

/** Opens a device; with `hello`, says hello (the Brain's JSON protocol) as soon as the socket opens. */
export function openDevice(url: string, hello?: { deviceId: string; lastEventSeq?: number }): Device {
  const doc = new Y.Doc();
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const device: Device = {
    doc,
    ws,
    at: {},
    frames: [],
    send: (frame) => ws.send(`${WS_PREFIX}${JSON.stringify(frame)}`),
    close: () => ws.close(),
  };
  const sync = yjsSync(ws, doc, () => (device.at.synced ??= performance.now()));
  ws.addEventListener("open", () => {
    device.at.open = performance.now();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, doc);
    ws.send(encoding.toUint8Array(encoder));
    if (hello) device.send({ type: "hello", v: 1, deviceId: hello.deviceId, name: hello.deviceId, kind: "cli", ...(hello.lastEventSeq !== undefined ? { lastEventSeq: hello.lastEventSeq } : {}) });
  });
  ws.addEventListener("message", (e) => {
    const now = performance.now();
    if (typeof e.data === "string") {
      if (!e.data.startsWith(WS_PREFIX)) return;
      const frame = JSON.parse(e.data.slice(WS_PREFIX.length)) as Record<string, unknown>;
      const type = String(frame.type);
      device.frames.push({ type, at: now, frame });
      if (type === "welcome") device.at.welcome = now;
      if (type === "snapshot" || type === "events") device.at.state ??= now;
      device.onFrame?.(frame, now);
      return;
    }
    sync(e.data as ArrayBuffer);
  });
  return device;
}

/** Waits until `ready()` holds, polling; throws with `what` after `ms`. */
/**
 * y-protocols sync over a raw socket: `doc`'s own updates are sent as they happen; the
 * returned handler applies a binary message (answering a sync step) and calls `onSynced`
 * at the room's step 1.
 */
export function yjsSync(ws: WebSocket, doc: Y.Doc, onSynced: () => void): (data: ArrayBuffer) => void {
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE || ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, update);
    ws.send(encoding.toUint8Array(encoder));
  });
  return (data) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    const step = syncProtocol.readSyncMessage(decoder, encoder, doc, REMOTE);
    if (step === 1) onSynced();
    if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
  };
}

export async function until(ready: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const seedQuery = (s: { events: number; tasks: number; notes: number; archivedDays: number }) => `events=${s.events}&tasks=${s.tasks}&notes=${s.notes}&days=${s.archivedDays}`;

/** A valid task as a device writes it (the Brain repairs or removes invalid ones, D6). */
export function addTask(doc: Y.Doc, id: string, title: string): void {
  const now = new Date().toISOString();
  doc.transact(() => {
    const task = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ id, title, status: "open", due: null, tags: [], order: 1, createdAt: now, updatedAt: now, createdBy: "user:bench" })) task.set(k, v);
    doc.getMap("tasks").set(id, task);
  });
}
