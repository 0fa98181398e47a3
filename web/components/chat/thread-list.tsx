/**
 * The thread list (docs/PROTOCOL.md W90, W91, W94): new chat, the threads
 * most recently used first with the one on screen marked, rename inline,
 * archive and unarchive (an "Archived" section), delete (a small thread after
 * a confirm dialog; a bigger one through the room's proposal, confirmed here).
 * Live on every device: it reads the state's `conversations`, kept current
 * from `conversation.*` events.
 *
 * Our own list rather than assistant-ui's ThreadListPrimitive: its external
 * store adapter switches threads inside the runtime (`onSwitchToThread`, its
 * own current thread), while here the URL holds the thread (`/chat?c=`) so a
 * link, a reload and Back open it; and its primitives have no inline rename or
 * delete-by-proposal. The same behaviour, with buttons and a list.
 */
import { Archive, ArchiveRestore, Pencil, Plus, Trash2 } from "lucide-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { type Conversation, DEFAULT_CONVERSATION_ID, DEFAULT_CONVERSATION_TITLE } from "../../../shared/conversations.ts";
import type { BrainState, PendingProposal } from "../../../shared/api.ts";
import { api, ApiError } from "../../lib/api.ts";
import { conversationsApi } from "../../lib/conversations-api.ts";
import { brainKeys } from "../../lib/queries.ts";
import { deletedHere, oneEmptyNewChat, withCreated } from "./threads.ts";
import { Modal } from "../tasks/modal.tsx";
import { ICON_BUTTON } from "./icon-button.tsx";

type Props = {
  conversations: readonly Conversation[];
  current: string;
  /** Whether this device knows messages of a thread (an untitled one without any is "New chat", listed once). */
  hasMessages: (id: string) => boolean;
  open: (id: string) => void;
};

const BUTTON = "min-h-11 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:focus-visible:ring-offset-stone-900";
const failed = (e: unknown) => toast.error(e instanceof ApiError ? e.message : "The room could not be reached. Try again.");

/** W90: `main` is listed before its first message too (the room creates it with that message). */
export function withMain(conversations: readonly Conversation[]): Conversation[] {
  if (conversations.some((c) => c.id === DEFAULT_CONVERSATION_ID)) return [...conversations];
  const now = new Date(0).toISOString();
  return [...conversations, { id: DEFAULT_CONVERSATION_ID, title: DEFAULT_CONVERSATION_TITLE, createdAt: now, updatedAt: now, archived: false }];
}

/** The room's summary as a sentence (it may come without a full stop). */
const sentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

type Deleting = { conversation: Conversation; proposal?: PendingProposal };

export function ThreadList({ conversations, current, hasMessages, open }: Props) {
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const [busy, setBusy] = useState(false);
  // W94: after a rename ends by key (Enter, Escape), focus returns to that thread's Rename button, not <body>.
  const nav = useRef<HTMLElement>(null);
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    const id = refocus.current;
    if (renaming !== null || id === null) return;
    refocus.current = null;
    nav.current?.querySelector<HTMLElement>(`[data-thread="${CSS.escape(id)}"] [data-rename]`)?.focus();
  }, [renaming]);
  const all = oneEmptyNewChat(withMain(conversations), current, hasMessages);
  const active = all.filter((c) => !c.archived);
  const archived = all.filter((c) => c.archived);

  const create = async () => {
    setBusy(true);
    try {
      const made = await conversationsApi.create({ clientActionId: `web-${crypto.randomUUID()}` });
      // Listed (and not taken for deleted, W90) before its conversation.created event arrives.
      queryClient.setQueryData<BrainState>(brainKeys.state(), (s) => (s ? { ...s, conversations: withCreated(s.conversations, made) } : s));
      open(made.id);
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  const patch = (id: string, body: { title?: string; archived?: boolean }) => conversationsApi.patch(id, { ...body, clientActionId: `web-${crypto.randomUUID()}` }).catch(failed);
  /** W94: the room decides (T6): `200` deleted — this dialog was the one confirm; `202` — it shows the proposal to confirm. */
  const remove = async (conversation: Conversation) => {
    setBusy(true);
    deletedHere.add(conversation.id);
    try {
      const result = await conversationsApi.remove(conversation.id);
      if ("proposal" in result) return setDeleting({ conversation, proposal: result.proposal });
      setDeleting(null);
      toast.success(`Deleted “${conversation.title}”`);
      if (conversation.id === current) open(DEFAULT_CONVERSATION_ID);
    } catch (e) {
      deletedHere.delete(conversation.id);
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  const decide = async (decision: "confirm" | "reject") => {
    const proposal = deleting?.proposal;
    if (!deleting || !proposal) return;
    setBusy(true);
    try {
      await api.proposal(proposal.id, decision);
      // Kept: a delete made later on another device is announced here again.
      if (decision === "reject") deletedHere.delete(deleting.conversation.id);
      if (decision === "confirm") {
        toast.success(`Deleted “${deleting.conversation.title}”`);
        if (deleting.conversation.id === current) open(DEFAULT_CONVERSATION_ID);
      }
      setDeleting(null);
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  /**
   * W94: one dialog per delete. This device cannot count a thread's messages (older ones are archived in the
   * room), so it asks first, then the room answers: deleted, or its proposal shown in the same dialog.
   */
  const askDelete = (conversation: Conversation) => setDeleting({ conversation });

  const item = (c: Conversation) => (
    <li key={c.id} className="group flex items-center gap-1 rounded-lg pr-1 aria-[current=page]:bg-indigo-50 dark:aria-[current=page]:bg-indigo-950/60" aria-current={c.id === current ? "page" : undefined} data-testid="thread" data-thread={c.id}>
      {renaming === c.id ? (
        <input
          aria-label={`Rename ${c.title}`}
          defaultValue={c.title}
          autoFocus
          maxLength={120}
          className="min-h-11 min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-2 text-sm focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-600 dark:bg-stone-900"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              // Cancels the rename only, not the sheet around it (a native dialog closes on Escape).
              e.preventDefault();
              refocus.current = c.id;
              setRenaming(null);
            }
            if (e.key === "Enter") {
              // No keypress after it: it would click the Rename button that takes focus back (and reopen the field).
              e.preventDefault();
              refocus.current = c.id;
              e.currentTarget.blur();
            }
          }}
          onBlur={(e) => {
            const title = e.currentTarget.value.trim();
            setRenaming(null);
            if (title && title !== c.title) void patch(c.id, { title });
          }}
        />
      ) : (
        <button
          type="button"
          onClick={() => open(c.id)}
          title={c.title}
          aria-current={c.id === current ? "page" : undefined}
          className="min-h-11 min-w-0 flex-1 truncate rounded-lg px-3 text-left text-sm text-stone-800 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none aria-[current=page]:font-semibold aria-[current=page]:text-indigo-800 dark:text-stone-200 dark:hover:bg-stone-800 dark:aria-[current=page]:text-indigo-200"
        >
          {c.title}
        </button>
      )}
      {renaming !== c.id && (
        <span className="flex shrink-0 opacity-100 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100 md:group-aria-[current=page]:opacity-100">
          <button type="button" className={ICON_BUTTON} aria-label={`Rename ${c.title}`} data-rename onClick={() => setRenaming(c.id)}>
            <Pencil className="size-4" aria-hidden />
          </button>
          <button type="button" className={ICON_BUTTON} aria-label={`${c.archived ? "Unarchive" : "Archive"} ${c.title}`} onClick={() => void patch(c.id, { archived: !c.archived })}>
            {c.archived ? <ArchiveRestore className="size-4" aria-hidden /> : <Archive className="size-4" aria-hidden />}
          </button>
          {c.id !== DEFAULT_CONVERSATION_ID && (
            <button type="button" className={ICON_BUTTON} aria-label={`Delete ${c.title}`} disabled={busy} onClick={() => askDelete(c)}>
              <Trash2 className="size-4" aria-hidden />
            </button>
          )}
        </span>
      )}
    </li>
  );

  return (
    <nav ref={nav} aria-label="Chats" className="flex flex-col gap-2">
      <button
        type="button"
        disabled={busy}
        onClick={() => void create()}
        className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-stone-300 px-3 text-sm font-medium hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-700 dark:hover:bg-stone-800"
      >
        <Plus className="size-4" aria-hidden /> New chat
      </button>
      <ul className="flex flex-col gap-0.5" data-testid="threads">
        {active.map(item)}
      </ul>
      {archived.length > 0 && (
        <details className="mt-2" open={archived.some((c) => c.id === current) || undefined}>
          <summary className="min-h-11 cursor-pointer rounded-lg px-3 py-3 text-sm text-stone-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-400">Archived ({archived.length})</summary>
          <ul className="flex flex-col gap-0.5" data-testid="archived-threads">
            {archived.map(item)}
          </ul>
        </details>
      )}
      <Modal open={deleting !== null} onClose={() => (deleting?.proposal ? void decide("reject") : setDeleting(null))} labelledBy="thread-delete-title" testId="thread-delete">
        {deleting && (
          <div data-testid="thread-delete-stage" data-stage={deleting.proposal ? "proposal" : "ask"}>
            <h2 id="thread-delete-title" className="text-lg font-semibold">
              Delete “{deleting.conversation.title}”?
            </h2>
            <p className="mt-2 text-sm text-stone-700 dark:text-stone-300">
              {deleting.proposal
                ? `${sentence(deleting.proposal.summary)} Its messages are removed for good, on every device; this cannot be undone.`
                : "Its messages are removed for good, on every device; this cannot be undone."}
            </p>
            <div className="mt-5 flex flex-wrap justify-end gap-2">
              <button type="button" autoFocus onClick={() => (deleting.proposal ? void decide("reject") : setDeleting(null))} className={`${BUTTON} border border-stone-300 hover:bg-stone-100 dark:border-stone-600 dark:hover:bg-stone-800`}>
                Keep it
              </button>
              <button type="button" disabled={busy} onClick={() => void (deleting.proposal ? decide("confirm") : remove(deleting.conversation))} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
                Delete
              </button>
            </div>
          </div>
        )}
      </Modal>
    </nav>
  );
}
