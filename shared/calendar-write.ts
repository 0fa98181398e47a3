/**
 * A calendar write the assistant proposes (docs/PROTOCOL.md K27, K28, G7): it
 * leaves the room, so it is never a command the room runs on its own — it is
 * stored with its proposal and runs, awaited, only when the user confirms.
 */
import { z } from "zod";
import { type Command, CommandSchema } from "./commands.ts";
import { IsoDateTimeSchema, LIMITS } from "./domain.ts";
import { titleText } from "./text.ts";

/** The default length of an event the user gave no end for (K27). */
export const DEFAULT_EVENT_MINUTES = 60;

export const CalendarCreateSchema = z.strictObject({
  kind: z.literal("calendar.create"),
  /** The calendar source; null = the first writable one. */
  sourceId: z.string().min(1).max(LIMITS.id).nullable(),
  title: z.string().trim().min(1).max(LIMITS.title).check(titleText),
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
});
export type CalendarCreate = z.infer<typeof CalendarCreateSchema>;

/** What a proposal stores: a room command, or a write outside the room. */
export const ProposalCommandSchema = z.union([CommandSchema, CalendarCreateSchema]);
export type ProposalCommand = Command | CalendarCreate;

export const isOutward = (command: ProposalCommand): command is CalendarCreate => command.kind === "calendar.create";
