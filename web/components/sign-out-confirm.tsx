/**
 * W33: "Sign out anyway?" — shown when signing out would delete what has not
 * reached the room yet, saying what. A native modal `<dialog>` (the browser
 * traps focus; Escape or the backdrop keeps the user signed in).
 */
import { Modal } from "./tasks/modal.tsx";

type Props = { warning: string | null; confirm: () => void; cancel: () => void };

const BUTTON = "min-h-11 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:focus-visible:ring-offset-stone-900";

export function SignOutConfirm({ warning, confirm, cancel }: Props) {
  return (
    <Modal open={warning !== null} onClose={cancel} labelledBy="sign-out-title" testId="sign-out-confirm">
      <h2 id="sign-out-title" className="text-lg font-semibold">
        Sign out with changes not sent?
      </h2>
      <p id="sign-out-warning" className="mt-2 text-sm text-stone-700 dark:text-stone-300">
        {warning}
      </p>
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        {/* The safe choice first and focused: Enter keeps the data. */}
        <button type="button" autoFocus onClick={cancel} className={`${BUTTON} border border-stone-300 hover:bg-stone-100 dark:border-stone-600 dark:hover:bg-stone-800`}>
          Stay signed in
        </button>
        <button type="button" onClick={confirm} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
          Sign out anyway
        </button>
      </div>
    </Modal>
  );
}
