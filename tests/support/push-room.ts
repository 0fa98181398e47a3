/**
 * A room core that may push (docs/PROTOCOL.md N1–N16), for unit tests: VAPID
 * settings, a fake push port that records each message and answers what the
 * test queued, the HTTP API at hand, and a reminder fired from the alarm on the
 * room's fixed clock (S11).
 */
import { createECDH, randomBytes } from "node:crypto";
import { expect } from "vitest";
import webpush from "web-push";
import type { PushMessage, PushOutcome } from "../../party/push/sender.ts";
import { FakeRoom } from "./fake-room.ts";

const NOW = Date.parse("2026-11-25T10:00:00Z");
const MIN = 60_000;

/** VAPID settings for a room that may push. */
export function vapidEnv(): Record<string, string> {
  const keys = webpush.generateVAPIDKeys();
  return {
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: "mailto:test@example.com",
    ENVIRONMENT: "development",
  };
}

/** A fake push port: records each message; answers what the test queued (201 by default), or holds it until released. */
export function fakePort() {
  const sent: PushMessage[] = [];
  const outcomes: PushOutcome[] = [];
  /** While `holding`, each answer waits until `release()`: a push in flight. */
  const held: (() => void)[] = [];
  const waiting: (() => void)[] = [];
  const fake = {
    /** Resolves when the port is next called (a send has started). */
    nextSend: () => new Promise<void>((resolve) => waiting.push(resolve)),
    sent,
    outcomes,
    holding: false,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    port: async (message: PushMessage): Promise<PushOutcome> => {
      sent.push(message);
      for (const wake of waiting.splice(0)) wake();
      const outcome = outcomes.shift() ?? { kind: "sent", status: 201 };
      if (!fake.holding) return outcome;
      return new Promise<PushOutcome>((resolve) => held.push(() => resolve(outcome)));
    },
  };
  return fake;
}

function subscriptionBody(n: number) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { endpoint: `https://push.example.com/send/${n}`, keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth: randomBytes(16).toString("base64url") } };
}

/** `env` overrides the room's settings (e.g. `ENVIRONMENT: "production"` for the strict endpoint guard). */
export async function pushRoom(env: Record<string, string> = {}) {
  const fake = fakePort();
  const room = new FakeRoom({ now: NOW, env: { ...vapidEnv(), ...env }, push: fake.port });
  const api = async (method: string, path: string, body?: unknown, deviceId?: string) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (deviceId) headers["x-device-id"] = deviceId;
    const res = await room.room.request(new Request(`http://room${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }), "req-test");
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { room, fake, api, subscriptionBody };
}

/** Sets a reminder one minute ahead and fires it from the alarm, as the host would (S11: the room's clock). */
export async function fireReminder(room: FakeRoom, title = "Call John") {
  const set = await room.room.request(
    new Request("http://room/api/v1/reminders", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ at: new Date(room.clock + MIN).toISOString(), title }) }),
    "req-set",
  );
  expect(set.status).toBe(201);
  room.clock += MIN;
  await room.room.alarm();
  return Object.values(room.room.ledger.state.notifications).find((n) => n.title === title)!;
}

