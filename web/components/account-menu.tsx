/**
 * Who is signed in (W32): an avatar with the user's initial in the shell,
 * opening a small menu with their name, Settings and Sign out. A native
 * popover (top layer): the navigation bar scrolls sideways on a phone and
 * would clip an absolutely placed menu; Escape and a click outside close it.
 */
import { Link } from "@tanstack/react-router";
import { LogOut, Settings } from "lucide-react";
import { useRef } from "react";
import { useSignOut } from "../hooks/use-sign-out.ts";
import { initialOf, signedIn } from "../lib/account.ts";
import { SignOutConfirm } from "./sign-out-confirm.tsx";

const MENU_ID = "account-menu";

export function AccountMenu() {
  const account = signedIn();
  const signOut = useSignOut();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  if (!account) return null;
  const close = () => menu.current?.hidePopover();
  /** Placed beside the button: below it in the phone's top bar, above it at the foot of the desktop sidebar. */
  const place = (e: React.ToggleEvent<HTMLDivElement>) => {
    const b = button.current?.getBoundingClientRect();
    const m = e.currentTarget;
    if (e.newState !== "open" || !b) return;
    const below = b.top < window.innerHeight / 2;
    m.style.left = `${Math.max(8, Math.min(b.left, window.innerWidth - m.offsetWidth - 8))}px`;
    m.style.top = below ? `${b.bottom + 6}px` : `${Math.max(8, b.top - m.offsetHeight - 6)}px`;
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        popoverTarget={MENU_ID}
        aria-label={`Account: ${account.name}`}
        data-testid="account-button"
        className="flex min-h-11 min-w-11 shrink-0 items-center gap-2 rounded-lg px-1.5 text-sm text-stone-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:mt-auto md:px-3 dark:text-stone-300 dark:hover:bg-stone-800"
      >
        <Avatar name={account.name} />
        <span className="hidden min-w-0 truncate md:inline" data-testid="account-name">
          {account.name}
        </span>
      </button>
      <div
        ref={menu}
        id={MENU_ID}
        popover="auto"
        onToggle={place}
        className="m-0 w-64 rounded-xl border border-stone-200 bg-white p-2 text-stone-900 shadow-lg dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
      >
        <div className="flex items-center gap-3 px-2 py-2">
          <Avatar name={account.name} />
          <div className="min-w-0">
            <div className="text-xs text-stone-600 dark:text-stone-400">Signed in as</div>
            <div className="truncate font-medium" data-testid="account-menu-user">
              {account.name}
            </div>
          </div>
        </div>
        <Link
          to="/settings"
          onClick={close}
          className="flex min-h-11 items-center gap-2 rounded-lg px-2 text-sm hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:hover:bg-stone-800"
        >
          <Settings className="size-4" aria-hidden /> Settings
        </Link>
        <button
          type="button"
          onClick={() => {
            close();
            signOut.request();
          }}
          className="flex min-h-11 w-full items-center gap-2 rounded-lg px-2 text-left text-sm hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:hover:bg-stone-800"
        >
          <LogOut className="size-4" aria-hidden /> Sign out
        </button>
      </div>
      {/* Outside the popover: it closes on the click, and a dialog inside a hidden popover would not show. */}
      <SignOutConfirm {...signOut} />
    </>
  );
}

function Avatar({ name }: { name: string }) {
  return (
    <span aria-hidden className="grid size-8 shrink-0 place-items-center rounded-full bg-indigo-600 text-sm font-semibold text-white">
      {initialOf(name)}
    </span>
  );
}
