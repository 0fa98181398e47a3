import { useEffect } from "react";
import { session, TOKEN_KEY } from "../lib/api.ts";
import { DEVICE_KEY, deviceId } from "../lib/device.ts";
import { accountOf } from "../lib/local-user.ts";
import { writeSwSession } from "../lib/sw-session.ts";

/**
 * W64: while signed in, the service worker's copy of the session is this tab's — written when
 * the signed-in app opens (a sign-in lands here) and again whenever another tab changes the
 * token or the device id (a `storage` event). Sign-out deletes it (clearLocalData).
 */
export function useSwSession(): void {
  useEffect(() => {
    const mirror = () => {
      const token = session.token;
      const account = token ? accountOf(token) : null;
      if (token && account) void writeSwSession({ userId: account.userId, deviceId: deviceId(), token });
    };
    mirror();
    const onStorage = (e: StorageEvent) => {
      if (e.key === TOKEN_KEY || e.key === DEVICE_KEY || e.key === null) mirror();
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
}
