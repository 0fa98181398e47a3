import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, Outlet } from "@tanstack/react-router";
import { Toaster } from "sonner";

export const Route = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  errorComponent: ({ error, reset }) => (
    <main role="alert" className="grid min-h-full place-items-center p-6 text-center">
      <div>
        <h1 tabIndex={-1} className="text-lg font-medium">
          Something went wrong.
        </h1>
        <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">{error instanceof Error ? error.message : String(error)}</p>
        <button onClick={reset} className="mt-4 min-h-11 rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
          Try again
        </button>
      </div>
    </main>
  ),
  component: () => (
    <>
      <Outlet />
      {/* W51: a toast's action (Undo) and its close button are 44 px targets like every other
          control; the close button sits in the toast's top-right corner, in a column kept free for it.
          On a phone, toasts open below the top bar (its status and account stay visible) and
          never over the bottom tab bar or chat's composer. */}
      <Toaster
        position="top-right"
        mobileOffset={{ top: "3.75rem" }}
        theme="system"
        richColors
        closeButton
        toastOptions={{
          classNames: {
            toast: "pr-12!",
            actionButton: "min-h-11 min-w-11",
            cancelButton: "min-h-11 min-w-11",
            closeButton: "top-0! right-0! left-auto! size-11! transform-none! rounded-lg! border-0! bg-transparent!",
          },
        }}
      />
    </>
  ),
});
