import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, Outlet } from "@tanstack/react-router";
import { Toaster } from "sonner";

export const Route = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  errorComponent: ({ error, reset }) => (
    <main role="alert" className="grid min-h-full place-items-center p-6 text-center">
      <div>
        <p className="text-lg font-medium">Something went wrong.</p>
        <p className="mt-1 text-sm text-stone-500">{error instanceof Error ? error.message : String(error)}</p>
        <button onClick={reset} className="mt-4 rounded-lg bg-indigo-600 px-4 py-2 text-white">
          Try again
        </button>
      </div>
    </main>
  ),
  component: () => (
    <>
      <Outlet />
      <Toaster position="top-right" theme="system" richColors closeButton />
    </>
  ),
});
