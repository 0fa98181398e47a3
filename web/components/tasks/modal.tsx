/**
 * A native `<dialog>` shown as a modal while `open`: the browser traps focus
 * in it, Escape closes it, and focus returns to what opened it.
 */
import { type ReactNode, useEffect, useRef } from "react";

type Props = { open: boolean; onClose: () => void; labelledBy: string; children: ReactNode; testId?: string };

/** A native `<dialog>`'s ref, shown as a modal while `open` and closed otherwise. */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}

export function Modal({ open, onClose, labelledBy, children, testId }: Props) {
  const ref = useModalDialog(open);
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      data-testid={testId}
      onClose={onClose}
      // A click on the backdrop (the dialog element itself, outside its panel) closes it.
      onClick={(e) => e.target === ref.current && onClose()}
      className="m-auto w-[min(26rem,calc(100vw-1.5rem))] rounded-2xl border border-stone-200 bg-white p-0 text-stone-900 shadow-2xl backdrop:bg-stone-950/40 backdrop:backdrop-blur-[1px] dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
    >
      {open && <div className="p-5">{children}</div>}
    </dialog>
  );
}
