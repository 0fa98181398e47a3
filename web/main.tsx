// First, and in zod's chunk (vite.config.ts): zod must not probe for eval (W1).
import "./lib/no-eval.ts";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createRouter, RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { persistStateQuery } from "./lib/offline-cache.ts";
import { brainKeys } from "./lib/queries.ts";
import { registerServiceWorker } from "./lib/sw-register.ts";
import { routeTree } from "./route-tree.gen.ts";
import "./styles.css";

const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } });
const router = createRouter({ routeTree, context: { queryClient }, defaultPreload: "intent" });

// The offline app shell (W40) and the user's last known state kept on this device (W41).
registerServiceWorker();
persistStateQuery(queryClient, brainKeys.state());

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
