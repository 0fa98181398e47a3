/** What sign-out says it would lose (docs/PROTOCOL.md W33). */
import { describe, expect, it } from "vitest";
import { unsentAtSignOut } from "../../web/lib/account.ts";

describe("Web — sign-out confirmation", () => {
  it("[W33] names the unsent messages and an offline connection; nothing pending asks nothing", () => {
    expect(unsentAtSignOut(0, true)).toBeNull();
    expect(unsentAtSignOut(2, true)).toBe("2 messages not sent yet will be deleted from this browser.");
    expect(unsentAtSignOut(1, true)).toBe("1 message not sent yet will be deleted from this browser.");
    expect(unsentAtSignOut(0, false)).toMatch(/^You are not connected: .*deleted from this browser\.$/);
    expect(unsentAtSignOut(3, false)).toMatch(/^3 messages not sent yet .* You are not connected/);
  });
});
