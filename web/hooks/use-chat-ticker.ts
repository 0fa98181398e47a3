import { useEffect, useState } from "react";

/** The time, renewed every second while `active` (a countdown on screen), else left as it is. */
export function useChatTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
