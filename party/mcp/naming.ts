/**
 * Tool names the model sees (docs/PROTOCOL.md M3): `<server>__<tool>`, each part
 * lower-cased to [a-z0-9_] (anything else becomes `_`, runs collapse), the whole
 * at most 64 characters — what every provider's function-name rules accept. Two
 * servers' tools never collide: the server part is unique in the room.
 */
export const MAX_TOOL_NAME = 64;
export const SEPARATOR = "__";
/** The server part is kept short, so the tool's own name has room. */
const MAX_SERVER_PART = 24;

/** `Flights (test)!` → `flights_test`; empty when nothing usable remains. */
export function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, max)
    .replace(/_$/, "");
}

/** A server part for `name` not in `taken` (`flights`, `flights_2`, …). */
export function serverSlug(name: string, taken: ReadonlySet<string>): string {
  const base = slug(name, MAX_SERVER_PART) || "server";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, MAX_SERVER_PART - String(n).length - 1)}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `<server>__<tool>`, or null when the tool's name has nothing usable left. */
export function namespaced(serverPart: string, toolName: string): string | null {
  const room = MAX_TOOL_NAME - serverPart.length - SEPARATOR.length;
  // The tool part must not itself start or end with the separator's character run.
  const tool = slug(toolName, room);
  return tool ? `${serverPart}${SEPARATOR}${tool}` : null;
}
