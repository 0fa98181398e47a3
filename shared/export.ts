/**
 * The account archive (docs/PROTOCOL.md U1–U19): what `GET /api/v1/export`
 * puts in `export.json` inside its zip, and what `POST /api/v1/import` reads
 * back. The ledger and the document are the truth (replaying them rebuilds
 * every projection); the other fields are the same data as a reader wants it
 * (messages with their branches, memories, preferences, plans, reminders) and
 * are not read on import.
 */
import { z } from "zod";
import { ConversationSchema } from "./conversations.ts";
import { MemorySchema, MessageSchema, PlanSchema, PreferencesSchema, ReminderSchema } from "./domain.ts";
import { EventEnvelopeSchema } from "./events.ts";

export const EXPORT_FORMAT = "micro-cos-export";
export const EXPORT_VERSION = 1;
/** The archive's JSON entry; notes under `notes/`, chats under `chats/` (Markdown, for people). */
export const EXPORT_JSON = "export.json";

/** U6: caps checked before anything is inflated or written. */
export const IMPORT_LIMITS = {
  /** The zip as uploaded (Content-Length, and counted while reading). */
  compressedBytes: 32 * 1024 * 1024,
  /** Every entry inflated, summed from the zip's directory before inflating. */
  uncompressedBytes: 128 * 1024 * 1024,
  /** Entries in the zip. */
  entries: 20_000,
  /** Ledger events in one archive. */
  events: 200_000,
} as const;

export const ExportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.iso.datetime(),
  userId: z.string().max(256),
  /** Every event of the ledger, in seq order (U2). */
  ledger: z.array(EventEnvelopeSchema).max(IMPORT_LIMITS.events),
  /** Base64 of `Y.encodeStateAsUpdate(doc)` (U2). */
  document: z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "document must be base64")
    .refine((s) => s.length % 4 === 0, "document must be base64 (its length a multiple of 4)"),
  conversations: z.array(ConversationSchema),
  /** Every kept message, hot and archived, oldest first, with parentId/editOf (U3). */
  messages: z.array(MessageSchema),
  memories: z.array(MemorySchema),
  preferences: PreferencesSchema,
  plans: z.array(PlanSchema),
  reminders: z.array(ReminderSchema),
});
export type AccountExport = z.infer<typeof ExportSchema>;

/** The answer of `POST /api/v1/import` (U8). */
export const ImportResultSchema = z.strictObject({ imported: z.literal(true), events: z.number().int().min(0), lastEventSeq: z.number().int().min(0) });
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** A file name for people: lowercase words joined by `-`, at most 40 characters, never empty. */
export function slug(title: string): string {
  const s = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return s === "" ? "untitled" : s;
}
