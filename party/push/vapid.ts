/**
 * VAPID (RFC 8292) settings: the room's key pair that push services check on
 * every request, and the contact they may write to. Production keeps them as
 * secrets (`VAPID_PUBLIC_KEY`, `VAPID_PRIVATE_KEY`) and a var (`VAPID_SUBJECT`);
 * `npm start` generates and keeps a local pair in its state directory
 * (scripts/local-env.ts). Without them push is off: the key route says so and
 * nothing is sent (N1).
 */
import { z } from "zod";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { base64urlBytes, P256_POINT_BYTES } from "../../shared/push.ts";

export type VapidConfig = {
  /** base64url of the 65-byte uncompressed P-256 public point: the browser's `applicationServerKey`. */
  publicKey: string;
  /** base64url of the 32-byte P-256 private scalar. */
  privateKey: string;
  /** `mailto:` or `https:` contact the push service may use (RFC 8292 §2.1). */
  subject: string;
};

const VapidSchema = z.object({
  publicKey: z.string().refine((k) => {
    const b = base64urlBytes(k);
    return b !== null && b.length === P256_POINT_BYTES && b[0] === 0x04;
  }, "VAPID_PUBLIC_KEY must be base64url of a 65-byte uncompressed P-256 point"),
  privateKey: z.string().refine((k) => base64urlBytes(k)?.length === 32, "VAPID_PRIVATE_KEY must be base64url of 32 bytes"),
  subject: z.string().max(512).regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "VAPID_SUBJECT must be a mailto: address or an https: URL"),
});

/** The VAPID settings of `env`, or why push is off (absent: not configured; present but bad: a config problem). */
export function vapidConfig(env: object): Result<VapidConfig> {
  const read = (key: string) => {
    const value: unknown = Reflect.get(env, key);
    return typeof value === "string" && value !== "" ? value.trim() : undefined;
  };
  const raw = { publicKey: read("VAPID_PUBLIC_KEY"), privateKey: read("VAPID_PRIVATE_KEY"), subject: read("VAPID_SUBJECT") };
  if (raw.publicKey === undefined && raw.privateKey === undefined) return fail("not_found", "push notifications are not configured on this server");
  const parsed = VapidSchema.safeParse(raw);
  if (!parsed.success) return fail("internal", `push settings are invalid: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return ok(parsed.data);
}
