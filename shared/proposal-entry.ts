/**
 * B10: one structured entry of a proposal. Its own module, importing only zod
 * and text checks: `action-card.ts` (imported by `domain.ts`) needs it, and
 * `goals.ts` imports `domain.ts` — this file keeps that from being a cycle.
 */
import { z } from "zod";
import { plainText, titleText } from "./text.ts";

/** The caps of domain.ts LIMITS (id 128, title 500), repeated here to stay free of it. */
const ID_MAX = 128;
const TITLE_MAX = 500;

export const ProposalEntryKindSchema = z.enum(["goal", "milestone", "task", "block", "move"]);
export type ProposalEntryKind = z.infer<typeof ProposalEntryKindSchema>;

/** B10: as shown on its card and in the state's `proposals`; a confirm names entries by `id`. */
export const ProposalEntrySchema = z.strictObject({
  id: z.string().min(1).max(ID_MAX).check(plainText),
  kind: ProposalEntryKindSchema,
  title: z.string().trim().min(1).max(TITLE_MAX).check(titleText),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
  /** A short line for people ("you placed this yourself", "after: Long run 12 km"). */
  detail: z.string().max(TITLE_MAX).check(plainText).optional(),
});
export type ProposalEntry = z.infer<typeof ProposalEntrySchema>;
/** D40: as clients read it: fields they do not know are dropped. */
export const ProposalEntryReadSchema = ProposalEntrySchema.strip();
