import { ActionBarPrimitive, ComposerPrimitive, MessagePrimitive, useAuiState } from "@assistant-ui/react";
import { Check, Copy, Mic, Pencil } from "lucide-react";
import { BranchPicker } from "./branch-picker.tsx";
import { useUserRow } from "./chat-context.ts";
import { DELIVERY_LABEL } from "./delivery-label.ts";
import { ICON_BUTTON } from "./icon-button.tsx";

/** The user's message: a bubble on the right, copy and edit under it, its delivery state on the last one. */
export function UserMessage() {
  const id = useAuiState((s) => s.message.id);
  const isLast = useAuiState((s) => s.message.isLast);
  const lastUser = useAuiState((s) => s.thread.messages.findLast((m) => m.role === "user")?.id === s.message.id);
  const row = useUserRow(id);
  if (!row) return null;
  const showDelivery = row.delivery !== "sent" || lastUser || isLast;
  return (
    <MessagePrimitive.Root
      className="group flex flex-col items-end gap-1 rounded-xl py-2 data-[highlight=true]:bg-amber-50 data-[highlight=true]:ring-2 data-[highlight=true]:ring-amber-400 dark:data-[highlight=true]:bg-amber-950/40"
      data-testid="user-message"
      data-delivery={row.delivery}
      data-message={row.messageId}
    >
      <span className="sr-only">You:</span>
      <div
        className={`max-w-[85%] rounded-3xl px-4 py-2.5 break-words whitespace-pre-wrap sm:max-w-[75%] ${
          row.delivery === "failed" ? "bg-red-50 text-red-950 ring-1 ring-red-300 dark:bg-red-950/60 dark:text-red-100 dark:ring-red-800" : "bg-stone-200/80 text-stone-900 dark:bg-stone-800 dark:text-stone-100"
        }`}
      >
        {row.text}
      </div>
      <div className="flex items-center gap-1 text-xs text-stone-600 dark:text-stone-400">
        {/* W119: spoken, not typed. */}
        {row.voice && <Mic data-testid="voice-mark" role="img" aria-label="Voice message" className="size-3.5" />}
        {/* W92: an edited message is one of its versions; the picker flips between them. */}
        {row.fork && <BranchPicker fork={row.fork} what="message" />}
        {showDelivery && (
          <span data-testid="delivery" className={`flex items-center gap-1 px-1 ${row.delivery === "failed" ? "text-red-700 dark:text-red-300" : ""}`}>
            {row.delivery === "sent" && <Check className="size-3" aria-hidden />}
            {DELIVERY_LABEL[row.delivery]}
            {row.error ? ` — ${row.error}` : ""}
          </span>
        )}
        {row.delivery === "sent" && (
          <ActionBarPrimitive.Root className="flex opacity-100 transition-opacity md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
            <ActionBarPrimitive.Copy className={ICON_BUTTON} aria-label="Copy what you wrote">
              <Copy className="size-4" aria-hidden />
            </ActionBarPrimitive.Copy>
            <ActionBarPrimitive.Edit className={ICON_BUTTON} aria-label="Edit and resend">
              <Pencil className="size-4" aria-hidden />
            </ActionBarPrimitive.Edit>
          </ActionBarPrimitive.Root>
        )}
      </div>
    </MessagePrimitive.Root>
  );
}

/** Editing a sent message: the edited text is a new version (W92, `editOf`); the original stays a sibling. */
export function EditComposer() {
  return (
    <MessagePrimitive.Root className="flex justify-end py-2">
      <ComposerPrimitive.Root className="flex w-full max-w-[85%] flex-col gap-2 rounded-3xl bg-stone-200/80 p-3 sm:max-w-[75%] dark:bg-stone-800">
        <ComposerPrimitive.Input aria-label="Edited text" autoFocus className="min-h-11 w-full resize-none bg-transparent px-2 py-1 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 rounded-lg" />
        <div className="flex justify-end gap-2">
          <ComposerPrimitive.Cancel className="min-h-11 rounded-full px-4 text-sm hover:bg-stone-300 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:min-h-9 dark:hover:bg-stone-700">Cancel</ComposerPrimitive.Cancel>
          <ComposerPrimitive.Send className="min-h-11 rounded-full bg-stone-900 px-4 text-sm text-white hover:bg-stone-700 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:min-h-9 dark:bg-stone-100 dark:text-stone-900">Send</ComposerPrimitive.Send>
        </div>
      </ComposerPrimitive.Root>
    </MessagePrimitive.Root>
  );
}
