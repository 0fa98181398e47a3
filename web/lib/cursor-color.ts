/**
 * Each device's colour in a shared note (its cursor, its selection, its name
 * tag): picked from the device id, so it stays the same across reloads and
 * renames. The palette is dark enough for white text and still distinct on a
 * dark editor (each keeps 4.5:1 against white label text).
 */
export const CURSOR_COLORS = ["#4338ca", "#0369a1", "#047857", "#b45309", "#b91c1c", "#7e22ce", "#be185d", "#0f766e"] as const;

/** FNV-1a over the id: cheap, and spreads ids that differ in one character. */
export function cursorColor(deviceId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i++) {
    hash ^= deviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return CURSOR_COLORS[(hash >>> 0) % CURSOR_COLORS.length]!;
}
