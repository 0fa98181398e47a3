import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { type AuthConfig, authConfig, authenticate, signDevToken } from "../../party/auth.ts";

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
  for (const [name, make] of forged) {
    it(`[A2] refuses ${name} with unauthorized`, async () => {
      const result = await authenticate(`Bearer ${await make()}`, config());
      expect(result).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    });
  }

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
      const c = authConfig({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, AUTH_ISSUER: "https://id.example", AUTH_AUDIENCE: "cos" });
      if (!c.ok) throw new Error(c.error.message);
      const good = await new SignJWT({ sub: "carol" }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer("https://id.example").setAudience("cos").setExpirationTime("5m").sign(privateKey);
      const wrongAud = await new SignJWT({ sub: "carol" }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer("https://id.example").setAudience("other").setExpirationTime("5m").sign(privateKey);
      expect(await authenticate(`Bearer ${good}`, c.value)).toEqual({ ok: true, value: { userId: "carol" } });
      expect(await authenticate(`Bearer ${wrongAud}`, c.value)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    } finally {
      server.close();
    }
  });
});
