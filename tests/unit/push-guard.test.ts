/**
 * Where the room may send a push (docs/PROTOCOL.md N4, G9): the endpoint guard
 * against server-side request forgery, and the caps of the subscription body (N2).
 */
import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { checkEndpoint } from "../../party/push/endpoint-guard.ts";
import { vapidConfig } from "../../party/push/vapid.ts";
import { PushSubscriptionBodySchema, pushTopic } from "../../shared/push.ts";

const REFUSED_EVERYWHERE = [
  "ftp://push.example.com/x",
  "https://user:pw@push.example.com/x",
  "https://10.0.0.8/push",
  "https://172.16.5.4/push",
  "https://192.168.1.1/push",
  "https://169.254.169.254/latest/meta-data",
  "https://100.64.0.1/push",
  "https://0.0.0.0/push",
  "https://224.0.0.1/push",
  "https://[fd00::1]/push",
  "https://[fe80::1]/push",
  "https://[::ffff:10.0.0.1]/push",
  "https://[::ffff:169.254.169.254]/push",
  "https://[::]/push",
  "https://intranet/push",
  "https://printer.local/push",
  "https://router.home.arpa/push",
  "https://0x0a.0.0.1/push",
  "https://167772161/push",
  "http://push.example.com/x",
  "http://10.0.0.1/x",
];
const LOOPBACK = ["https://127.0.0.1/push", "https://127.1.2.3:8443/push", "https://localhost/push", "https://app.localhost/push", "https://[::1]/push", "https://2130706433/push", "https://[::ffff:127.0.0.1]/push"];
const PUBLIC = ["https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/x", "https://web.push.apple.com/Q", "https://8.8.8.8/push", "https://[2001:4860::1]/push"];

describe("Push — the endpoint guard (N4, G9)", () => {
  it("[N4][G9] production: only https on public hosts; private, loopback, link-local, ULA, special-use and disguised literals are refused", () => {
    for (const url of [...REFUSED_EVERYWHERE, ...LOOPBACK, "http://127.0.0.1:9999/push", "http://localhost/push"]) {
      expect({ url, ok: checkEndpoint(url, false).ok }).toEqual({ url, ok: false });
    }
    for (const url of PUBLIC) expect({ url, ok: checkEndpoint(url, false).ok }).toEqual({ url, ok: true });
  });

  it("[N4] development: also http (and https) on loopback — never on a private network", () => {
    for (const url of ["http://127.0.0.1:9999/push", "http://localhost:4000/p", "http://[::1]:5000/p", ...LOOPBACK]) {
      expect({ url, ok: checkEndpoint(url, true).ok }).toEqual({ url, ok: true });
    }
    for (const url of REFUSED_EVERYWHERE) expect({ url, ok: checkEndpoint(url, true).ok }).toEqual({ url, ok: false });
  });

  it("[N2] the subscription body is capped and strict: endpoint ≤ 2048, p256dh a 65-byte point, auth 16 bytes, nothing else", () => {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const good = { endpoint: "https://fcm.googleapis.com/fcm/send/x", expirationTime: null, keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth: randomBytes(16).toString("base64url") } };
    expect(PushSubscriptionBodySchema.safeParse(good).success).toBe(true);
    const bad = [
      { ...good, endpoint: `https://push.example.com/${"a".repeat(2048)}` },
      { ...good, endpoint: "javascript:alert(1)" },
      { ...good, keys: { ...good.keys, p256dh: ecdh.getPublicKey("base64url", "compressed") } },
      { ...good, keys: { ...good.keys, p256dh: "A".repeat(100_000) } },
      { ...good, keys: { ...good.keys, auth: randomBytes(15).toString("base64url") } },
      { ...good, keys: { ...good.keys, auth: "not base64url!" } },
      { ...good, extra: 1 },
      { ...good, keys: { ...good.keys, extra: 1 } },
      { endpoint: good.endpoint },
    ];
    for (const body of bad) expect(PushSubscriptionBodySchema.safeParse(body).success).toBe(false);
  });

  it("[N11] the Topic is the notification id without dashes: 32 url-safe characters", () => {
    expect(pushTopic("01a24d5b-6170-745f-88ea-7fdad24d25df")).toBe("01a24d5b6170745f88ea7fdad24d25df");
  });

  it("[N1] VAPID settings: absent is push off; malformed is a reported problem, not a crash", () => {
    expect(vapidConfig({})).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(vapidConfig({ VAPID_PUBLIC_KEY: "abc", VAPID_PRIVATE_KEY: "def", VAPID_SUBJECT: "mailto:a@b.c" })).toMatchObject({ ok: false, error: { code: "internal" } });
    const keys = webpush.generateVAPIDKeys();
    const env = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:ops@example.com" };
    expect(vapidConfig(env)).toMatchObject({ ok: true, value: { publicKey: env.VAPID_PUBLIC_KEY } });
    expect(vapidConfig({ ...env, VAPID_SUBJECT: "ops" })).toMatchObject({ ok: false, error: { code: "internal" } });
  });
});
