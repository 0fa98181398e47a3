/**
 * An HMAC-SHA256 key derived from a server secret for one purpose (HKDF-SHA256,
 * salt "micro-cos", the purpose as `info`): socket tickets and MCP OAuth states
 * sign with keys that differ from each other and from the secret itself, even
 * when the secret also signs JWTs. Derived once per isolate, secret and purpose.
 */
const utf8 = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

export function derivedHmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", utf8.encode(secret), "HKDF", false, ["deriveKey"])
      .then((material) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: utf8.encode("micro-cos"), info: utf8.encode(purpose) },
          material,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign", "verify"],
        ),
      );
    keys.set(id, key);
  }
  return key;
}
