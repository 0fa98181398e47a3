/**
 * The one live connection of a tab to the user's brain (STYLE.md 9): a
 * y-partyserver provider on /api/v1/socket (fresh single-use ticket per
 * reconnect), hello first, then presence, ledger events, streamed replies and
 * notifications. The task/note document is also kept in IndexedDB, so edits
 * made offline survive a reload and merge on reconnect; chat messages written
 * offline wait in an outbox and are sent exactly once (client action ids).
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { toast } from "sonner";
import { IndexeddbPersistence } from "y-indexeddb";
import YProvider from "y-partyserver/provider";
import { deviceZone } from "../hooks/use-zone.ts";
import * as Y from "yjs";
import type { BrainState, EventsPage } from "../../shared/api.ts";
import { type ActionCard, AcceptedSchema, MAX_MESSAGE_CHARS } from "../../shared/chat.ts";
import { dayOf } from "../../shared/dates.ts";
import type { Device, Notification } from "../../shared/domain.ts";
import { type EventEnvelope, parseLedgerEvent } from "../../shared/events.ts";
import { type ClientFrameInput, parseServerFrame, PROTOCOL_VERSION } from "../../shared/protocol.ts";
import { api, session } from "./api.ts";
import { agendaChanged, brainKeys } from "./queries.ts";
import { placeCard } from "./cards.ts";
import { type ArchitectRunLine, foldProgress } from "./architect-progress.ts";
import { afterSocketClose, connectRetryDelay } from "./socket-close.ts";
import { messageFrame, type Outgoing, readOutbox, type Sent, writeOutbox } from "./state-outbox.ts";
import { appendEvents, applyAccepted, applyCompleted, applyEvents } from "./state-events.ts";
import { forget, remember } from "./state-journal.ts";
import { deviceId, deviceName, setDeviceName } from "./device.ts";
import { knownAfterPresence } from "./known-devices.ts";
import { closeSystemNotification, showSystemNotification } from "./system-notification.ts";
import { localDatabaseOf, signedIn } from "./local-user.ts";

export type Reply = {
  turnId: string;
  text: string;
  status: "streaming" | "completed" | "interrupted" | "failed";
  actions: ActionCard[];
  error?: string;
  /** With `failed`: the `llm.failed` code (`rate_limited` is the daily budget, C13) and when to try again. */
  code?: string;
  retryAfter?: number;
  /** When the turn failed (ms), to count `retryAfter` from. */
  at?: number;
};


export type Brain = {
  status: "connecting" | "live" | "offline";
  deviceId: string;
  doc: Y.Doc;
  provider: YProvider | null;
  devices: Device[];
  replies: Reply[];
  outbox: Outgoing[];
  /** This tab's messages the room accepted (acks), until the cached state shows them: no gap between outbox and state (W12). */
  sent: Sent[];
  notifications: Notification[];
  /** W81: the architect runs this tab has heard of, each with its latest progress line. */
  architect: ArchitectRunLine[];
  send: (text: string) => void;
  /** Sends a failed outbox entry again, under a new client action id (the old one was refused). */
  retry: (clientActionId: string) => void;
  /** Drops an outbox entry that failed. */
  discard: (clientActionId: string) => void;
  stop: (turnId: string) => void;
  ack: (notificationId: string) => void;
  /** Renames this device; the room learns it on the next hello (a reconnect). */
  rename: (name: string) => void;
};

export const BrainContext = createContext<Brain | null>(null);

const PING_EVERY_MS = 25_000;

/** Every JSON frame the web sends goes through here, typed against the client schema (STYLE.md 1). */
const send = (p: YProvider, frame: ClientFrameInput) => p.sendMessage(JSON.stringify(frame));
/** A connection id (the provider's `_pk`): 20 url-safe characters, new for every socket (P17). */
const newConnectionId = () => crypto.randomUUID().replace(/-/g, "").slice(0, 20);



export function BrainProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const doc = useMemo(() => new Y.Doc(), []);
  const [status, setStatus] = useState<Brain["status"]>("connecting");
  const [devices, setDevices] = useState<Device[]>([]);
  const [replies, setReplies] = useState<Reply[]>([]);
  const [outbox, setOutbox] = useState<Outgoing[]>(readOutbox);
  const [sent, setSent] = useState<Sent[]>([]);
  const [notifications, setNotifications] = useState<Notification[]>([]);
  const [architect, setArchitect] = useState<ArchitectRunLine[]>([]);
  const [provider, setProvider] = useState<YProvider | null>(null);
  const providerRef = useRef<YProvider | null>(null);
  /** Closes and opens the socket again (a new hello: a rename); set by the connection effect. */
  const reopen = useRef<() => void>(() => {});
  const id = useMemo(deviceId, []);

  /** Sends when the socket is open; otherwise drops the frame (the outbox and the next hello cover what matters). */
  const frame = (f: ClientFrameInput) => {
    const p = providerRef.current;
    if (p?.wsconnected) send(p, f);
    return Boolean(p?.wsconnected);
  };

  /** Rewrites the outbox (localStorage and the view) with `change`. */
  const updateOutbox = (change: (items: Outgoing[]) => Outgoing[]) => {
    const next = change(readOutbox());
    writeOutbox(next);
    setOutbox(next);
  };

  useEffect(() => {
    const token = session.token;
    if (!token) return;
    /** W10: the cached state, changed in place from a frame — never refetched per turn. */
    const patchState = (change: (s: BrainState) => BrainState) => queryClient.setQueryData<BrainState>(brainKeys.state(), (s) => (s ? change(s) : s));
    /** W11: a refetch for what frames cannot carry (a snapshot, a gap in the seqs), debounced to one. */
    let refetch: ReturnType<typeof setTimeout> | null = null;
    const refetchState = () => {
      if (refetch !== null) return;
      refetch = setTimeout(() => {
        refetch = null;
        void queryClient.invalidateQueries({ queryKey: brainKeys.state() });
      }, 100);
    };
    /** The cards each live turn showed, for the reply its `llm.completed` frame places (C16). */
    const cardsOf = new Map<string, ActionCard[]>();
    /** Ledger events into the state and the activity log (W10); a seq gap the cache cannot bridge refetches once. */
    const fold = (events: readonly EventEnvelope[]) => {
      if (events.length === 0) return;
      remember(events);
      const cached = queryClient.getQueryData<BrainState>(brainKeys.state());
      if (cached && events[0]!.seq > cached.lastEventSeq + 1) refetchState();
      patchState((s) => applyEvents(s, events.map((e) => ({ seq: e.seq, event: parseLedgerEvent(e) })), Date.now()));
      queryClient.setQueryData<EventsPage>(brainKeys.events(), (page) => (page ? appendEvents(page, events) : page));
      // K20: the agenda merges what the socket does not carry (calendar events): fetched again when it changed.
      if (events.some((e) => agendaChanged(e.type))) void queryClient.invalidateQueries({ queryKey: brainKeys.agenda() });
    };
    const local = new IndexeddbPersistence(localDatabaseOf(signedIn()?.userId ?? "anonymous"), doc);
    // React may mount, unmount and mount again (StrictMode): a provider whose effect was
    // cleaned up while it fetched its ticket must not open a socket afterwards.
    let cancelled = false;
    let resume: { turnId: string; seq: number } | undefined;
    let lastEventSeq: number | undefined;
    /** Tickets refused (4401) since the last welcome (P15). */
    let refusals = 0;
    let resync: ReturnType<typeof setTimeout> | null = null;
    const p = new YProvider(location.host, "me", doc, {
      prefix: "/api/v1/socket",
      protocol: location.protocol === "https:" ? "wss" : "ws",
      params: async () => {
        const { ticket } = await api.socketTicket();
        if (cancelled) throw new Error("this connection was closed before it opened");
        // A fresh connection id for every socket (P17): a socket dropped by the network (offline) stays
        // open on the server until it times out, and a new one under the same id would be confused with it.
        p.id = newConnectionId();
        return { ticket };
      },
      disableBc: true,
      connect: false,
    });
    /**
     * Opens the provider's socket. Its ticket request can fail (offline, the server
     * unreachable, the session refused) or be cancelled (the effect was cleaned up
     * first): the status then says offline and, while the browser thinks it is
     * online, the connect is tried again after a growing wait (W44); offline, the
     * `online` event opens it. The rejection is handled here — never an uncaught
     * page error (W6).
     */
    let failures = 0;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const open = () => {
      if (retry !== null) clearTimeout(retry);
      retry = null;
      p.connect().then(
        () => {
          failures = 0;
        },
        () => {
          if (cancelled) return;
          p.emit("status", [{ status: "disconnected" }]);
          if (navigator.onLine) retry = setTimeout(open, connectRetryDelay(failures++));
        },
      );
    };
    open();
    reopen.current = () => {
      p.disconnect();
      open();
    };
    providerRef.current = p;
    setProvider(p);
    // W14: a reply's frames render synchronously, inside the socket's message event: React would otherwise
    // schedule the render for a later task, and assistant-ui's runtime takes each new store in an effect
    // (a second pass) — together one or two animation frames between a token's arrival and its text on screen.
    const reply = (turnId: string, change: (r: Reply) => Reply) =>
      flushSync(() =>
        setReplies((all) => {
          const found = all.find((r) => r.turnId === turnId) ?? { turnId, text: "", status: "streaming" as const, actions: [] };
          return [...all.filter((r) => r.turnId !== turnId), change(found)].slice(-50);
        }),
      );
    p.on("status", ({ status: s }: { status: string }) => {
      if (s === "connected") {
        // S12: the device's zone; the room adopts it while the user has none, before reading any later frame.
        const timeZone = deviceZone();
        send(p, { type: "hello", v: PROTOCOL_VERSION, deviceId: id, name: deviceName(), kind: "web", focused: document.hasFocus(), lastEventSeq, resume, timeZone });
        // The outbox: sent again on every connect; the room applies each clientActionId once.
        for (const m of readOutbox()) if (!m.failed && (m.retryAt ?? 0) <= Date.now()) send(p, messageFrame(m));
      }
      setStatus(s === "connected" ? "live" : s === "connecting" ? "connecting" : "offline");
    });
    p.on("connection-close", (event: { code?: number } | null) => {
      const verdict = afterSocketClose(event?.code, refusals);
      refusals = verdict.refusals;
      // "new-ticket": the provider reconnects and its params fetch a fresh ticket; a refused token there signs in (api.ts).
      if (verdict.action !== "stop") return;
      p.disconnect();
      setStatus("offline");
      toast.error("The server keeps refusing this device's live connection.", {
        id: "socket-refused",
        duration: Infinity,
        action: {
          label: "Sign in again",
          onClick: () => {
            session.token = null;
            location.assign("/login");
          },
        },
      });
    });
    p.on("custom-message", (raw: string) => {
      const f = parseServerFrame(raw);
      if (!f) return;
      switch (f.type) {
        case "welcome": {
          refusals = 0;
          lastEventSeq ??= f.lastEventSeq;
          // W11: the one state fetch of a (re)connect — only when the cache is behind the room.
          const cached = queryClient.getQueryData<BrainState>(brainKeys.state());
          if (!cached || cached.lastEventSeq < f.lastEventSeq) void queryClient.invalidateQueries({ queryKey: brainKeys.state() });
          return;
        }
        case "presence":
          // W10: who is connected, and the devices met (P16) — a device that left is remembered as last seen now.
          patchState((s) => ({ ...s, devices: f.devices, knownDevices: knownAfterPresence(s.knownDevices, s.devices, f.devices, new Date().toISOString()) }));
          return setDevices(f.devices);
        case "event":
          lastEventSeq = f.event.seq;
          return fold([f.event]);
        case "events": {
          lastEventSeq = f.lastEventSeq;
          fold(f.events);
          const last = f.events.at(-1);
          // P8: more follow; ask for the next page from the last one received.
          if (f.hasMore && last) frame({ type: "events.backfill", since: last.seq });
          return;
        }
        case "snapshot":
          // Too far behind for events (P8): a reconnect-class catch-up, one refetch.
          lastEventSeq = f.snapshot.lastEventSeq;
          return refetchState();
        case "ack": {
          const sent = readOutbox().find((m) => m.clientActionId === f.rid);
          if (!sent) return;
          // W12: marked sent at once — the message joins the conversation from the ack, before its event.
          const accepted = AcceptedSchema.safeParse(f.result);
          const message = accepted.success ? { clientActionId: sent.clientActionId, messageId: accepted.data.messageId, turnId: accepted.data.turnId, text: sent.text, createdAt: sent.createdAt } : null;
          flushSync(() => {
            updateOutbox((all) => all.filter((m) => m.clientActionId !== f.rid));
            if (message) setSent((all) => [...all, message].slice(-20));
          });
          if (message) patchState((s) => applyAccepted(s, { ...message, at: message.createdAt }));
          return;
        }
        case "llm.token":
          if (resume?.turnId === f.turnId && f.seq <= resume.seq) return;
          resume = { turnId: f.turnId, seq: f.seq };
          return reply(f.turnId, (r) => ({ ...r, text: r.text + f.token, status: "streaming" }));
        case "llm.action":
          // A proposal's later card replaces its first, in place, whatever its id (C15, C17).
          cardsOf.set(f.turnId, placeCard(cardsOf.get(f.turnId) ?? [], f.action));
          return reply(f.turnId, (r) => ({ ...r, actions: placeCard(r.actions, f.action) }));
        case "llm.completed":
          // W10: the final reply goes into the cached messages from the frame itself (its event replaces it by id).
          patchState((s) => applyCompleted(s, { messageId: f.messageId, turnId: f.turnId, text: f.text, actions: cardsOf.get(f.turnId), at: new Date().toISOString() }));
          return reply(f.turnId, (r) => ({ ...r, text: f.text, status: "completed" }));
        case "llm.interrupted":
          return reply(f.turnId, (r) => ({ ...r, text: f.text || r.text, status: "interrupted" }));
        case "llm.failed":
          return reply(f.turnId, (r) => ({ ...r, status: "failed", error: f.message, code: f.code, retryAfter: f.retryAfter, at: Date.now() }));
        case "notification": {
          const n = f.notification;
          setNotifications((all) => [...all.filter((x) => x.id !== n.id), n]);
          toast(n.title, { id: n.id, description: n.body, duration: Infinity, action: { label: "Done", onClick: () => frame({ type: "notification.ack", notificationId: n.id }) } });
          if (document.hidden) {
            const reminders = queryClient.getQueryData<BrainState>(brainKeys.state())?.reminders ?? [];
            void showSystemNotification(n, (id) => reminders.find((r) => r.id === id)?.taskId);
          }
          return;
        }
        case "notification.cleared":
          toast.dismiss(f.notificationId);
          void closeSystemNotification(f.notificationId);
          return setNotifications((all) => all.filter((x) => x.id !== f.notificationId));
        case "plan.available":
          // Its `plan.proposed` event carries the same plan; this frame may come first.
          return void patchState((s) => (f.date === dayOf(Date.now(), s.preferences.timezone) ? { ...s, plan: f.plan } : s));
        case "error": {
          const queued = readOutbox().find((m) => m.clientActionId === f.rid);
          if (queued && f.code === "rate_limited") {
            // W13: still queued; the composer counts down, and it goes again once the limit allows.
            const wait = (f.retryAfter ?? 60) * 1000;
            updateOutbox((all) => all.map((m) => (m.clientActionId === f.rid ? { ...m, retryAt: Date.now() + wait } : m)));
            setTimeout(() => {
              const still = readOutbox().find((m) => m.clientActionId === f.rid);
              if (still && !still.failed) frame(messageFrame(still));
            }, wait);
          } else if (queued) {
            // W12: refused for good (too long, invalid, conflict): kept as failed, with the room's reason and a Retry.
            // The one refusal the device can word itself: the length it let through (the room's zod text is for programs).
            const reason = queued.text.length > MAX_MESSAGE_CHARS ? `too long (${queued.text.length.toLocaleString()} characters; at most ${MAX_MESSAGE_CHARS.toLocaleString()})` : f.message;
            updateOutbox((all) => all.map((m) => (m.clientActionId === f.rid ? { ...m, failed: reason } : m)));
          } else if (f.rid === undefined && f.code === "rate_limited") {
            // D12: a refused document update leaves this device's copy behind the room's. Wait as
            // told, then reconnect once: the sync on connect sends what was refused.
            toast.warning(`Syncing again in ${f.retryAfter ?? 60} s — ${f.message}`, { id: "yjs-resync" });
            if (resync === null) {
              resync = setTimeout(() => {
                resync = null;
                p.disconnect();
                open();
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
          return setArchitect((runs) => foldProgress(runs, { runId: f.runId, step: f.step, message: f.message }));
        default: {
          const unhandled: never = f;
          return unhandled;
        }
      }
    });
    const onFocus = () => frame({ type: "focus", focused: document.hasFocus() });
    // Follow the browser's network state: drop the socket when offline (edits stay in the
    // document and IndexedDB), reconnect at once when the network is back.
    const onOffline = () => {
      p.disconnect();
      setStatus("offline");
    };
    const onOnline = () => open();
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    const ping = setInterval(() => frame({ type: "ping" }), PING_EVERY_MS);
    window.addEventListener("focus", onFocus);
    window.addEventListener("blur", onFocus);
    return () => {
      cancelled = true;
      clearInterval(ping);
      window.removeEventListener("focus", onFocus);
      window.removeEventListener("blur", onFocus);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      if (resync !== null) clearTimeout(resync);
      if (retry !== null) clearTimeout(retry);
      reopen.current = () => {};
      if (refetch !== null) clearTimeout(refetch);
      forget();
      p.destroy();
      void local.destroy();
      providerRef.current = null;
    };
  }, [doc, id, queryClient]);

  const value: Brain = {
    status,
    deviceId: id,
    doc,
    provider,
    devices,
    replies,
    outbox,
    sent,
    notifications,
    architect,
    send: (text) => {
      const m: Outgoing = { text, clientActionId: `web-${crypto.randomUUID()}`, createdAt: new Date().toISOString() };
      updateOutbox((all) => [...all, m]);
      frame(messageFrame(m));
    },
    retry: (clientActionId) => {
      const old = readOutbox().find((m) => m.clientActionId === clientActionId);
      if (!old) return;
      const m: Outgoing = { text: old.text, clientActionId: `web-${crypto.randomUUID()}`, createdAt: new Date().toISOString() };
      updateOutbox((all) => [...all.filter((x) => x.clientActionId !== clientActionId), m]);
      frame(messageFrame(m));
    },
    discard: (clientActionId) => updateOutbox((all) => all.filter((m) => m.clientActionId !== clientActionId)),
    stop: (turnId) => void frame({ type: "turn.stop", turnId }),
    ack: (notificationId) => void frame({ type: "notification.ack", notificationId }),
    rename: (name) => {
      setDeviceName(name);
      reopen.current();
    },
  };
  return <BrainContext.Provider value={value}>{children}</BrainContext.Provider>;
}
