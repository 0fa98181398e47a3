/**
 * The one live connection of a tab to the user's brain (STYLE.md 9): a
 * y-partyserver provider on /api/v1/socket (fresh single-use ticket per
 * reconnect), hello first, then presence, ledger events, streamed replies and
 * notifications. The task/note document is also kept in IndexedDB, so edits
 * made offline survive a reload and merge on reconnect; chat messages written
 * offline wait in an outbox and are sent exactly once (client action ids).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { createContext, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { toast } from "sonner";
import { IndexeddbPersistence } from "y-indexeddb";
import YProvider from "y-partyserver/provider";
import { deviceZone } from "../hooks/use-zone.ts";
import * as Y from "yjs";
import type { BrainState, EventsPage } from "../../shared/api.ts";
import { type ActionCard, AcceptedSchema } from "../../shared/chat.ts";
import type { Device, Notification } from "../../shared/domain.ts";
import { type EventEnvelope, parseLedgerEvent } from "../../shared/events.ts";
import { type ClientFrameInput, parseServerFrame, PROTOCOL_VERSION } from "../../shared/protocol.ts";
import { type Connection, type FrameContext, onServerFrame } from "./brain-frames.ts";
import { api, session } from "./api.ts";
import { agendaChanged, brainKeys } from "./queries.ts";
import type { ArchitectRunLine } from "./architect-progress.ts";
import { afterDataClose, afterSocketClose, connectRetryDelay } from "./socket-close.ts";
import { messageFrame, type Outgoing, readOutbox, type Sent, writeOutbox } from "./state-outbox.ts";
import { appendEvents, applyEvents } from "./state-events.ts";
import { forget, remember } from "./state-journal.ts";
import { deviceId, deviceName, setDeviceName } from "./device.ts";
import { stopSpeaking } from "./voice/speech-control.ts";
import { primeSpeech } from "./voice/speaker.ts";
import { spokenReplies } from "./voice/spoken-replies.ts";
import { checkEpoch, discardErased, signOutOnce } from "./data-epoch.ts";
import { localDatabaseOf, signedIn } from "./local-user.ts";
import { OfflineError, regenerateFrame } from "../components/chat/threads.ts";
import { conversationsApi } from "./conversations-api.ts";
import type { Regeneration } from "../components/chat/branches.ts";

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
  /** W90, W93: `place` names the thread, the message it follows (the end of the branch on screen) or the one it edits. */
  send: (text: string, place?: Placement) => void;
  /** W93: regenerations this tab asked for, accepted by the room: their turns answer these messages. */
  regenerations: Regeneration[];
  /** W93: answers a user message again (T12); the new reply is a sibling of the earlier ones. */
  regenerate: (messageId: string) => Promise<void>;
  /** Sends a failed outbox entry again, under a new client action id (the old one was refused). */
  retry: (clientActionId: string) => void;
  /** Drops an outbox entry that failed. */
  discard: (clientActionId: string) => void;
  stop: (turnId: string) => void;
  ack: (notificationId: string) => void;
  /** Renames this device; the room learns it on the next hello (a reconnect). */
  rename: (name: string) => void;
};

/** Where a message goes (W90, W93); `channel: "voice"` for what the browser's recognition heard (W118). */
export type Placement = { conversationId?: string; parentId?: string; editOf?: string; channel?: "voice" };

export const BrainContext = createContext<Brain | null>(null);

const PING_EVERY_MS = 25_000;

/** Every JSON frame the web sends goes through here, typed against the client schema (STYLE.md 1). */
const send = (p: YProvider, frame: ClientFrameInput) => p.sendMessage(JSON.stringify(frame));
/** Only the placement fields that are set (the outbox is read back through a schema with optional fields). */
const placed = (p: Placement | undefined): Placement => ({
  ...(p?.conversationId ? { conversationId: p.conversationId } : {}),
  ...(p?.parentId ? { parentId: p.parentId } : {}),
  ...(p?.editOf ? { editOf: p.editOf } : {}),
  ...(p?.channel ? { channel: p.channel } : {}),
});
/** A connection id (the provider's `_pk`): 20 url-safe characters, new for every socket (P17). */
const newConnectionId = () => crypto.randomUUID().replace(/-/g, "").slice(0, 20);



export function BrainProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // U15: where a deleted account goes (read from the socket's close handler, not a dependency of the connection).
  const navigateRef = useRef(useNavigate());
  const doc = useMemo(() => new Y.Doc(), []);
  const [status, setStatus] = useState<Brain["status"]>("connecting");
  const [devices, setDevices] = useState<Device[]>([]);
  const [replies, setReplies] = useState<Reply[]>([]);
  const [outbox, setOutbox] = useState<Outgoing[]>(readOutbox);
  const [sent, setSent] = useState<Sent[]>([]);
  const [regenerations, setRegenerations] = useState<Regeneration[]>([]);
  /** W93: `message.regenerate` frames sent and not acked yet: client action id → the message answered again. */
  const asked = useRef(new Map<string, string>());
  const placeRegeneration = (turnId: string, messageId: string) => setRegenerations((all) => [...all.filter((r) => r.turnId !== turnId), { turnId, messageId }].slice(-50));
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
      const parsed = events.map((e) => ({ seq: e.seq, event: parseLedgerEvent(e) }));
      patchState((s) => applyEvents(s, parsed, Date.now()));
      // W93: a reply regenerated on any device is placed beside the earlier ones while it streams.
      const regenerated = parsed.flatMap(({ event }) => (event?.type === "turn.regenerated" ? [{ turnId: event.payload.turnId, messageId: event.payload.messageId }] : []));
      if (regenerated.length > 0) setRegenerations((all) => [...all.filter((r) => !regenerated.some((x) => x.turnId === r.turnId)), ...regenerated].slice(-50));
      queryClient.setQueryData<EventsPage>(brainKeys.events(), (page) => (page ? appendEvents(page, events) : page));
      // K20: the agenda merges what the socket does not carry (calendar events): fetched again when it changed.
      if (events.some((e) => agendaChanged(e.type))) void queryClient.invalidateQueries({ queryKey: brainKeys.agenda() });
      // W78: a goal's activity open in a view is read from the room again (only queries in use refetch).
      void queryClient.invalidateQueries({ queryKey: [...brainKeys.events(), "goal"] });
    };
    const local = new IndexeddbPersistence(localDatabaseOf(signedIn()?.userId ?? "anonymous"), doc);
    // React may mount, unmount and mount again (StrictMode): a provider whose effect was
    // cleaned up while it fetched its ticket must not open a socket afterwards.
    let cancelled = false;
    /** The connection's facts frames change (brain-frames.ts): read for the next hello and on close. */
    const conn: Connection = { refusals: 0, lastEventSeq: undefined, resume: undefined, resync: null };
    const p = new YProvider(location.host, "me", doc, {
      prefix: "/api/v1/socket",
      protocol: location.protocol === "https:" ? "wss" : "ws",
      params: async () => {
        const { ticket, epoch } = await api.socketTicket();
        if (cancelled) throw new Error("this connection was closed before it opened");
        // U17: a local copy of an erased account (this device was away during the deletion) is dropped, never synced.
        const user = signedIn()?.userId;
        if (epoch !== undefined && user !== undefined && checkEpoch(localStorage, user, epoch) === "other") {
          cancelled = true;
          await discardErased(localStorage, user, epoch, () => local.clearData());
          location.reload();
          throw new Error("this device's copy was of a deleted account");
        }
        // A fresh connection id for every socket (P17): a socket dropped by the network (offline) stays
        // open on the server until it times out, and a new one under the same id would be confused with it.
        p.id = newConnectionId();
        // U17: the room closes (4410) a socket naming another epoch.
        return epoch === undefined ? { ticket } : { ticket, epoch };
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
        send(p, { type: "hello", v: PROTOCOL_VERSION, deviceId: id, name: deviceName(), kind: "web", focused: document.hasFocus(), lastEventSeq: conn.lastEventSeq, resume: conn.resume, timeZone });
        // The outbox: sent again on every connect; the room applies each clientActionId once.
        for (const m of readOutbox()) if (!m.failed && (m.retryAt ?? 0) <= Date.now()) send(p, messageFrame(m));
      }
      setStatus(s === "connected" ? "live" : s === "connecting" ? "connecting" : "offline");
    });
    p.on("connection-close", (event: { code?: number } | null) => {
      // U11, U15: an import replaced the data (read it again), or the account was deleted (sign out, clear, stay off).
      const data = afterDataClose(event?.code);
      if (data === "reload") void queryClient.invalidateQueries({ queryKey: brainKeys.all });
      if (data === "signed-out") {
        p.disconnect();
        setStatus("offline");
        toast.info("Your account was deleted. You have been signed out.", { id: "account-deleted" });
        void signOutOnce(queryClient, () => navigateRef.current({ to: "/login" }));
        return;
      }
      const verdict = afterSocketClose(event?.code, conn.refusals);
      conn.refusals = verdict.refusals;
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
    const reconnect = () => {
      p.disconnect();
      open();
    };
    const regenerated = (rid: string, result: unknown) => {
      const messageId = asked.current.get(rid);
      if (messageId === undefined) return false;
      asked.current.delete(rid);
      const accepted = AcceptedSchema.safeParse(result);
      if (accepted.success) placeRegeneration(accepted.data.turnId, messageId);
      return true;
    };
    const context: FrameContext = { queryClient, conn, patchState, refetchState, fold, frame, reply, cardsOf, updateOutbox, setSent, setDevices, setNotifications, setArchitect, reconnect, regenerated };
    p.on("custom-message", (raw: string) => {
      const f = parseServerFrame(raw);
      if (f) onServerFrame(f, context);
      // W120: the replies this device asked for are spoken as they stream; speech never stops the chat.
      if (f) {
        try {
          spokenReplies().replies.onFrame(f);
        } catch (error) {
          console.warn("spoken replies", error);
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
      if (conn.resync !== null) clearTimeout(conn.resync);
      if (retry !== null) clearTimeout(retry);
      reopen.current = () => {};
      if (refetch !== null) clearTimeout(refetch);
      forget();
      // W122: the signed-in app is gone (sign-out, another user): nothing of its replies goes on being read.
      stopSpeaking();
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
    regenerations,
    regenerate: async (messageId) => {
      const clientActionId = `web-${crypto.randomUUID()}`;
      // W93: with no network the user is told to try again once connected (a closing socket may still look open).
      if (!navigator.onLine) throw new OfflineError();
      // W120, W121: the regenerated reply is this tab's to speak; the click unlocks its audio (Safari).
      spokenReplies().replies.sentHere(clientActionId);
      primeSpeech();
      // Over the socket beside messages when it is live (acked like a message, placed from the ack)…
      if (status === "live" && providerRef.current?.wsconnected) {
        asked.current.set(clientActionId, messageId);
        if (frame(regenerateFrame(messageId, clientActionId))) return;
        asked.current.delete(clientActionId);
      }
      // …else over HTTP.
      const accepted = await conversationsApi.regenerate(messageId, clientActionId).catch((e: unknown) => {
        throw e instanceof TypeError ? new OfflineError() : e;
      });
      placeRegeneration(accepted.turnId, messageId);
    },
    send: (text, place) => {
      const m: Outgoing = { text, clientActionId: `web-${crypto.randomUUID()}`, createdAt: new Date().toISOString(), ...placed(place) };
      updateOutbox((all) => [...all, m]);
      spokenReplies().replies.sentHere(m.clientActionId);
      // W121: Send / Enter is the user's gesture Safari needs before the reply's audio may play.
      primeSpeech();
      frame(messageFrame(m));
    },
    retry: (clientActionId) => {
      const old = readOutbox().find((m) => m.clientActionId === clientActionId);
      if (!old) return;
      const m: Outgoing = { text: old.text, clientActionId: `web-${crypto.randomUUID()}`, createdAt: new Date().toISOString(), ...placed(old) };
      updateOutbox((all) => [...all.filter((x) => x.clientActionId !== clientActionId), m]);
      spokenReplies().replies.sentHere(m.clientActionId);
      primeSpeech();
      frame(messageFrame(m));
    },
    discard: (clientActionId) => updateOutbox((all) => all.filter((m) => m.clientActionId !== clientActionId)),
    stop: (turnId) => {
      stopSpeaking();
      frame({ type: "turn.stop", turnId });
    },
    ack: (notificationId) => void frame({ type: "notification.ack", notificationId }),
    rename: (name) => {
      setDeviceName(name);
      reopen.current();
    },
  };
  return <BrainContext.Provider value={value}>{children}</BrainContext.Provider>;
}
