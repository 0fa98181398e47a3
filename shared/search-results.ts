/**
 * Full-text search over messages, notes, tasks and memories (docs/PROTOCOL.md
 * Q1–Q19): `GET /api/v1/search`, answered from the room's SQLite FTS5 index.
 */
import { z } from "zod";
import { IsoDateSchema } from "./domain.ts";

export const SEARCH_KINDS = ["message", "note", "task", "memory"] as const;
export const SearchKindSchema = z.enum(SEARCH_KINDS);
export type SearchKind = z.infer<typeof SearchKindSchema>;
export const SEARCH_QUERY_MAX = 200;
export const SEARCH_LIMIT_MAX = 50;

/** The query string of `GET /api/v1/search`. */
export const SearchQuerySchema = z.strictObject({
  /** Words (all must match, prefix of the last one too) and "quoted phrases"; 1–200 characters. */
  q: z.string().trim().min(1).max(SEARCH_QUERY_MAX),
  kind: SearchKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMIT_MAX).default(20),
  /** Inclusive local dates (`YYYY-MM-DD`, the preference zone) of the entry's creation or latest change. */
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  conversationId: z.string().min(1).max(64).optional(),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchResultSchema = z.strictObject({
  kind: SearchKindSchema,
  /** The message, note, task or memory id. */
  id: z.string(),
  /** A message's conversation. */
  conversationId: z.string().optional(),
  /** Plain text around the matches, at most ~200 characters; `…` where it was cut. Never HTML. */
  snippet: z.string(),
  /** Where the matches are in `snippet`: [start, end) UTF-16 offsets, in order, not overlapping. */
  highlights: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
  /** Higher is better (FTS5 bm25, negated, weighted by kind and recency); results come best first. */
  score: z.number(),
  /** A note's or task's title, a memory's key, or the message's role, for the result's heading. */
  title: z.string().optional(),
  /** ISO date-time the entry was created or last changed. */
  at: z.string().optional(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
export const SearchPageSchema = z.strictObject({ results: z.array(SearchResultSchema) });
export type SearchPage = z.infer<typeof SearchPageSchema>;
export const SearchPageReadSchema = z.object({ results: z.array(SearchResultSchema.strip()) });
