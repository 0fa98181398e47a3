/**
 * The one live connection of a tab to the user's brain (STYLE.md 9): a
 * y-partyserver provider on /api/v1/socket with a fresh single-use ticket
 * per (re)connect, hello first, then presence and ledger events.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import YProvider from "y-partyserver/provider";
import * as Y from "yjs";
import type { Device, Task } from "../../shared/domain.ts";
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

export type BrainLive = { status: "connecting" | "live" | "offline"; devices: Device[]; tasks: Task[]; lastEventSeq: number };

export function useBrain(enabled: boolean): BrainLive {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<BrainLive>({ status: "connecting", devices: [], tasks: [], lastEventSeq: 0 });

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
          }),
        );
      }
      setLive((s) => ({ ...s, status: status === "connected" ? "live" : status === "connecting" ? "connecting" : "offline" }));
    });
    provider.on("custom-message", (raw: string) => {
      const parsed = ServerFrameSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return;
      const frame = parsed.data;
      if (frame.type === "presence") setLive((s) => ({ ...s, devices: frame.devices }));
      if (frame.type === "event") {
        lastEventSeq = frame.event.seq;
        setLive((s) => ({ ...s, lastEventSeq: frame.event.seq }));
        void queryClient.invalidateQueries({ queryKey: brainKeys.all });
      }
      if (frame.type === "welcome") lastEventSeq ??= frame.lastEventSeq;
    });
    const onFocus = () => provider.sendMessage(JSON.stringify({ type: "focus", focused: document.hasFocus() }));
    window.addEventListener("focus", onFocus);
    window.addEventListener("blur", onFocus);
    return () => {
      window.removeEventListener("focus", onFocus);
      window.removeEventListener("blur", onFocus);
      provider.destroy();
      doc.destroy();
    };
  }, [enabled, queryClient]);

  return live;
}
