/**
 * MERGE NOTE — a stand-in for part A's `shared/push.ts` (same export names, same shapes, from
 * the contract in the helper brief) so this branch builds before `push` is merged. When it
 * is, imports of this file move to `../../shared/push.ts` and this file is deleted.
 */
import { z } from "zod";

export const PushSubscriptionBodySchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2_048),
  expirationTime: z.number().int().nonnegative().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(100), auth: z.string().min(1).max(40) }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>;

export const PushSubscriptionInfoSchema = z.strictObject({ id: z.string(), deviceId: z.string(), origin: z.string(), createdAt: z.iso.datetime() });
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionInfoSchema>;

export const PushKeySchema = z.strictObject({ publicKey: z.string() });
export const PushSubscribedSchema = z.strictObject({ id: z.string(), deviceId: z.string(), endpoint: z.string() });
export const PushUnsubscribedSchema = z.strictObject({ id: z.string() });
