/**
 * The built-in offline assistant's understanding (docs/PROTOCOL.md C10): plain
 * rules over the user's words, with natural-language dates from chrono-node
 * read in the user's time zone. The rules are the `offline` parts of the tool
 * declarations (tools.ts), tried by rank; only the greeting belongs to no tool.
 * Deterministic and honest about its limits.
 */
import { type Intent, matchTool, type OfflineMatch, type ToolEntry } from "./registry.ts";
import { BUILT_IN_TOOLS } from "./tools.ts";
import { noticeMemories } from "./memory-rules.ts";


/** What the offline assistant makes of a message: a greeting, a tool to call, or nothing it knows. */
export type Understanding = { kind: "greeting" } | { kind: "statement" } | { kind: "unknown" } | { kind: "tool"; match: OfflineMatch };

export function interpret(text: string, timeZone: string, now: Date, tools: readonly ToolEntry[] = BUILT_IN_TOOLS): Understanding {
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b[!. ]*$/i.test(text.trim())) return { kind: "greeting" };
  const match = matchTool(tools, text, { timeZone, now });
  if (match) return { kind: "tool", match };
  // Y6: a statement about the user ("I live in Berlin") is acknowledged; the room then offers to remember it.
  return noticeMemories(text).length > 0 ? { kind: "statement" } : { kind: "unknown" };
}

/** The intent, as named by the tool that understood it, with the fields read from the words. */
export function understand(text: string, timeZone: string, now: Date, tools: readonly ToolEntry[] = BUILT_IN_TOOLS): Intent {
  const u = interpret(text, timeZone, now, tools);
  return u.kind === "tool" ? u.match.intent : u;
}
