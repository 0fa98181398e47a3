/** Helpers for tests that run inside workerd against the real worker (SELF) and Brain rooms. */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { getServerByName } from "partyserver";
import { TestBrain } from "./test-brain.ts";
import { parseServerFrame, PROTOCOL_VERSION, type ServerFrame } from "../../shared/protocol.ts";
import { whenTrue } from "../support/wait.ts";

export const BASE = "https://cos.test";

export async function login(userId: string): Promise<string> {
  const res = await SELF.fetch(`${BASE}/api/v1/dev/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

let users = 0;
/** A fresh user per test keeps rooms (and their rate limits) independent. */
export const freshUser = (label: string) => `${label}-${Date.now().toString(36)}-${++users}`;

export function api(token: string) {
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    SELF.fetch(`${BASE}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call("POST", path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call("PUT", path, body, headers),
  };
}

/** A socket to the user's brain, speaking the JSON protocol; binary Yjs frames are counted, not parsed. */
export type TestSocket = {
  ws: WebSocket;
  frames: ServerFrame[];
  binary: number;
  closed: { code: number; reason: string } | null;
  send(frame: unknown): void;
  sendRaw(raw: string | ArrayBuffer): void;
  /** Takes the first frame of `type` (that `match`es) out of `frames`, waiting for it if need be; rejects if the socket closes first. */
  next<T extends ServerFrame["type"]>(type: T, match?: (f: Extract<ServerFrame, { type: T }>) => boolean): Promise<Extract<ServerFrame, { type: T }>>;
  /** Waits until `check` holds, re-checked as each frame arrives; rejects if the socket closes first. */
  until(check: () => boolean, what: string): Promise<void>;
  /** Waits for the room to close the socket. */
  whenClosed(): Promise<{ code: number; reason: string }>;
  /**
   * A ping's pong: the room handled every frame sent before it, and every
   * frame it sent on this socket before answering has arrived (one socket is
   * ordered). What a test asserts did not arrive, it asserts after this.
   */
  roundTrip(): Promise<void>;
  hello(over?: Record<string, unknown>): Promise<Extract<ServerFrame, { type: "welcome" }>>;
  close(): void;
};

export async function ticket(token: string): Promise<string> {
  const res = await api(token).post("/api/v1/socket/ticket", undefined);
  if (res.status !== 201) throw new Error(`ticket failed: ${res.status}`);
  return ((await res.json()) as { ticket: string }).ticket;
}

/**
 * `headers`: more headers on the upgrade request, e.g. a browser's `user-agent` (P16);
 * `connectionId`: the socket's id (the provider's `_pk`), to open two sockets under one id (P17).
 */
export async function connect(token: string, deviceId = "device-1", headers: Record<string, string> = {}, connectionId?: string): Promise<TestSocket> {
  const t = await ticket(token);
  const pk = connectionId === undefined ? "" : `&_pk=${encodeURIComponent(connectionId)}`;
  const res = await SELF.fetch(`${BASE}/api/v1/socket?ticket=${encodeURIComponent(t)}${pk}`, { headers: { ...headers, upgrade: "websocket" } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no websocket: ${res.status} ${await res.text()}`);
  ws.accept();
  (ws as unknown as { binaryType: string }).binaryType = "arraybuffer";
  /** Re-checks of pending waits, run on every frame and on close. */
  const watchers = new Set<() => void>();
  // After the event's other listeners (a Yjs device applies its update in its own), so a check sees their effect.
  const recheckAll = () => queueMicrotask(() => [...watchers].forEach((recheck) => recheck()));
  const watch = (recheck: () => void) => {
    watchers.add(recheck);
    return () => void watchers.delete(recheck);
  };
  /** Frames the room sent that ServerFrameSchema refuses: a protocol bug, reported by the next wait. */
  const outside: string[] = [];
  const guard = (what: string) => {
    if (outside.length > 0) throw new Error(`the room sent a frame outside the protocol: ${outside[0]}`);
    if (socket.closed) throw new Error(`socket closed (${socket.closed.code} ${socket.closed.reason}) while waiting for ${what}; have ${JSON.stringify(socket.frames)}`);
  };
  let pings = 0;
  const socket: TestSocket = {
    ws,
    frames: [],
    binary: 0,
    closed: null,
    send: (frame) => ws.send(`__YPS:${JSON.stringify(frame)}`),
    sendRaw: (raw) => ws.send(raw),
    async next(type, match = () => true) {
      let found: ServerFrame | undefined;
      const check = () => {
        // Taken as soon as it is seen, so two waits for one type never get the same frame.
        const at = socket.frames.findIndex((f) => f.type === type && match(f as never));
        if (at >= 0) {
          found = socket.frames.splice(at, 1)[0];
          return true;
        }
        guard(`a ${type} frame`);
        return false;
      };
      await whenTrue(check, watch, () => `a ${type} frame on ${deviceId}; have ${JSON.stringify(socket.frames)}`);
      return found as never;
    },
    until: (check, what) =>
      whenTrue(
        () => {
          if (check()) return true;
          guard(what);
          return false;
        },
        watch,
        () => `${what} on ${deviceId}; have ${JSON.stringify(socket.frames)}`,
      ),
    async whenClosed() {
      await whenTrue(() => socket.closed !== null, watch, () => `${deviceId} to be closed`);
      return socket.closed!;
    },
    async roundTrip() {
      const rid = `round-trip-${++pings}`;
      socket.send({ type: "ping", rid });
      await socket.next("pong", (f) => f.rid === rid);
    },
    hello: (over = {}) => {
      socket.send({ type: "hello", v: PROTOCOL_VERSION, deviceId, name: deviceId, kind: "web", ...over });
      return socket.next("welcome");
    },
    close: () => ws.close(1000, "done"),
  };
  ws.addEventListener("message", (e) => {
    if (typeof e.data === "string" && e.data.startsWith("__YPS:")) {
      const frame = parseServerFrame(e.data.slice(6));
      if (frame) socket.frames.push(frame);
      else outside.push(e.data.slice(6));
    } else socket.binary++;
    recheckAll();
  });
  ws.addEventListener("close", (e) => {
    socket.closed = { code: e.code, reason: e.reason };
    recheckAll();
  });
  return socket;
}

/**
 * What a client sees when it opens `/api/v1/socket?<query>`: the status, and
 * either the close the server sent before anything else (a refusal: A4, P15)
 * or `opened` once a room spoke first (a room sends Yjs sync step 1 at once).
 */
export async function upgradeOutcome(query: string): Promise<{ status: number; close: { code: number; reason: string } | null; opened: boolean }> {
  const res = await SELF.fetch(`${BASE}/api/v1/socket?${query}`, { headers: { upgrade: "websocket" } });
  const ws = res.webSocket;
  if (!ws) return { status: res.status, close: null, opened: false };
  const first = new Promise<{ close: { code: number; reason: string } | null; opened: boolean }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ close: { code: e.code, reason: e.reason }, opened: false }));
    ws.addEventListener("message", () => resolve({ close: null, opened: true }));
  });
  ws.accept();
  const outcome = await first;
  if (outcome.opened) ws.close(1000, "done");
  return { status: res.status, ...outcome };
}

/**
 * What the Durable Object named `userId` holds: its SQLite tables (sqlite_master
 * lists the KV table too) and its alarm. Reading instantiates the object — runs
 * its constructor — but sends it no request, so an object no request reached
 * must read as `{ tables: 0, alarm: null }` (G8).
 */
export function storageOf(userId: string): Promise<{ tables: number; alarm: number | null }> {
  return runInDurableObject(env.Brain.get(env.Brain.idFromName(userId)), async (_brain, state) => ({
    tables: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master").one().n,
    alarm: await state.storage.getAlarm(),
  }));
}

/** The user's Brain stub. */
export const stubOf = (user: string) => getServerByName(env.Brain, user);

/**
 * Runs `fn` inside the user's room. runInDurableObject bypasses fetch, where
 * partyserver would run onStart, so the room is initialized first. Streams a
 * test feeds a gated model from also belong to the room's I/O context.
 */
export function inRoom<T>(stub: DurableObjectStub, fn: (brain: TestBrain, state: DurableObjectState) => T | Promise<T>): Promise<T> {
  return runInDurableObject(stub, async (brain, state) => {
    if (!(brain instanceof TestBrain)) throw new Error("worker tests bind Brain to TestBrain (tests/worker/test-worker.ts)");
    await brain.__unsafe_ensureInitialized();
    return fn(brain, state);
  });
}

/** The user's room with a clock the test sets, and its alarm run on demand (S11). */
export async function clockedRoom(user: string) {
  const stub = await stubOf(user);
  return {
    setClock: (iso: string) => inRoom(stub, (b) => b.debugSetClock(Date.parse(iso))),
    alarm: () => runDurableObjectAlarm(stub),
    inRoom: <T>(fn: (brain: TestBrain, storage: DurableObjectState) => T | Promise<T>) => inRoom(stub, fn),
  };
}
