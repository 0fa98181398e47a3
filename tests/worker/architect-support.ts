/** Helpers for the architect's worker tests: a user in a fixed week, two devices, and the runs of the Workflow binding. */
import { env, introspectWorkflow } from "cloudflare:test";
import { expect } from "vitest";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { LedgerEvent } from "../../shared/domain.ts";
import { api, clockedRoom, connect, freshUser, inRoom, login, stubOf, type TestSocket } from "./helpers.ts";

/** Monday 4 January 2027, 08:00 in Paris: "March 15" is ten weeks away. */
export const MONDAY = "2027-01-04T07:00:00.000Z";
export const ASK = "help me prepare for the half marathon on March 15";

export async function architectUser(label: string) {
  const user = freshUser(label);
  const token = await login(user);
  const room = await clockedRoom(user);
  await room.setClock(MONDAY);
  const prefs = await api(token).put("/api/v1/preferences", { timezone: "Europe/Paris", notifications: { quietHours: null } });
  if (prefs.status !== 200) throw new Error(`preferences: ${prefs.status}`);
  const devices: [TestSocket, TestSocket] = [await connect(token, "laptop"), await connect(token, "phone")];
  for (const d of devices) await d.hello();
  // A fresh stub per call: a stub to an object that was reset (evicted) stays broken.
  const inUserRoom = async <T>(fn: Parameters<typeof inRoom<T>>[1]) => inRoom(await stubOf(user), fn);
  return {
    user,
    token,
    devices,
    inRoom: inUserRoom,
    useModel: (model: () => LanguageModelV4) => inUserRoom((b) => b.debugArchitect().useModel(model)),
    events: (type: LedgerEvent["type"]) => inUserRoom((b) => b.debugLedger().ofTypes([type])),
  };
}

/** Sends a chat message from `device`; waits for its ack. */
export async function send(device: TestSocket, text = ASK): Promise<string> {
  const rid = `m-${crypto.randomUUID()}`;
  device.send({ type: "message.send", rid, command: { text, channel: "chat" } });
  const ack = await device.next("ack", (f) => f.rid === rid);
  return (ack.result as { turnId: string }).turnId;
}

/** Sends a chat message from `device` and waits for the turn's end on it. */
export async function ask(device: TestSocket, text = ASK): Promise<{ turnId: string; text: string }> {
  const turnId = await send(device, text);
  const done = await device.next("llm.completed", (f) => f.turnId === turnId);
  return { turnId, text: done.text };
}

/** Watches every architect instance created from now on; retries run without their backoff delays. */
export async function watchRuns() {
  const introspector = await introspectWorkflow(env.ARCHITECT);
  await introspector.modifyAll(async (m) => {
    await m.disableRetryDelays();
  });
  return introspector;
}

/** The one instance created since `watchRuns()`: the chat's turn creates it after the ack, so it is polled for. */
export async function theRun(runs: Awaited<ReturnType<typeof watchRuns>>) {
  await expect.poll(async () => (await runs.get()).length).toBe(1);
  return (await runs.get())[0]!;
}
