/**
 * B20: provenance as data — the model's stated reason (trimmed to 500
 * characters, control characters dropped, never followed) and the sha-256 of
 * the prompt and the output, hex. `node:crypto` is sync here and in workerd
 * (nodejs_compat), so the hash is computed in the transaction that records it.
 */
import { createHash } from "node:crypto";
import { GOAL_LIMITS, type Why } from "../../shared/goals.ts";
import { CONTROL_CHARS } from "../../shared/text.ts";

/** Hex sha-256 of the prompt and the output, separated so "ab"+"c" and "a"+"bc" differ. */
export const provenanceHash = (prompt: string, output: string): string => createHash("sha256").update(prompt).update("\u0000").update(output).digest("hex");

/** The rationale as stored: plain text of at most 500 characters, on a character boundary. */
export function rationaleOf(text: string): string {
  const plain = text.replace(CONTROL_CHARS, "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "").trim();
  let out = "";
  for (const char of plain) {
    if (out.length + char.length > GOAL_LIMITS.rationale) break;
    out += char;
  }
  return out;
}

export function whyOf(fields: Omit<Why, "rationale" | "hash">, rationale: string, prompt: string, output: string): Why {
  return { ...fields, rationale: rationaleOf(rationale), hash: provenanceHash(prompt, output) };
}
