/**
 * The one live connection of a tab to the user's brain (STYLE.md 9): a
 * y-partyserver provider on /api/v1/socket with a fresh single-use ticket
 * per (re)connect, hello first, then presence and ledger events.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import YProvider from "y-partyserver/provider";
import * as Y from "yjs";
import type { Device, Notification, Task } from "../../shared/domain.ts";
import { PROTOCOL_VERSION, ServerFrameSchema } from "../../shared/protocol.ts";
import { api } from "../lib/api.ts";
import { brainKeys } from "../lib/queries.ts";

const DEVICE_KEY = "micro-cos.device";

function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** A reply as it streams in, keyed by turn. */
export type Reply = { turnId: string; text: string; status: "streaming" | "completed" | "interrupted" | "failed"; actions: string[] };

export type BrainLive = {
  status: "connecting" | "live" | "offline";
  devices: Device[];
  tasks: Task[];
  lastEventSeq: number;
  replies: Reply[];
  /** Notifications pushed to this device (it is the one in use), until acknowledged anywhere. */
  notifications: Notification[];
  send: (text: string) => void;
  ack: (notificationId: string) => void;
};

const PING_EVERY_MS = 25_000;

export function useBrain(enabled: boolean): BrainLive {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<BrainLive>({ status: "connecting", devices: [], tasks: [], lastEventSeq: 0, replies: [], notifications: [], send: () => {}, ack: () => {} });

  useEffect(() => {
    if (!enabled) return;
    const doc = new Y.Doc();
    let lastEventSeq: number | undefined;
    const provider = new YProvider(location.host, "me", doc, {
      prefix: "/api/v1/socket",
      protocol: location.protocol === "https:" ? "wss" : "ws",
      params: async () => ({ ticket: (await api.socketTicket()).ticket }),
      disableBc: true,
    });
    const readTasks = () =>
      [...doc.getMap<Y.Map<unknown>>("tasks").values()]
        .map((m) => m.toJSON() as Task)
        .sort((a, b) => a.order - b.order);
    doc.on("update", () => setLive((s) => ({ ...s, tasks: readTasks() })));
    provider.on("status", ({ status }: { status: string }) => {
      if (status === "connected") {
        provider.sendMessage(
          JSON.stringify({
            type: "hello",
            v: PROTOCOL_VERSION,
            deviceId: deviceId(),
            name: navigator.userAgent.includes("Mobile") ? "Phone browser" : "Web browser",
            kind: "web",
            focused: document.hasFocus(),
            lastEventSeq,
            resume,
          }),
        );
      }
      setLive((s) => ({ ...s, status: status === "connected" ? "live" : status === "connecting" ? "connecting" : "offline" }));
    });
    const reply = (turnId: string, change: (r: Reply) => Reply) =>
      setLive((s) => {
        const found = s.replies.find((r) => r.turnId === turnId) ?? { turnId, text: "", status: "streaming" as const, actions: [] };
        return { ...s, replies: [...s.replies.filter((r) => r.turnId !== turnId), change(found)].slice(-20) };
      });
    let resume: { turnId: string; seq: number } | undefined;
    provider.on("custom-message", (raw: string) => {
      const parsed = ServerFrameSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return;
      const frame = parsed.data;
      if (frame.type === "notification") {
        const n = frame.notification;
        setLive((s) => ({ ...s, notifications: [...s.notifications.filter((x) => x.id !== n.id), n] }));
      }
      if (frame.type === "notification.cleared") {
        setLive((s) => ({ ...s, notifications: s.notifications.filter((x) => x.id !== frame.notificationId) }));
      }
      if (frame.type === "llm.token") {
        if (resume?.turnId === frame.turnId && frame.seq <= resume.seq) return;
        resume = { turnId: frame.turnId, seq: frame.seq };
        reply(frame.turnId, (r) => ({ ...r, text: r.text + frame.token }));
      }
      if (frame.type === "llm.completed") reply(frame.turnId, (r) => ({ ...r, text: frame.text, status: "completed" }));
      if (frame.type === "llm.interrupted") reply(frame.turnId, (r) => ({ ...r, status: "interrupted" }));
      if (frame.type === "llm.failed") reply(frame.turnId, (r) => ({ ...r, status: "failed", text: r.text || frame.message }));
      if (frame.type === "llm.action") reply(frame.turnId, (r) => ({ ...r, actions: [...r.actions, `${frame.action.status}: ${frame.action.summary}`] }));
      if (frame.type === "presence") setLive((s) => ({ ...s, devices: frame.devices }));
      if (frame.type === "event") {
        lastEventSeq = frame.event.seq;
        setLive((s) => ({ ...s, lastEventSeq: frame.event.seq }));
        void queryClient.invalidateQueries({ queryKey: brainKeys.all });
      }
      if (frame.type === "welcome") lastEventSeq ??= frame.lastEventSeq;
    });
    const onFocus = () => provider.sendMessage(JSON.stringify({ type: "focus", focused: document.hasFocus() }));
    const ping = setInterval(() => provider.wsconnected && provider.sendMessage(JSON.stringify({ type: "ping" })), PING_EVERY_MS);
    const send = (text: string) =>
      provider.sendMessage(JSON.stringify({ type: "message.send", command: { text, channel: "chat", clientActionId: `web-${crypto.randomUUID()}` } }));
    const ack = (notificationId: string) => provider.sendMessage(JSON.stringify({ type: "notification.ack", notificationId }));
    setLive((s) => ({ ...s, send, ack }));
    window.addEventListener("focus", onFocus);
    window.addEventListener("blur", onFocus);
    return () => {
      clearInterval(ping);
      window.removeEventListener("focus", onFocus);
      window.removeEventListener("blur", onFocus);
      provider.destroy();
      doc.destroy();
    };
  }, [enabled, queryClient]);

  return live;
}
