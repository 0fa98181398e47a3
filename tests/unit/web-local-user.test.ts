import { describe, expect, it } from "vitest";
import { accountOf, localDatabaseOf, outboxKeyOf, stateKeyOf } from "../../web/lib/local-user.ts";

/** A token's payload as the identity provider writes it: UTF-8 JSON, base64url (RFC 7519). */
const tokenWith = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims), "utf8").toString("base64url")}.sig`;

describe("Web — the signed-in user as this browser reads it (W32, W33)", () => {
  it("[W32] reads sub and name, names in any script included", () => {
    expect(accountOf(tokenWith({ sub: "u1", name: "José Ñúñez 北京" }))).toEqual({ userId: "u1", name: "José Ñúñez 北京" });
    expect(accountOf(tokenWith({ sub: "hana" }))).toEqual({ userId: "hana", name: "hana" });
  });

  it("[W32] a token with no sub, a broken payload or no payload names no one", () => {
    expect(accountOf(tokenWith({ name: "x" }))).toBeNull();
    expect(accountOf("e30.!!!.sig")).toBeNull();
    expect(accountOf("nodots")).toBeNull();
  });

  it("[W33] each user's local stores have their own names", () => {
    expect(new Set([localDatabaseOf("a"), outboxKeyOf("a"), stateKeyOf("a"), localDatabaseOf("b"), outboxKeyOf("b"), stateKeyOf("b")]).size).toBe(6);
  });
});
