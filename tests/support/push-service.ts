/**
 * A local Web Push service standing in for a browser vendor's (docs/PROTOCOL.md
 * N13–N14): an HTTP server on 127.0.0.1 that accepts what a real one accepts
 * and checks what a real one checks — the VAPID `Authorization: vapid t=…, k=…`
 * (an ES256 JWT for this origin, expiring within 24 h, signed by the key in
 * `k`, which must be the server's), then decrypts the aes128gcm body with the
 * subscription's private key and auth secret, as the browser would. It records
 * TTL, Topic and Urgency, answers 201, or 404/410/429 for an endpoint on demand.
 *
 * Subscriptions are made like a browser's: a P-256 key pair from
 * `createECDH("prime256v1")` and 16 random bytes of auth secret.
 */
import { createECDH, type ECDH, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { decrypt } from "http_ece";
import { importJWK, jwtVerify } from "jose";
import { whenTrue } from "./wait.ts";

export type TestSubscription = {
  name: string;
  /** The browser's `PushSubscription.toJSON()`. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
};

export type ReceivedPush = {
  /** The subscription it was sent to. */
  name: string;
  /** Epoch ms when it arrived. */
  at: number;
  ttl: string | null;
  topic: string | null;
  urgency: string | null;
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  /** The JWT's claims. */
  claims: { aud: unknown; exp: unknown; sub: unknown };
};

export type Refused = { name: string; status: number; reason: string };

const DAY_S = 24 * 60 * 60;

export type PushService = {
  origin: string;
  /** Every push accepted and decrypted, in order of arrival. */
  received: ReceivedPush[];
  /** Every request refused, by this service's checks or an answer set with `answer`. */
  refused: Refused[];
  /** A new subscription, as a browser would make it, whose endpoint is this service. */
  subscribe(name: string): TestSubscription;
  /** Answers every later push to `name` with `status` (404, 410, 429, 500…); 201 again with `null`. */
  answer(name: string, status: number | null): void;
  /** The VAPID key pushes must be signed with (the server's `GET /api/v1/push/key`). */
  expectKey(publicKey: string): void;
  /** Waits until `check` holds over what arrived so far, re-checked on each request. */
  until(check: (service: PushService) => boolean, what: string): Promise<void>;
  close(): Promise<void>;
};

export async function startPushService(): Promise<PushService> {
  const subscriptions = new Map<string, TestSubscription>();
  const answers = new Map<string, number>();
  const listeners = new Set<() => void>();
  let expectedKey: string | null = null;
  const service: PushService = {
    origin: "",
    received: [],
    refused: [],
    subscribe(name) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const sub: TestSubscription = {
        name,
        ecdh,
        json: {
          endpoint: `${service.origin}/push/${name}`,
          expirationTime: null,
          keys: { p256dh: ecdh.getPublicKey("base64url", "uncompressed"), auth: randomBytes(16).toString("base64url") },
        },
      };
      subscriptions.set(name, sub);
      return sub;
    },
    answer(name, status) {
      if (status === null) answers.delete(name);
      else answers.set(name, status);
    },
    expectKey(publicKey) {
      expectedKey = publicKey;
    },
    until(check, what) {
      return whenTrue(
        () => check(service),
        (recheck) => {
          listeners.add(recheck);
          return () => void listeners.delete(recheck);
        },
        () => `${what} (received ${service.received.length}, refused ${JSON.stringify(service.refused)})`,
      );
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function handle(req: IncomingMessage): Promise<{ status: number; refused?: string; name: string }> {
    const name = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const body = await readAll(req);
    const sub = subscriptions.get(name);
    if (req.method !== "POST" || !sub) return { status: 404, refused: "no such subscription", name };
    const vapid = await checkVapid(req.headers.authorization ?? "", service.origin, expectedKey);
    if (!vapid.ok) return { status: 403, refused: vapid.reason, name };
    const answer = answers.get(name);
    if (answer !== undefined) return { status: answer, refused: `answered ${answer} on demand`, name };
    if (req.headers["content-encoding"] !== "aes128gcm") return { status: 400, refused: "content-encoding is not aes128gcm", name };
    let text: string;
    try {
      text = decrypt(body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: sub.json.keys.auth }).toString("utf8");
    } catch {
      return { status: 400, refused: "the body does not decrypt with this subscription's keys", name };
    }
    service.received.push({
      name,
      at: Date.now(),
      ttl: header(req, "ttl"),
      topic: header(req, "topic"),
      urgency: header(req, "urgency"),
      payload: JSON.parse(text),
      claims: vapid.claims,
    });
    return { status: 201, name };
  }

  const server: Server = createServer((req, res) => {
    handle(req)
      .then(({ status, refused, name }) => {
        if (refused) service.refused.push({ name, status, reason: refused });
        res.writeHead(status, status === 201 ? { location: `${service.origin}/message/${service.received.length}` } : {});
        res.end();
      })
      .catch((error: unknown) => {
        service.refused.push({ name: "?", status: 500, reason: String(error) });
        res.writeHead(500);
        res.end();
      })
      .finally(() => {
        for (const l of [...listeners]) l();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("push service has no port");
  service.origin = `http://127.0.0.1:${address.port}`;
  return service;
}

const header = (req: IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
};

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

type VapidCheck = { ok: true; claims: ReceivedPush["claims"] } | { ok: false; reason: string };

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the JWT is ES256, for this origin, signed by `k`, expiring within 24 h. */
async function checkVapid(authorization: string, origin: string, expectedKey: string | null): Promise<VapidCheck> {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) return { ok: false, reason: `no VAPID authorization (${authorization.slice(0, 20)})` };
  const token = m[1] ?? "";
  const k = m[2] ?? "";
  if (expectedKey !== null && k !== expectedKey) return { ok: false, reason: "k is not the server's VAPID key" };
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) return { ok: false, reason: "k is not an uncompressed P-256 point" };
  const key = await importJWK({ kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") }, "ES256");
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["ES256"], audience: origin });
    if (typeof payload.exp !== "number" || payload.exp > Date.now() / 1000 + DAY_S) return { ok: false, reason: "exp is missing or more than 24 h ahead" };
    if (typeof payload.sub !== "string" || !/^(mailto:|https:)/.test(payload.sub)) return { ok: false, reason: "sub is not a mailto: or https: contact" };
    return { ok: true, claims: { aud: payload.aud, exp: payload.exp, sub: payload.sub } };
  } catch (error) {
    return { ok: false, reason: `JWT refused: ${error instanceof Error ? error.message : String(error)}` };
  }
}
