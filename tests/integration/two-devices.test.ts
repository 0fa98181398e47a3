import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Memory, Task } from "../../shared/domain.ts";
import { http, login, providerDevice, socketDevice, untilDoc } from "./clients.ts";
import { type DevServer, newStateDir, startDevServer } from "./dev-server.ts";

describe("Brain — a running dev server with real clients", () => {
  let server: DevServer;
  const stateDir = newStateDir();
  beforeAll(async () => {
    server = await startDevServer(stateDir);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("[P7][P9][G3][G4] two devices of one user see each other and each other's tasks; another user sees none", async () => {
    const alice = await login(server, "alice");
    const bob = await login(server, "bob");
    const laptop = providerDevice(server, alice, "alice-laptop");
    const phone = socketDevice(server, alice, "alice-phone");
    const bobs = providerDevice(server, bob, "bob-laptop");
    try {
      await laptop.log.waitFor("welcome");
      await phone.log.waitFor("welcome");
      await bobs.log.waitFor("welcome");
      const presence = await laptop.log.waitFor("presence", (f) => f.devices.length === 2);
      expect(presence.devices.map((d) => d.deviceId).sort()).toEqual(["alice-laptop", "alice-phone"]);

      // The phone creates a task over the JSON protocol; the laptop's Yjs document gets it live.
      phone.send({ type: "task", rid: "t1", command: { action: "create", task: { title: "Call John", due: "2026-11-22T15:00:00Z" } } });
      await phone.log.waitFor("ack", (f) => f.rid === "t1");
      await untilDoc(laptop.doc, () => laptop.tasks().some((t) => t.title === "Call John"), "task reaches the laptop's document");

      // HTTP writes reach both devices too: the task through Yjs, the memory as a ledger event.
      const api = http(server, alice);
      const pinned = await api<Memory>("POST", "/api/v1/memory/pin", { type: "place", key: "favorite airport", value: "JFK" });
      expect(pinned.status).toBe(200);
      await phone.log.waitFor("event", (f) => f.event.type === "memory.pinned");
      await laptop.log.waitFor("event", (f) => f.event.type === "memory.pinned");

      // Bob's device saw none of it: checked after his room answered a ping, not after a sleep.
      await bobs.roundTrip();
      expect(bobs.tasks()).toEqual([]);
      expect(bobs.log.frames.filter((f) => f.type === "event")).toEqual([]);
      expect(bobs.log.frames.filter((f) => f.type === "presence").flatMap((f) => (f.type === "presence" ? f.devices : [])).map((d) => d.deviceId)).toEqual(["bob-laptop"]);
    } finally {
      laptop.close();
      phone.close();
      bobs.close();
    }
  });

  it("[L8][D5][G1] restarting the server keeps every task, memory and event", async () => {
    const alice = await login(server, "alice");
    const before = await http(server, alice)<{ tasks: Task[]; memories: Memory[]; lastEventSeq: number }>("GET", "/api/v1/state");
    expect(before.body.tasks.length).toBeGreaterThan(0);
    await server.stop();
    server = await startDevServer(stateDir);
    const token = await login(server, "alice");
    const after = await http(server, token)<typeof before.body>("GET", "/api/v1/state");
    expect(after.body.tasks).toEqual(before.body.tasks);
    expect(after.body.memories).toEqual(before.body.memories);
    expect(after.body.lastEventSeq).toBe(before.body.lastEventSeq);
    // A device that reconnects after the restart receives the same document.
    const laptop = providerDevice(server, token, "alice-laptop");
    try {
      await untilDoc(laptop.doc, () => laptop.tasks().length === before.body.tasks.length, "document synced after restart");
    } finally {
      laptop.close();
    }
  });
});
