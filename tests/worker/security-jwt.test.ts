/**
 * The JWT matrix (issue 11, item 4), standing, against the real worker: each
 * token names its own user, so a refused one must also have created no room (G8).
 */
import { env, SELF } from "cloudflare:test";
import { base64url, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { BASE, freshUser, storageOf } from "./helpers.ts";

const secret = () => {
  const value: unknown = Reflect.get(env, "AUTH_SECRET");
  if (typeof value !== "string") throw new Error("the worker tests bind AUTH_SECRET (vitest.config.ts)");
  return new TextEncoder().encode(value);
};

type Claims = { sub?: string; iss?: string; aud?: string; iat?: number; exp?: number };

describe("Security — the JWT matrix", () => {
  it("[A2][A9][G8] only a well-formed, bounded, correctly signed token gets 200; every other is 401 and creates no room", async () => {
    const now = Math.floor(Date.now() / 1000);
    const hs256 = (claims: Claims, alg = "HS256") => new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(secret());
    const matrix: { name: string; expect: 200 | 401; token: (sub: string) => Promise<string> }[] = [
      { name: "good", expect: 200, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now, exp: now + 600 }) },
      { name: "no exp", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now }) },
      { name: "exp 1e20", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now, exp: 1e20 }) },
      { name: "iat a day ahead", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now + 86_400, exp: now + 86_400 + 600 }) },
      { name: "no iat", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", exp: now + 600 }) },
      { name: "no sub", expect: 401, token: () => hs256({ iss: "micro-cos", aud: "micro-cos", iat: now, exp: now + 600 }) },
      { name: "expired", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now - 7200, exp: now - 3600 }) },
      { name: "wrong iss", expect: 401, token: (sub) => hs256({ sub, iss: "evil", aud: "micro-cos", iat: now, exp: now + 600 }) },
      { name: "wrong aud", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "evil", iat: now, exp: now + 600 }) },
      { name: "HS512", expect: 401, token: (sub) => hs256({ sub, iss: "micro-cos", aud: "micro-cos", iat: now, exp: now + 600 }, "HS512") },
      {
        name: "alg none",
        expect: 401,
        token: async (sub) =>
          `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify({ sub, iss: "micro-cos", aud: "micro-cos", iat: now, exp: now + 600 }))}.`,
      },
    ];
    const results: string[] = [];
    let accepted = 0;
    for (const row of matrix) {
      const user = freshUser(`jwt-${row.name.replace(/\W+/g, "-")}`);
      const res = await SELF.fetch(`${BASE}/api/v1/state`, { headers: { authorization: `Bearer ${await row.token(user)}` } });
      const rooms = (await storageOf(user)).tables > 0 ? 1 : 0;
      results.push(`${row.name}: ${res.status}`);
      if (res.status === 200) accepted++;
      expect(res.status, row.name).toBe(row.expect);
      expect(rooms, `${row.name}: rooms created`).toBe(row.expect === 200 ? 1 : 0);
      if (res.status === 401) expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    console.log(`[A9] JWT matrix: ${matrix.length} tokens, ${accepted} accepted — ${results.join(", ")}`);
  });
});
