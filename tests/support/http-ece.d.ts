/** The part of `http_ece` (a dependency of web-push, untyped) the local push service uses to decrypt aes128gcm. */
declare module "http_ece" {
  import type { ECDH } from "node:crypto";
  export function decrypt(buffer: Buffer, params: { version: "aes128gcm"; privateKey: ECDH; authSecret: string | Buffer }): Buffer;
}
