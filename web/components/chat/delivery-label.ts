import type { Delivery } from "./chat-rows.ts";

/**
 * What a message's delivery state says (W12), in one place for the message
 * bubble and the outbox list. A failed one says "Not sent"; the outbox list
 * follows its own "Failed — <the room's reason>" beside its Retry button.
 */
export const DELIVERY_LABEL: Record<Delivery, string> = {
  sent: "Sent",
  sending: "Sending…",
  waiting: "Waiting for connection",
  "rate-limited": "Waiting — sending too fast",
  failed: "Not sent",
};
