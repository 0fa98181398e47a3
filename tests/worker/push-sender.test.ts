/**
 * Web Push inside workerd (docs/PROTOCOL.md N18): web-push's VAPID signing and
 * aes128gcm encryption run in the Workers runtime under `nodejs_compat`
 * (wrangler.jsonc), and the message decrypts with the device's key.
 */
import { createECDH, randomBytes } from "node:crypto";
import { decrypt } from "http_ece";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { type PushMessage, sendPush } from "../../party/push/sender.ts";

describe("Push — the sender in workerd (N18)", () => {
  it("[N18] signs and encrypts in the Workers runtime; the body decrypts with the device's key", async () => {
    const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:test@example.com" };
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16).toString("base64url");
    const message: PushMessage = {
      subscription: { id: "s", deviceId: "d", origin: "https://push.example.com", createdAt: new Date(0).toISOString(), endpoint: "https://push.example.com/x", keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth }, expiresAt: null },
      payload: { type: "cleared", id: "n1" },
      ttl: 60,
      urgency: "normal",
      topic: "n1",
    };
    let seen: { headers: Headers; body: Uint8Array } | null = null;
    const fetcher = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen = { headers: new Headers(init?.headers), body: new Uint8Array(init?.body as Uint8Array) };
      return new Response(null, { status: 201 });
    }) as typeof fetch;
    expect(await sendPush(vapid, message, false, fetcher)).toEqual({ kind: "sent", status: 201 });
    const got = seen as { headers: Headers; body: Uint8Array } | null;
    expect(got?.headers.get("authorization")).toMatch(/^vapid t=/);
    const text = decrypt(Buffer.from(got!.body), { version: "aes128gcm", privateKey: ecdh, authSecret: auth }).toString("utf8");
    expect(JSON.parse(text)).toEqual({ type: "cleared", id: "n1" });
  });
});
