/** Real clients of a running dev server: HTTP, a y-partyserver provider device, and a partysocket device. */
import ReconnectingWebSocket from "partysocket/ws";
import YProvider from "y-partyserver/provider";
import * as Y from "yjs";
import { PROTOCOL_VERSION, type ServerFrame, ServerFrameSchema } from "../../shared/protocol.ts";
import { whenTrue } from "../support/wait.ts";
import type { DevServer } from "./dev-server.ts";

export async function login(server: DevServer, userId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/dev/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`login ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function http(server: DevServer, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
}

async function ticket(server: DevServer, token: string): Promise<string> {
  const { body } = await http(server, token)<{ ticket: string }>("POST", "/api/v1/socket/ticket");
  return body.ticket;
}

/** Collects JSON frames and lets a test wait for one: re-checked on each frame, never on a clock (tests/support/wait.ts). */
export class FrameLog {
  frames: ServerFrame[] = [];
  #watchers = new Set<() => void>();
  push(raw: string) {
    const parsed = ServerFrameSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`server sent a frame outside the protocol: ${raw}`);
    this.frames.push(parsed.data);
    for (const recheck of [...this.#watchers]) recheck();
  }
  async waitFor<T extends ServerFrame["type"]>(type: T, match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true): Promise<Extract<ServerFrame, { type: T }>> {
    let found: ServerFrame | undefined;
    await whenTrue(
      () => (found = this.frames.find((f) => f.type === type && match(f as never))) !== undefined,
      (recheck) => {
        this.#watchers.add(recheck);
        return () => void this.#watchers.delete(recheck);
      },
      () => `${type}; saw ${JSON.stringify(this.frames.map((f) => f.type))}`,
    );
    return found as never;
  }
}

const hello = (deviceId: string, kind: string, lastEventSeq?: number) =>
  JSON.stringify({ type: "hello", v: PROTOCOL_VERSION, deviceId, name: deviceId, kind, lastEventSeq });

/** A device like the web app: y-partyserver provider, Yjs doc synced, JSON over the custom-message channel. */
export function providerDevice(server: DevServer, token: string, deviceId: string) {
  const doc = new Y.Doc();
  const log = new FrameLog();
  const provider = new YProvider(server.host, "ignored-by-server", doc, {
    prefix: "/api/v1/socket",
    params: async () => ({ ticket: await ticket(server, token) }),
    disableBc: true,
  });
  provider.on("status", ({ status }: { status: string }) => {
    if (status === "connected") provider.sendMessage(hello(deviceId, "web"));
  });
  provider.on("custom-message", (raw: string) => log.push(raw));
  const tasks = () => [...doc.getMap<Y.Map<unknown>>("tasks").values()].map((m) => m.toJSON() as { title: string; status: string });
  let pings = 0;
  /** A ping's pong: every frame the room sent this device before it has arrived (one socket is ordered). */
  const roundTrip = async () => {
    const rid = `round-trip-${++pings}`;
    provider.sendMessage(JSON.stringify({ type: "ping", rid }));
    await log.waitFor("pong", (f) => f.rid === rid);
  };
  return { doc, provider, log, tasks, roundTrip, close: () => provider.destroy() };
}

/** A device on plain partysocket: JSON protocol only, fresh ticket on every reconnect. */
export function socketDevice(server: DevServer, token: string, deviceId: string) {
  const log = new FrameLog();
  const ws = new ReconnectingWebSocket(async () => `ws://${server.host}/api/v1/socket?ticket=${encodeURIComponent(await ticket(server, token))}`);
  ws.addEventListener("open", () => ws.send(`__YPS:${hello(deviceId, "cli")}`));
  ws.addEventListener("message", (e: MessageEvent) => {
    if (typeof e.data === "string" && e.data.startsWith("__YPS:")) log.push(e.data.slice(6));
  });
  return { ws, log, send: (frame: unknown) => ws.send(`__YPS:${JSON.stringify(frame)}`), close: () => ws.close() };
}

/** Waits until `check` holds over a device's document, re-checked on each update it applies. */
export function untilDoc(doc: Y.Doc, check: () => boolean, what: string): Promise<void> {
  return whenTrue(
    check,
    (recheck) => {
      doc.on("update", recheck);
      return () => doc.off("update", recheck);
    },
    () => what,
  );
}
