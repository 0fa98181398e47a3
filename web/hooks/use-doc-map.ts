import { useCallback, useRef, useSyncExternalStore } from "react";
import type * as Y from "yjs";

/**
 * Subscribes a component to one root map of the Yjs document (tasks or notes)
 * and returns a snapshot of its entries, read again only after a change.
 */
export function useDocMap<T>(doc: Y.Doc, name: string, read: (map: Y.Map<Y.Map<unknown>>) => T): T {
  const map = doc.getMap<Y.Map<unknown>>(name);
  const snapshot = useRef<{ dirty: boolean; value: T } | null>(null);
  const subscribe = useCallback(
    (notify: () => void) => {
      const onChange = () => {
        if (snapshot.current) snapshot.current.dirty = true;
        notify();
      };
      map.observeDeep(onChange);
      return () => map.unobserveDeep(onChange);
    },
    [map],
  );
  const get = () => {
    if (!snapshot.current || snapshot.current.dirty) snapshot.current = { dirty: false, value: read(map) };
    return snapshot.current.value;
  };
  return useSyncExternalStore(subscribe, get);
}
