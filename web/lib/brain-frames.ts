/**
 * What the web does with each server frame of its live connection (STYLE.md 9,
 * W10–W14, W81): moved out of the provider's connection effect, behaviour
 * unchanged. The provider owns the socket and React state; this module gets
 * them through `FrameContext` (its mutable connection facts in `conn`, which the
 * provider reads for the next hello and on close).
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Dispatch, SetStateAction } from "react";
import { flushSync } from "react-dom";
import { toast } from "sonner";
import type { BrainState } from "../../shared/api.ts";
import { type ActionCard, AcceptedSchema, MAX_MESSAGE_CHARS } from "../../shared/chat.ts";
import { dayOf } from "../../shared/dates.ts";
import type { Device, Notification } from "../../shared/domain.ts";
import type { EventEnvelope } from "../../shared/events.ts";
import type { ClientFrameInput, ServerFrame } from "../../shared/protocol.ts";
import { type ArchitectRunLine, foldProgress } from "./architect-progress.ts";
import { knownAfterPresence } from "./known-devices.ts";
import { brainKeys } from "./queries.ts";
import { placeCard } from "./cards.ts";
import { messageFrame, type Outgoing, readOutbox, type Sent } from "./state-outbox.ts";
import { applyAccepted, applyCompleted } from "./state-events.ts";
import { closeSystemNotification, showSystemNotification } from "./system-notification.ts";
import type { Reply } from "./brain-provider.tsx";

/** W90, W93: where a sent message goes (its thread, what it follows or edits), kept from the outbox into its ack. */
const placement = (m: Outgoing) => ({
  ...(m.conversationId ? { conversationId: m.conversationId } : {}),
  ...(m.parentId ? { parentId: m.parentId } : {}),
  ...(m.editOf ? { editOf: m.editOf } : {}),
});

/** The connection's facts a frame changes, read by the provider for the next hello and on close. */
export type Connection = {
  /** Tickets refused (4401) since the last welcome (P15). */
  refusals: number;
  lastEventSeq: number | undefined;
  resume: { turnId: string; seq: number } | undefined;
  /** A pending reconnect after a refused document update (D12). */
  resync: ReturnType<typeof setTimeout> | null;
};

export type FrameContext = {
  queryClient: QueryClient;
  conn: Connection;
  /** W10: the cached state, changed in place. */
  patchState: (change: (s: BrainState) => BrainState) => void;
  /** W11: one debounced refetch of the state. */
  refetchState: () => void;
  /** Ledger events into the state and the activity log. */
  fold: (events: readonly EventEnvelope[]) => void;
  /** Sends a frame when the socket is open. */
  frame: (f: ClientFrameInput) => boolean;
  reply: (turnId: string, change: (r: Reply) => Reply) => void;
  /** The cards each live turn showed, for the reply its `llm.completed` frame places (C16). */
  cardsOf: Map<string, ActionCard[]>;
  updateOutbox: (change: (items: Outgoing[]) => Outgoing[]) => void;
  setSent: Dispatch<SetStateAction<Sent[]>>;
  setDevices: Dispatch<SetStateAction<Device[]>>;
  setNotifications: Dispatch<SetStateAction<Notification[]>>;
  setArchitect: Dispatch<SetStateAction<ArchitectRunLine[]>>;
  /** Closes the socket and opens it again (the sync on connect sends what was refused). */
  reconnect: () => void;
  /** W93: the ack of a `message.regenerate` frame this tab sent (true when `rid` was one): its turn is placed. */
  regenerated: (rid: string, result: unknown) => boolean;
};

export function onServerFrame(f: ServerFrame, c: FrameContext): void {
  switch (f.type) {
    case "welcome": {
      c.conn.refusals = 0;
      c.conn.lastEventSeq ??= f.lastEventSeq;
      // W11: the one state fetch of a (re)connect — only when the cache is behind the room.
      const cached = c.queryClient.getQueryData<BrainState>(brainKeys.state());
      if (!cached || cached.lastEventSeq < f.lastEventSeq) void c.queryClient.invalidateQueries({ queryKey: brainKeys.state() });
      return;
    }
    case "presence":
      // W10: who is connected, and the devices met (P16) — a device that left is remembered as last seen now.
      c.patchState((s) => ({ ...s, devices: f.devices, knownDevices: knownAfterPresence(s.knownDevices, s.devices, f.devices, new Date().toISOString()) }));
      return c.setDevices(f.devices);
    case "event":
      c.conn.lastEventSeq = f.event.seq;
      return c.fold([f.event]);
    case "events": {
      c.conn.lastEventSeq = f.lastEventSeq;
      c.fold(f.events);
      const last = f.events.at(-1);
      // P8: more follow; ask for the next page from the last one received.
      if (f.hasMore && last) c.frame({ type: "events.backfill", since: last.seq });
      return;
    }
    case "snapshot":
      // Too far behind for events (P8): a reconnect-class catch-up, one refetch.
      c.conn.lastEventSeq = f.snapshot.lastEventSeq;
      return c.refetchState();
    case "ack": {
      if (c.regenerated(f.rid, f.result)) return;
      const sent = readOutbox().find((m) => m.clientActionId === f.rid);
      if (!sent) return;
      // W12: marked sent at once — the message joins the conversation from the ack, before its event.
      const accepted = AcceptedSchema.safeParse(f.result);
      const message = accepted.success ? { clientActionId: sent.clientActionId, messageId: accepted.data.messageId, turnId: accepted.data.turnId, text: sent.text, createdAt: sent.createdAt, ...placement(sent) } : null;
      flushSync(() => {
        c.updateOutbox((all) => all.filter((m) => m.clientActionId !== f.rid));
        if (message) c.setSent((all) => [...all, message].slice(-20));
      });
      if (message) c.patchState((s) => applyAccepted(s, { ...message, at: message.createdAt }));
      return;
    }
    case "llm.token":
      if (c.conn.resume?.turnId === f.turnId && f.seq <= c.conn.resume.seq) return;
      c.conn.resume = { turnId: f.turnId, seq: f.seq };
      return c.reply(f.turnId, (r) => ({ ...r, text: r.text + f.token, status: "streaming" }));
    case "llm.action":
      // A proposal's later card replaces its first, in place, whatever its id (C15, C17).
      c.cardsOf.set(f.turnId, placeCard(c.cardsOf.get(f.turnId) ?? [], f.action));
      return c.reply(f.turnId, (r) => ({ ...r, actions: placeCard(r.actions, f.action) }));
    case "llm.completed":
      // W10: the final reply goes into the cached messages from the frame itself (its event replaces it by id).
      c.patchState((s) => applyCompleted(s, { messageId: f.messageId, turnId: f.turnId, text: f.text, actions: c.cardsOf.get(f.turnId), at: new Date().toISOString() }));
      return c.reply(f.turnId, (r) => ({ ...r, text: f.text, status: "completed" }));
    case "llm.interrupted":
      return c.reply(f.turnId, (r) => ({ ...r, text: f.text || r.text, status: "interrupted" }));
    case "llm.failed":
      return c.reply(f.turnId, (r) => ({ ...r, status: "failed", error: f.message, code: f.code, retryAfter: f.retryAfter, at: Date.now() }));
    case "notification": {
      const n = f.notification;
      c.setNotifications((all) => [...all.filter((x) => x.id !== n.id), n]);
      toast(n.title, { id: n.id, description: n.body, duration: Infinity, action: { label: "Done", onClick: () => c.frame({ type: "notification.ack", notificationId: n.id }) } });
      if (document.hidden) {
        const reminders = c.queryClient.getQueryData<BrainState>(brainKeys.state())?.reminders ?? [];
        void showSystemNotification(n, (id) => reminders.find((r) => r.id === id)?.taskId);
      }
      return;
    }
    case "notification.cleared":
      toast.dismiss(f.notificationId);
      void closeSystemNotification(f.notificationId);
      return c.setNotifications((all) => all.filter((x) => x.id !== f.notificationId));
    case "plan.available":
      // Its `plan.proposed` event carries the same plan; this frame may come first.
      return void c.patchState((s) => (f.date === dayOf(Date.now(), s.preferences.timezone) ? { ...s, plan: f.plan } : s));
    case "error": {
      const queued = readOutbox().find((m) => m.clientActionId === f.rid);
      if (queued && f.code === "rate_limited") {
        // W13: still queued; the composer counts down, and it goes again once the limit allows.
        const wait = (f.retryAfter ?? 60) * 1000;
        c.updateOutbox((all) => all.map((m) => (m.clientActionId === f.rid ? { ...m, retryAt: Date.now() + wait } : m)));
        setTimeout(() => {
          const still = readOutbox().find((m) => m.clientActionId === f.rid);
          if (still && !still.failed) c.frame(messageFrame(still));
        }, wait);
      } else if (queued) {
        // W12: refused for good (too long, invalid, conflict): kept as failed, with the room's reason and a Retry.
        // The one refusal the device can word itself: the length it let through (the room's zod text is for programs).
        const reason = queued.text.length > MAX_MESSAGE_CHARS ? `too long (${queued.text.length.toLocaleString()} characters; at most ${MAX_MESSAGE_CHARS.toLocaleString()})` : f.message;
        c.updateOutbox((all) => all.map((m) => (m.clientActionId === f.rid ? { ...m, failed: reason } : m)));
      } else if (f.rid === undefined && f.code === "rate_limited") {
        // D12: a refused document update leaves this device's copy behind the room's. Wait as
        // told, then reconnect once: the sync on connect sends what was refused.
        toast.warning(`Syncing again in ${f.retryAfter ?? 60} s — ${f.message}`, { id: "yjs-resync" });
        if (c.conn.resync === null) {
          c.conn.resync = setTimeout(() => {
            c.conn.resync = null;
            c.reconnect();
          }, (f.retryAfter ?? 60) * 1000);
        }
      } else if (f.code === "rate_limited") toast.warning(`${f.message} — try again in ${f.retryAfter ?? 60} s`);
      else toast.error(f.message);
      return;
    }
    case "pong":
    // R11: the web sends no batch frames; their answer never comes here.
    case "batch.result":
      return;
    case "architect.progress":
      // B41, W81: the chat's progress line for the run; the finished plan arrives as an action card.
      return c.setArchitect((runs) => foldProgress(runs, { runId: f.runId, step: f.step, message: f.message }));
    default: {
      const unhandled: never = f;
      return unhandled;
    }
  }
}
