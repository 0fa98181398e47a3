import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { type AuthConfig, authConfig, authenticate, DEFAULT_MAX_TOKEN_AGE_S, signDevToken } from "../../party/auth.ts";

const SECRET = "unit-test-secret-0123456789abcdef0123";
const config = (): AuthConfig => {
  const c = authConfig({ AUTH_SECRET: SECRET, ENVIRONMENT: "development" });
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
};
const key = new TextEncoder().encode(SECRET);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const claims = { sub: "alice", iss: "micro-cos", aud: "micro-cos", iat: now, exp: now + 600 };

const sign = (payload: Record<string, unknown>, secret = key) =>
  new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(secret);

describe("Auth — bearer tokens", () => {
  it("[A2] accepts a dev token it signed and returns its subject", async () => {
    const token = await signDevToken("alice", config());
    expect(await authenticate(`Bearer ${token}`, config())).toEqual({ ok: true, value: { userId: "alice" } });
  });

  const forged: [string, () => Promise<string>][] = [
    ["alg:none", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`],
    ["a wrong signature", () => sign(claims, new TextEncoder().encode("another-secret-0123456789abcdef0123"))],
    ["an expired token", () => sign({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ["the wrong audience", () => sign({ ...claims, aud: "someone-else" })],
    ["the wrong issuer", () => sign({ ...claims, iss: "evil" })],
    ["no subject", () => sign({ ...claims, sub: undefined })],
    ["a subject that is not a user id", () => sign({ ...claims, sub: "../bob" })],
    ["HS512 instead of the pinned HS256", () => new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(key)],
    ["a tampered payload", async () => {
      const [h, , s] = (await sign(claims)).split(".");
      return `${h}.${b64({ ...claims, sub: "bob" })}.${s}`;
    }],
  ];
  // A9: the claims every token must carry, and their bounds.
  const unbounded: [string, () => Promise<string>][] = [
    ["no exp (a token that never expires)", () => sign({ ...claims, exp: undefined })],
    ["no iat", () => sign({ ...claims, iat: undefined })],
    ["exp 1e20", () => sign({ ...claims, exp: 1e20 })],
    ["a lifetime one second over the maximum token age", () => sign({ ...claims, exp: now + DEFAULT_MAX_TOKEN_AGE_S + 1 })],
    ["an iat a day ahead", () => sign({ ...claims, iat: now + 86_400, exp: now + 86_400 + 600 })],
    ["an iat 90 s ahead (beyond the 30 s tolerance)", () => sign({ ...claims, iat: now + 90, exp: now + 690 })],
    ["an iat older than the maximum token age, still unexpired", () => sign({ ...claims, iat: now - DEFAULT_MAX_TOKEN_AGE_S - 60, exp: now + 600 })],
    ["a string exp", () => sign({ ...claims, exp: String(now + 600) })],
    ["an nbf in the future", () => sign({ ...claims, nbf: now + 3600 })],
  ];
  for (const [rule, cases] of [["A2", forged], ["A9", unbounded]] as const) {
    for (const [name, make] of cases) {
      it(`[${rule}] refuses ${name} with unauthorized`, async () => {
        const result = await authenticate(`Bearer ${await make()}`, config());
        expect(result).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      });
    }
  }

  it("[A9] accepts an iat within the clock tolerance and a lifetime of exactly the maximum token age", async () => {
    for (const token of [await sign({ ...claims, iat: now + 20, exp: now + 620 }), await sign({ ...claims, exp: now + DEFAULT_MAX_TOKEN_AGE_S })]) {
      expect(await authenticate(`Bearer ${token}`, config())).toEqual({ ok: true, value: { userId: "alice" } });
    }
  });

  it("[A9] AUTH_MAX_TOKEN_AGE_S shortens the accepted lifetime, and dev tokens follow it", async () => {
    const short = authConfig({ AUTH_SECRET: SECRET, AUTH_MAX_TOKEN_AGE_S: "3600" });
    if (!short.ok) throw new Error(short.error.message);
    const dev = await signDevToken("alice", short.value);
    const payload = JSON.parse(Buffer.from(dev.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(3600);
    expect(await authenticate(`Bearer ${dev}`, short.value)).toEqual({ ok: true, value: { userId: "alice" } });
    const tooLong = await sign({ ...claims, exp: now + 3601 });
    expect(await authenticate(`Bearer ${tooLong}`, short.value)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    for (const bad of ["0", "59", "abc", "2592001"]) {
      expect(authConfig({ AUTH_SECRET: SECRET, AUTH_MAX_TOKEN_AGE_S: bad }), bad).toMatchObject({ ok: false, error: { code: "internal" } });
    }
  });

  it("[A2] refuses an RS256 token signed by a key not in the configured secret mode", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    expect(await authenticate(`Bearer ${token}`, config())).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  for (const header of [null, "", "Bearer", "Basic abc", "Bearer a.b", "bearer x.y.z extra"]) {
    it(`[A1] refuses the Authorization header ${JSON.stringify(header)}`, async () => {
      expect(await authenticate(header, config())).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    });
  }

  it("[A2] a secret shorter than 32 characters is a configuration error, not a weak key", () => {
    expect(authConfig({ AUTH_SECRET: "short" })).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(authConfig({ AUTH_SECRET: SECRET, TICKET_SECRET: "short" })).toMatchObject({ ok: false, error: { code: "internal" } });
  });

  it("[A7] tickets are signed with TICKET_SECRET, or AUTH_SECRET without it; with JWKS alone there is no ticket key, and that is a clear configuration error", () => {
    const ticketSecret = "ticket-secret-0123456789abcdef0123456789";
    expect(authConfig({ AUTH_SECRET: SECRET })).toMatchObject({ ok: true, value: { ticketSecret: SECRET } });
    expect(authConfig({ AUTH_SECRET: SECRET, TICKET_SECRET: ticketSecret })).toMatchObject({ ok: true, value: { ticketSecret } });
    expect(authConfig({ AUTH_JWKS_URL: "https://id.example/jwks.json", TICKET_SECRET: ticketSecret })).toMatchObject({ ok: true, value: { ticketSecret } });
    const jwksOnly = authConfig({ AUTH_JWKS_URL: "https://id.example/jwks.json" });
    expect(jwksOnly).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(jwksOnly.ok ? "" : jwksOnly.error.message).toContain("TICKET_SECRET");
  });

  it("[A2] verifies JWKS tokens with issuer and audience", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    const server = await import("node:http").then(({ createServer }) =>
      createServer((_req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ keys: [jwk] }));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const c = authConfig({
        AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        AUTH_ISSUER: "https://id.example",
        AUTH_AUDIENCE: "cos",
        TICKET_SECRET: "ticket-secret-0123456789abcdef0123456789",
      });
      if (!c.ok) throw new Error(c.error.message);
      const jwt = (aud: string) => new SignJWT({ sub: "carol" }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer("https://id.example").setAudience(aud);
      const good = await jwt("cos").setIssuedAt().setExpirationTime("5m").sign(privateKey);
      const wrongAud = await jwt("other").setIssuedAt().setExpirationTime("5m").sign(privateKey);
      const noExp = await jwt("cos").setIssuedAt().sign(privateKey);
      const noIat = await jwt("cos").setExpirationTime("5m").sign(privateKey);
      expect(await authenticate(`Bearer ${good}`, c.value)).toEqual({ ok: true, value: { userId: "carol" } });
      for (const bad of [wrongAud, noExp, noIat]) {
        expect(await authenticate(`Bearer ${bad}`, c.value)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }
    } finally {
      server.close();
    }
  });
});
