import { ActionBarPrimitive, MessagePrimitive, type ToolCallMessagePartProps, useAuiState } from "@assistant-ui/react";
import { Check, Copy, RefreshCw, RotateCcw, Sparkles, Undo2 } from "lucide-react";
import { useContext } from "react";
import { toast } from "sonner";
import { useBrain } from "../../hooks/use-brain.ts";
import { BranchChoiceContext, BranchPicker } from "./branch-picker.tsx";
import { useUndoTurn } from "../../hooks/use-undo-turn.ts";
import { ActionCard } from "../action-card.tsx";
import { FlightCard } from "./flight-card.tsx";
import { ProposalEntriesCard } from "./proposal-entries-card.tsx";
import { Markdown } from "../markdown.tsx";
import { useAssistantRow } from "./chat-context.ts";
import { ICON_BUTTON } from "./icon-button.tsx";
import { OfflineError } from "./threads.ts";

/**
 * The reply's text is rendered from the row (W14), not from assistant-ui's text part: the row changes in the
 * same render as the frame that brought the token, while the runtime takes a new message list in an effect,
 * one render later. The text part still carries the text for copy.
 */
const NoText = () => null;

/** An action card as the reply's tool-call part (C3, C14, C15): what the assistant did or waits to be confirmed. */
function CardPart({ toolCallId }: ToolCallMessagePartProps) {
  const id = useAuiState((s) => s.message.id);
  const card = useAssistantRow(id)?.cards.find((c) => c.id === toolCallId);
  if (!card) return null;
  // M23: a flight search's options are a card of their own, not a line saying what was done.
  if (card.flights) return <FlightCard flights={card.flights} />;
  // W79: a proposal of structured entries (the architect's plan, a reschedule) is reviewed entry by entry.
  return card.entries && card.entries.length > 0 ? <ProposalEntriesCard action={card} entries={card.entries} /> : <ActionCard action={card} />;
}

const PARTS = { Text: NoText, tools: { Fallback: CardPart } };

/**
 * The assistant's reply: full width, markdown, its action cards, then what
 * became of it (stopped, failed with Retry, Undo or Undone), and copy and
 * regenerate under it. Busy while it streams, so screen readers read it once
 * it is whole rather than token by token (W16).
 */
export function AssistantMessage() {
  const id = useAuiState((s) => s.message.id);
  const row = useAssistantRow(id);
  const brain = useBrain();
  const undo = useUndoTurn();
  const choose = useContext(BranchChoiceContext);
  if (!row) return null;
  /** W93: a new turn answers the question again; its reply, the newest sibling, shows (any earlier choice here is dropped). */
  const regenerate = () => {
    const question = row.questionId;
    if (question === undefined) return brain.send(row.question);
    // Asked (not refused offline): the earlier choice here is dropped so the new reply shows.
    brain.regenerate(question).then(
      () => choose(`reply:${question}`, ""),
      (e: unknown) => (e instanceof OfflineError ? toast.info(e.message, { id: "regenerate-offline" }) : toast.error("Could not ask for another answer. Try again in a moment.")),
    );
  };
  const streaming = row.status === "streaming";
  // A flight search changed nothing: no Undo for it (M23).
  const changed = row.cards.some((a) => !a.flights && (a.status === "done" || a.status === "confirmed"));
  return (
    <MessagePrimitive.Root className="group rounded-xl py-3 data-[highlight=true]:bg-amber-50 data-[highlight=true]:ring-2 data-[highlight=true]:ring-amber-400 dark:data-[highlight=true]:bg-amber-950/40" aria-busy={streaming} data-message={row.messageId}>
      <div className="mb-1 flex items-center gap-2 text-sm font-medium text-stone-700 dark:text-stone-300">
        <span className="flex size-6 items-center justify-center rounded-full bg-indigo-600 text-white" aria-hidden>
          <Sparkles className="size-3.5" />
        </span>
        <span>Chief of staff</span>
        <span className="sr-only">:</span>
      </div>
      <div data-testid="reply" data-status={row.status} data-turn={row.turnId} className="pl-8 leading-relaxed text-stone-900 dark:text-stone-100">
        {row.text && <Markdown text={row.text} />}
        <MessagePrimitive.Parts components={PARTS} />
        {!row.text && streaming && <span className="animate-pulse text-stone-600 dark:text-stone-400">Thinking…</span>}
        {row.status === "interrupted" && <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Stopped.</p>}
        {/* D18: an undone turn says so on every device; one that changed something offers Undo until then. */}
        {row.undone ? (
          <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Undone</p>
        ) : (
          changed &&
          !streaming && (
            <button
              disabled={undo.isPending}
              onClick={() => undo.mutate(row.turnId)}
              className="mt-1 inline-flex min-h-11 items-center gap-1 rounded-lg px-2 text-sm text-indigo-700 hover:bg-indigo-50 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:min-h-8 dark:text-indigo-300 dark:hover:bg-indigo-950"
            >
              <Undo2 className="size-4" aria-hidden /> Undo
            </button>
          )
        )}
        {row.status === "failed" && (
          <p role="alert" className="mt-1 flex flex-wrap items-center gap-2 text-sm text-red-700 dark:text-red-300">
            {row.error}
            <button onClick={regenerate} className="inline-flex min-h-11 items-center gap-1 rounded-lg px-2 underline focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:min-h-8">
              <RotateCcw className="size-3.5" aria-hidden /> Retry
            </button>
          </p>
        )}
      </div>
      {row.fork && streaming && (
        <div className="mt-1 pl-6">
          <BranchPicker fork={row.fork} what="reply" />
        </div>
      )}
      {!streaming && row.text && (
        <ActionBarPrimitive.Root className="mt-1 flex items-center gap-1 pl-6 opacity-100 transition-opacity md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100 md:group-[&:last-child]:opacity-100">
          <ActionBarPrimitive.Copy className={`${ICON_BUTTON} group/copy`} aria-label="Copy reply">
            <Copy className="size-4 group-data-[copied]/copy:hidden" aria-hidden />
            <Check className="hidden size-4 group-data-[copied]/copy:block" aria-hidden />
          </ActionBarPrimitive.Copy>
          {/* W93: regenerate answers the same message again (T12); the earlier reply stays a sibling. Not assistant-ui's
              Reload: its runtime expects the host to replace the reply in place. */}
          {row.fork && <BranchPicker fork={row.fork} what="reply" />}
          <button type="button" onClick={regenerate} className={ICON_BUTTON} aria-label="Regenerate">
            <RefreshCw className="size-4" aria-hidden />
          </button>
        </ActionBarPrimitive.Root>
      )}
    </MessagePrimitive.Root>
  );
}
