import { useEffect, useState } from "react";

/** How often views that judge "overdue" and "today" look at the clock again: a task due at 15:01 shows overdue by 15:01:15. */
const TICK_MS = 15_000;

/** The current time, renewed every few seconds while the component is shown (S12). */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}
