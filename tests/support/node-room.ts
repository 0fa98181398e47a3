/**
 * A room's core assembled in Node — ledger, document, command path and chat
 * engine on node:sqlite — for provider tests and benchmarks that need no workerd.
 */
import type { LanguageModel } from "ai";
import * as Y from "yjs";
import type { LlmFrame } from "../../shared/chat.ts";
import { ChatEngine, type ChatLimits } from "../../party/chat/engine.ts";
import { readContextItems } from "../../party/chat/context-items.ts";
import { executeCommand } from "../../party/core/commands.ts";
import { readNotes, readTasks } from "../../shared/doc-schema.ts";
import { DocStore } from "../../party/core/doc-store.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { nodeSql } from "./node-sql.ts";

export function nodeRoom(model: () => LanguageModel, limits: Partial<ChatLimits> = {}) {
  const sql = nodeSql();
  const doc = new Y.Doc();
  const docs = new DocStore(sql);
  docs.attach(doc, () => "test");
  const frames: LlmFrame[] = [];
  const listeners = new Set<(f: LlmFrame) => void>();
  const engine = (ledger: Ledger) => {
    const deps = { doc, ledger, now: Date.now };
    return new ChatEngine({
      userId: "node",
      sql,
      ledger,
      now: Date.now,
      limits: { messagesPerMinute: 1_000_000, dailyTokens: 10_000_000, toolDailyCap: 1_000_000, maxOutputTokens: 1_024, ...limits },
      model: () => model(),
      execute: (command, ctx) => executeCommand(deps, command, ctx),
      tasks: () => readTasks(doc),
      notes: () => readNotes(doc),
      contextItems: (ids) => readContextItems(doc, ids),
      proposePlan: async () => ({ ok: false as const, error: { code: "internal" as const, message: "no plans in this test room" } }),
      broadcast: (f) => {
        frames.push(f);
        listeners.forEach((l) => l(f));
      },
      log: () => {},
    });
  };
  const ledger = new Ledger(sql);
  const chat = engine(ledger);
  return {
    sql,
    ledger,
    doc,
    chat,
    frames,
    listeners,
    tasks: () => readTasks(doc),
    /** The room started again on the same storage (C6): the ledger read back from SQLite, a new engine that recovers. */
    restart: () => {
      const again = new Ledger(sql);
      const chatAgain = engine(again);
      chatAgain.recover();
      return { ledger: again, chat: chatAgain };
    },
  };
}
