/**
 * W104: the way into search — a button in the app's header (no nav item: the
 * phone's tab bar is full) and Ctrl+K / ⌘K from anywhere in the app.
 */
import { Search } from "lucide-react";
import { useEffect, useState } from "react";
import { SearchDialog } from "./search-dialog.tsx";

export function SearchButton() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label="Search"
        aria-keyshortcuts="Control+K Meta+K"
        title="Search (Ctrl+K)"
        data-testid="search-open"
        className="flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg text-stone-600 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:order-none dark:text-stone-300 dark:hover:bg-stone-800"
      >
        <Search className="size-5" aria-hidden />
      </button>
      <SearchDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}
