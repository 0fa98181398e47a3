/**
 * The sender (docs/PROTOCOL.md N11, N14, N17, N18): web-push's request details
 * sent through a fake fetch — the body decrypts with the device's key, the
 * headers are right, and each answer maps to what the room does next.
 */
import { createECDH, randomBytes } from "node:crypto";
import { decrypt } from "http_ece";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { sendPush, type PushMessage } from "../../party/push/sender.ts";

const keys = webpush.generateVAPIDKeys();
const vapid = { ...keys, subject: "mailto:test@example.com" };

function message(endpoint = "https://push.example.com/send/abc") {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  const m: PushMessage = {
    subscription: { id: "s1", deviceId: "phone", origin: new URL(endpoint).origin, createdAt: "2026-11-25T10:00:00.000Z", endpoint, keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth }, expiresAt: null },
    payload: { type: "notification", id: "n1", title: "Call John", body: "Reminder" },
    ttl: 600,
    urgency: "high",
    topic: "n1topic",
  };
  return { m, ecdh, auth };
}

/** A fetch that records its request and answers `status` (with a body of `bodyBytes`). */
function fakeFetch(status: number, headers: Record<string, string> = {}, bodyBytes = 0) {
  const calls: { url: string; init: RequestInit }[] = [];
  let pulled = 0;
  const fetcher = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const body = bodyBytes
      ? new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += 1024;
            if (pulled > bodyBytes) controller.close();
            else controller.enqueue(new Uint8Array(1024));
          },
        })
      : null;
    return new Response(body, { status, headers });
  };
  return { calls, fetcher: fetcher as typeof fetch, pulled: () => pulled };
}

describe("Push — the sender (N11, N14, N18)", () => {
  it("[N11][N18] aes128gcm for the device's key, VAPID for the endpoint's origin, TTL, Urgency and Topic", async () => {
    const { m, ecdh, auth } = message();
    const f = fakeFetch(201);
    expect(await sendPush(vapid, m, false, f.fetcher)).toEqual({ kind: "sent", status: 201 });
    const [call] = f.calls;
    const headers = new Headers(call!.init.headers);
    expect(call!.url).toBe(m.subscription.endpoint);
    expect(headers.get("content-encoding")).toBe("aes128gcm");
    expect(headers.get("ttl")).toBe("600");
    expect(headers.get("urgency")).toBe("high");
    expect(headers.get("topic")).toBe("n1topic");
    expect(headers.get("authorization")).toMatch(new RegExp(`^vapid t=[^,]+, k=${keys.publicKey}$`));
    const body = Buffer.from(call!.init.body as Uint8Array);
    expect(JSON.parse(decrypt(body, { version: "aes128gcm", privateKey: ecdh, authSecret: auth }).toString("utf8"))).toEqual(m.payload);
    expect(call!.init.redirect).toBe("manual");
  });

  it("[N14] 403/404/410 gone; 429 and 5xx retry (Retry-After honoured); a network failure retries; other statuses give up", async () => {
    expect(await sendPush(vapid, message().m, false, fakeFetch(410).fetcher)).toEqual({ kind: "gone", status: 410 });
    expect(await sendPush(vapid, message().m, false, fakeFetch(404).fetcher)).toEqual({ kind: "gone", status: 404 });
    // A subscription made under another VAPID key (or revoked) is refused for good.
    expect(await sendPush(vapid, message().m, false, fakeFetch(403).fetcher)).toEqual({ kind: "gone", status: 403 });
    expect(await sendPush(vapid, message().m, false, fakeFetch(429, { "retry-after": "120" }).fetcher)).toEqual({ kind: "retry", status: 429, retryAfterMs: 120_000 });
    expect(await sendPush(vapid, message().m, false, fakeFetch(503).fetcher)).toEqual({ kind: "retry", status: 503, retryAfterMs: null });
    expect(await sendPush(vapid, message().m, false, fakeFetch(302, { location: "http://10.0.0.1/" }).fetcher)).toMatchObject({ kind: "failed", status: 302 });
    expect(await sendPush(vapid, message().m, false, fakeFetch(400).fetcher)).toMatchObject({ kind: "failed", status: 400 });
    const failing = (async () => {
      throw new TypeError("network down");
    }) as typeof fetch;
    expect(await sendPush(vapid, message().m, false, failing)).toEqual({ kind: "retry", status: null, retryAfterMs: null });
  });

  it("[N14] a push service's answer is read at most 4 KiB, never buffered whole", async () => {
    const f = fakeFetch(201, {}, 10 * 1024 * 1024);
    expect(await sendPush(vapid, message().m, false, f.fetcher)).toEqual({ kind: "sent", status: 201 });
    expect(f.pulled()).toBeLessThanOrEqual(8 * 1024);
  });

  it("[N4] the guard runs again at send time: a private endpoint is never fetched", async () => {
    const f = fakeFetch(201);
    expect(await sendPush(vapid, message("https://10.1.2.3/push").m, false, f.fetcher)).toMatchObject({ kind: "failed" });
    expect(await sendPush(vapid, message("http://127.0.0.1:9/push").m, false, f.fetcher)).toMatchObject({ kind: "failed" });
    expect(f.calls).toEqual([]);
    expect(await sendPush(vapid, message("http://127.0.0.1:9/push").m, true, f.fetcher)).toEqual({ kind: "sent", status: 201 });
  });
});
