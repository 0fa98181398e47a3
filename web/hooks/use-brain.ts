import { useContext } from "react";
import { type Brain, BrainContext } from "../lib/brain-provider.tsx";

/** Live socket state of this tab (STYLE.md 9). Only inside <BrainProvider>. */
export function useBrain(): Brain {
  const brain = useContext(BrainContext);
  if (!brain) throw new Error("useBrain() needs <BrainProvider> above it (web/routes/_app.tsx)");
  return brain;
}
