/** The signed-in app: one live connection (BrainProvider) and the shell around every view. */
import { createFileRoute, Link, Outlet, redirect, useNavigate, useRouterState } from "@tanstack/react-router";
import { Activity, Brain, CalendarRange, CheckSquare, MessageSquare, MonitorSmartphone, NotebookPen, Settings } from "lucide-react";
import { useEffect, useRef } from "react";
import { AccountMenu } from "../components/account-menu.tsx";
import { SpeakingIndicator } from "../components/chat/speaking-indicator.tsx";
import { ConnectionBanner } from "../components/connection-banner.tsx";
import { DeviceNamePrompt } from "../components/device-name-prompt.tsx";
import { SearchButton } from "../components/search/search-button.tsx";
import { ZoneOffer } from "../components/zone-offer.tsx";
import { useBrain } from "../hooks/use-brain.ts";
import { useDocumentTitle } from "../hooks/use-document-title.ts";
import { focusView, useFocusHeading } from "../hooks/use-focus-heading.ts";
import { useSignedOutElsewhere } from "../hooks/use-signed-out-elsewhere.ts";
import { useSwNavigation } from "../hooks/use-sw-navigation.ts";
import { useSwSession } from "../hooks/use-sw-session.ts";
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

/**
 * Every view of the signed-in app, in navigation order: the nav, the Alt+digit shortcuts,
 * the tab's title and the accessibility audit (tests/e2e/views.test.ts) all come from here.
 */
const VIEWS = [
  { to: "/chat", label: "Chat", icon: MessageSquare, key: "1" },
  { to: "/tasks", label: "Tasks", icon: CheckSquare, key: "2" },
  { to: "/timeline", label: "Timeline", icon: CalendarRange, key: "3" },
  { to: "/notes", label: "Notes", icon: NotebookPen, key: "4" },
  { to: "/memory", label: "Memory", icon: Brain, key: "5" },
  { to: "/devices", label: "Devices", icon: MonitorSmartphone, key: "6" },
  { to: "/activity", label: "Activity", icon: Activity, key: "7" },
  { to: "/settings", label: "Settings", icon: Settings, key: "8" },
] as const;

/** W51: every control of the shell is at least 44×44 px, at every width. */
const TARGET = "min-h-11 min-w-11";

function Shell() {
  const brain = useBrain();
  const navigate = useNavigate();
  const main = useRef<HTMLElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useDocumentTitle(VIEWS.find((v) => pathname === v.to || pathname.startsWith(`${v.to}/`))?.label);
  useFocusHeading(main);
  useSignedOutElsewhere();
  // W62, W64: the service worker's buttons act with this session; its clicks open views here.
  useSwSession();
  useSwNavigation();
  useEffect(() => {
    // Alt+1…n switch views (by key position: on a Mac, Option+digit types a symbol).
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
    // Phone: a top bar, the view, and a tab bar at the bottom (within the thumb's reach).
    // From md: a sidebar (header above the nav) beside the view. The nav comes before
    // main in the DOM, so the skip link is what saves keyboard users from tabbing through it.
    <div className="grid h-full grid-rows-[auto_minmax(0,1fr)_auto] md:grid-cols-[14rem_minmax(0,1fr)] md:grid-rows-[auto_minmax(0,1fr)]">
      <a
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          if (main.current) focusView(main.current);
        }}
        className="sr-only z-50 rounded-lg bg-indigo-600 font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:px-4 focus:py-3"
      >
        Skip to content
      </a>
      <header className="flex items-center gap-2 border-b border-stone-200 bg-white px-3 py-1 md:col-start-1 md:row-start-1 md:flex-wrap md:border-r md:border-b-0 md:px-3 md:pt-4 md:pb-2 dark:border-stone-800 dark:bg-stone-900">
        <div className="px-2 text-lg font-semibold tracking-tight md:flex-1">Micro CoS</div>
        <div className="flex items-center gap-2 text-xs text-stone-600 max-md:ml-auto md:order-last md:w-full md:px-2 dark:text-stone-400">
          <span className={`inline-block size-2 shrink-0 rounded-full ${statusColor}`} aria-hidden />
          <span data-testid="status">{brain.status}</span>
          {brain.outbox.length > 0 && <span>· {brain.outbox.length} waiting</span>}
        </div>
        <SearchButton />
        <AccountMenu />
      </header>
      <nav
        aria-label="Views"
        className="row-start-3 border-t border-stone-200 bg-white pb-[env(safe-area-inset-bottom)] md:col-start-1 md:row-start-2 md:border-t-0 md:border-r md:px-3 md:pb-4 dark:border-stone-800 dark:bg-stone-900"
      >
        <ul className="flex md:flex-col md:gap-1">
          {VIEWS.map(({ to, label, icon: Icon, key }) => (
            // Eight views share a phone's width (≥ 360 px): each item may shrink to its share, its label at 10 px.
            <li key={to} className="min-w-0 flex-1 md:flex-none">
              <Link
                to={to}
                title={`${label} (Alt+${key})`}
                aria-keyshortcuts={`Alt+${key}`}
                activeOptions={{ includeSearch: false }}
                className={`${TARGET} flex flex-col items-center justify-center gap-0.5 rounded-lg px-0.5 py-1.5 text-[10px] leading-tight text-stone-600 hover:bg-stone-100 md:flex-row md:justify-start md:gap-2 md:px-3 md:py-2 md:text-sm dark:text-stone-300 dark:hover:bg-stone-800`}
                activeProps={{ className: "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" }}
              >
                <Icon className="size-5 md:size-4" aria-hidden />
                <span>{label}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main ref={main} id="main" tabIndex={-1} className="row-start-2 flex min-h-0 min-w-0 flex-col md:col-start-2 md:row-span-2 md:row-start-1">
        <ConnectionBanner />
        <DeviceNamePrompt />
        <ZoneOffer />
        {/* W123: a reply read aloud goes on in every view, so its Stop is in every view too. */}
        <SpeakingIndicator />
        <div className="min-h-0 flex-1 overflow-y-auto">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
