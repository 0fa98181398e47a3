/**
 * Keyboard shortcuts of the Tasks view (docs/PROTOCOL.md W21), one table:
 * the help dialog lists it and `shortcutFor` reads a key press through it.
 * Shortcuts never fire while the user types in a field.
 */

export type ShortcutAction = "new" | "next" | "previous" | "complete" | "edit" | "due" | "tag" | "delete" | "moveUp" | "moveDown" | "search" | "help";

/** A key press as the browser reports it (a `KeyboardEvent` fits). */
export type KeyPress = { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey?: boolean };

type Shortcut = { action: ShortcutAction; keys: readonly string[]; alt?: true; label: string };

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "new", keys: ["n", "c"], label: "New task" },
  { action: "search", keys: ["/"], label: "Search tasks" },
  { action: "next", keys: ["j", "ArrowDown"], label: "Select next task" },
  { action: "previous", keys: ["k", "ArrowUp"], label: "Select previous task" },
  { action: "complete", keys: ["x", " "], label: "Complete or reopen" },
  { action: "edit", keys: ["e", "Enter"], label: "Rename" },
  { action: "due", keys: ["d"], label: "Set due date" },
  { action: "tag", keys: ["t"], label: "Add a tag" },
  { action: "delete", keys: ["Backspace", "Delete"], label: "Delete (with Undo)" },
  { action: "moveUp", keys: ["ArrowUp"], alt: true, label: "Move up" },
  { action: "moveDown", keys: ["ArrowDown"], alt: true, label: "Move down" },
  { action: "help", keys: ["?"], label: "Show shortcuts" },
];

/** How a key is written in the help dialog. */
export function keyLabel(key: string, alt = false): string {
  const names: Record<string, string> = { " ": "Space", ArrowDown: "↓", ArrowUp: "↑", Backspace: "⌫", Delete: "Del", Enter: "Enter" };
  return `${alt ? "Alt+" : ""}${names[key] ?? key}`;
}

/** The action a key press means, or null. Ctrl and Meta chords belong to the browser and the system. */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey) return null;
  const key = press.key.length === 1 && press.key !== " " ? press.key.toLowerCase() : press.key;
  // "?" is Shift+/ on most layouts: match the character, whatever made it.
  const found = SHORTCUTS.find((s) => s.keys.includes(key) && Boolean(s.alt) === press.altKey);
  return found?.action ?? null;
}

/** Input types that take typing; a checkbox or a button does not. */
const TEXT_INPUTS = new Set(["text", "search", "email", "url", "tel", "number", "password", "date", "time", "datetime-local", "month", "week"]);

/** An element the user types into: shortcuts stay out of its way. */
export type Target = { tagName: string; type?: string; isContentEditable?: boolean };

export function isTypingTarget(target: Target | null): boolean {
  if (!target) return false;
  const tag = target.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) return true;
  return tag === "INPUT" && TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
}

/** Keys that a focused button or checkbox acts on itself: the shortcut does not take them from it. */
export function ownedByControl(target: Target | null, key: string): boolean {
  if (!target) return false;
  const tag = target.tagName.toUpperCase();
  const control = tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || (tag === "INPUT" && !isTypingTarget(target));
  return control && (key === " " || key === "Enter");
}
