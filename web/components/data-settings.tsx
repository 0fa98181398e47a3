/**
 * Settings → "Your data" (docs/PROTOCOL.md W110–W114): download the export,
 * import an archive into an empty account, delete the account (a proposal
 * whose consequences are spelled out before the user confirms it).
 */
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Download, Trash2, Upload } from "lucide-react";
import { type ChangeEvent, useId, useRef, useState } from "react";
import { toast } from "sonner";
import type { PendingProposal } from "../../shared/api.ts";
import { signOutOnce } from "../lib/data-epoch.ts";
import { api } from "../lib/api.ts";
import { downloadExport, importArchive, isEmptyAccount, proposeAccountDelete } from "../lib/data-archive.ts";
import { brainKeys, stateQuery } from "../lib/queries.ts";
import { Modal } from "./tasks/modal.tsx";

const BUTTON =
  "min-h-11 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:focus-visible:ring-offset-stone-950";
const PLAIN = `${BUTTON} inline-flex items-center gap-2 border border-stone-300 hover:bg-stone-100 disabled:opacity-60 dark:border-stone-700 dark:hover:bg-stone-800`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function DataSettings() {
  const { data } = useSuspenseQuery(stateQuery());
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<"export" | "import" | "delete" | null>(null);
  const [importStatus, setImportStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [proposal, setProposal] = useState<PendingProposal | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const importHint = useId();
  const empty = isEmptyAccount(data);

  const download = async () => {
    setBusy("export");
    try {
      const { blob, filename } = await downloadExport();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      toast.success(`Export downloaded: ${filename}`);
    } catch (error) {
      toast.error(`Export failed: ${message(error)}`);
    } finally {
      setBusy(null);
    }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    setBusy("import");
    setImportStatus(null);
    try {
      const done = await importArchive(file);
      setImportStatus({ ok: true, text: `Imported: ${done.events} events are back in your account.` });
      await queryClient.invalidateQueries({ queryKey: brainKeys.all });
    } catch (error) {
      setImportStatus({ ok: false, text: `Not imported: ${message(error)}` });
    } finally {
      setBusy(null);
    }
  };

  const askDelete = async () => {
    setBusy("delete");
    try {
      setProposal(await proposeAccountDelete());
    } catch (error) {
      toast.error(`Could not start the deletion: ${message(error)}`);
    } finally {
      setBusy(null);
    }
  };

  const confirmDelete = async () => {
    if (!proposal) return;
    setBusy("delete");
    try {
      await api.proposal(proposal.id, "confirm");
      setProposal(null);
      toast.success("Your account was deleted. You have been signed out.", { id: "account-deleted" });
      // W113: the socket's 4410 may sign out first: once either way.
      await signOutOnce(queryClient, () => navigate({ to: "/login" }));
    } catch (error) {
      toast.error(`Not deleted: ${message(error)}`);
      setBusy(null);
    }
  };

  const cancelDelete = () => {
    const open = proposal;
    setProposal(null);
    // Settled on every device at once: the proposal does not linger in the state.
    if (open) void api.proposal(open.id, "reject").catch(() => {});
  };

  return (
    <div className="mt-3 space-y-5">
      <div>
        <p className="text-sm text-stone-600 dark:text-stone-400">A zip of everything in your account: tasks, notes, goals, chats with every branch, memories, preferences and plans — JSON, plus Markdown for notes and chats.</p>
        <button type="button" onClick={() => void download()} disabled={busy !== null} className={`${PLAIN} mt-2`}>
          <Download className="size-4" aria-hidden /> {busy === "export" ? "Preparing…" : "Download export"}
        </button>
      </div>
      <div>
        {empty ? (
          <>
            <p id={importHint} className="text-sm text-stone-600 dark:text-stone-400">
              Bring back an export into this account. Only possible while it is empty.
            </p>
            <input ref={fileInput} type="file" accept=".zip,application/zip" className="sr-only" tabIndex={-1} aria-hidden onChange={(e) => void upload(e)} data-testid="import-file" />
            <button type="button" aria-describedby={importHint} onClick={() => fileInput.current?.click()} disabled={busy !== null} className={`${PLAIN} mt-2`}>
              <Upload className="size-4" aria-hidden /> {busy === "import" ? "Importing…" : "Import an export"}
            </button>
          </>
        ) : (
          <p className="text-sm text-stone-600 dark:text-stone-400">Importing is offered only for an empty account: this one already has tasks, notes, messages or memories.</p>
        )}
        {importStatus && (
          <p role="status" className={`mt-2 text-sm ${importStatus.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-400"}`}>
            {importStatus.text}
          </p>
        )}
      </div>
      <div>
        <p className="text-sm text-stone-600 dark:text-stone-400">Erase your account and everything in it from the server. Every device is signed out.</p>
        <button type="button" onClick={() => void askDelete()} disabled={busy !== null} className={`${BUTTON} mt-2 inline-flex items-center gap-2 border border-red-700 text-red-800 hover:bg-red-50 disabled:opacity-60 dark:border-red-400 dark:text-red-300 dark:hover:bg-red-950`}>
          <Trash2 className="size-4" aria-hidden /> Delete account…
        </button>
      </div>
      <Modal open={proposal !== null} onClose={cancelDelete} labelledBy="delete-account-title" testId="delete-account-confirm">
        <h2 id="delete-account-title" className="text-lg font-semibold">
          Delete your account?
        </h2>
        <p className="mt-2 text-sm text-stone-700 dark:text-stone-300">{proposal?.summary}</p>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={cancelDelete} className={`${BUTTON} border border-stone-300 hover:bg-stone-100 dark:border-stone-600 dark:hover:bg-stone-800`}>
            Keep my account
          </button>
          <button type="button" onClick={() => void confirmDelete()} disabled={busy === "delete"} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
            Delete everything
          </button>
        </div>
      </Modal>
    </div>
  );
}
