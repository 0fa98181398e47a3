/** The signed-in app: one live connection (BrainProvider) and the shell around every view. */
import { createFileRoute, Link, Outlet, redirect, useNavigate } from "@tanstack/react-router";
import { Activity, Brain, CheckSquare, MessageSquare, MonitorSmartphone, NotebookPen, Settings } from "lucide-react";
import { useEffect } from "react";
import { AccountMenu } from "../components/account-menu.tsx";
import { DeviceNamePrompt } from "../components/device-name-prompt.tsx";
import { ZoneOffer } from "../components/zone-offer.tsx";
import { useBrain } from "../hooks/use-brain.ts";
import { session } from "../lib/api.ts";
import { BrainProvider } from "../lib/brain-provider.tsx";
import { stateQuery } from "../lib/queries.ts";

export const Route = createFileRoute("/_app")({
  beforeLoad: () => {
    if (!session.token) throw redirect({ to: "/login" });
  },
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: () => (
    <BrainProvider>
      <Shell />
    </BrainProvider>
  ),
});

const VIEWS = [
  { to: "/chat", label: "Chat", icon: MessageSquare, key: "1" },
  { to: "/tasks", label: "Tasks", icon: CheckSquare, key: "2" },
  { to: "/notes", label: "Notes", icon: NotebookPen, key: "3" },
  { to: "/memory", label: "Memory", icon: Brain, key: "4" },
  { to: "/devices", label: "Devices", icon: MonitorSmartphone, key: "5" },
  { to: "/activity", label: "Activity", icon: Activity, key: "6" },
  { to: "/settings", label: "Settings", icon: Settings, key: "7" },
] as const;

function Shell() {
  const brain = useBrain();
  const navigate = useNavigate();
  useEffect(() => {
    // Alt+1…6 switch views (by key position: on a Mac, Option+digit types a symbol).
    const onKey = (e: KeyboardEvent) => {
      const view = VIEWS.find((v) => e.code === `Digit${v.key}`);
      if (e.altKey && view) {
        e.preventDefault();
        void navigate({ to: view.to });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);
  const statusColor = brain.status === "live" ? "bg-emerald-500" : brain.status === "connecting" ? "bg-amber-500" : "bg-red-500";
  return (
    <div className="flex h-full flex-col md:flex-row">
      <nav aria-label="Views" className="flex shrink-0 items-center gap-1 overflow-x-auto border-b border-stone-200 bg-white px-2 py-2 md:w-56 md:flex-col md:items-stretch md:border-r md:border-b-0 md:px-3 md:py-4 dark:border-stone-800 dark:bg-stone-900">
        <div className="hidden px-2 pb-4 md:block">
          <div className="text-lg font-semibold tracking-tight">Micro CoS</div>
          <div className="mt-1 flex items-center gap-2 text-xs text-stone-500">
            <span className={`inline-block size-2 rounded-full ${statusColor}`} aria-hidden />
            <span data-testid="status">{brain.status}</span>
            {brain.outbox.length > 0 && <span>· {brain.outbox.length} waiting</span>}
          </div>
        </div>
        {VIEWS.map(({ to, label, icon: Icon, key }) => (
          <Link
            key={to}
            to={to}
            title={`${label} (Alt+${key})`}
            activeOptions={{ includeSearch: false }}
            className="flex items-center gap-2 rounded-lg px-3 py-2 text-sm text-stone-600 hover:bg-stone-100 dark:text-stone-300 dark:hover:bg-stone-800"
            activeProps={{ className: "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" }}
          >
            <Icon className="size-4" aria-hidden />
            <span className="sr-only sm:not-sr-only">{label}</span>
          </Link>
        ))}
        <AccountMenu />
        <span className={`ml-auto inline-block size-2 shrink-0 rounded-full md:hidden ${statusColor}`} aria-label={`connection ${brain.status}`} />
      </nav>
      {brain.status !== "live" && (
        <div role="status" className="bg-amber-100 px-4 py-1 text-center text-xs text-amber-900 md:hidden dark:bg-amber-900 dark:text-amber-100">
          {brain.status === "connecting" ? "Connecting…" : "Offline — your edits are kept and will sync"}
        </div>
      )}
      <main className="flex min-w-0 flex-1 flex-col">
        <DeviceNamePrompt />
        <ZoneOffer />
        <div className="min-h-0 flex-1 overflow-y-auto">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
