/**
 * A device's browser and OS in words, from its user agent, read by bowser (a
 * well-kept parser, not our own regexes): "Chrome on Linux", "Safari on
 * iPhone". The web app names itself with it before the user names it (W30);
 * the room reads it from a socket's upgrade request so every device on the
 * list says what it runs on, whatever the user called it (P16).
 */
import Bowser from "bowser";

/** Longest platform string kept (a user agent is client input). */
export const PLATFORM_MAX = 100;

/** Bowser's names as people say them on a device list. */
const OS_WORDS: Record<string, string> = { macOS: "Mac", "Chrome OS": "ChromeOS" };
const BROWSER_WORDS: Record<string, string> = { "Microsoft Edge": "Edge" };

/** "Chrome on Linux", "Safari on iPhone", "Firefox on Windows", from a user agent string; never throws. */
export function describeUserAgent(ua: string): string {
  // Bowser throws on an empty string (a stripped or blocked user agent).
  if (!ua.trim()) return "Browser";
  try {
    const parsed = Bowser.parse(ua.slice(0, 1_000));
    const name = parsed.browser.name || "Browser";
    const browser = BROWSER_WORDS[name] ?? name;
    const os = parsed.os.name || "";
    // On iOS and iPadOS the device says more than the OS does ("Safari on iPhone").
    const model = parsed.platform.model;
    const where = os === "iOS" && model ? model : (OS_WORDS[os] ?? os);
    return (where ? `${browser} on ${where}` : browser).slice(0, PLATFORM_MAX);
  } catch {
    return "Browser";
  }
}
