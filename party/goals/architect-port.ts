/**
 * The room's side of the architect workflow (docs/PROTOCOL.md B12–B15): the
 * workflow's last step hands its result here as one pending proposal (tool
 * `architect`), idempotent by `runId` — a retried step finds the proposal it
 * made and gets the same id back.
 */
import { type ArchitectProposal, ArchitectProposalSchema, type Goal } from "../../shared/goals.ts";
import type { Span, WorkHours } from "../schedule/place-blocks.ts";
import { fail, type Result } from "../../shared/errors.ts";

export type ArchitectProposed = {
  proposalId: string;
  /** False when this runId had already proposed (a retried step): nothing new was made. */
  created: boolean;
};

/** B12: what the workflow's first step reads from the room: enough to place blocks (B5) in the user's time. */
export type ArchitectContext = {
  timeZone: string;
  /** The room clock, ms. */
  now: number;
  workHours: WorkHours;
  /** Timed calendar events and existing blocks over the asked range: `placeBlocks`'s `busy`. */
  busy: Span[];
  /** The goals already in the document (an architect run may be asked for one of them). */
  goals: Goal[];
};

/** What `room.architect` offers the workflow (called over DO RPC by party/architect/*). */
export type ArchitectPort = {
  /** The user's zone, work hours and busy time over [fromMs, toMs). */
  context(fromMs: number, toMs: number): ArchitectContext;
  /** Validates `input` (strict zod) and creates ONE pending proposal with its entries; the same runId again returns the same proposal. */
  propose(input: unknown): Result<ArchitectProposed>;
};

/** Parses the workflow's hand-off; model output is data, refused whole when it does not match. */
export function parseArchitectProposal(input: unknown): Result<ArchitectProposal> {
  const parsed = ArchitectProposalSchema.safeParse(input);
  if (!parsed.success) return fail("invalid_request", `architect result refused: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return { ok: true, value: parsed.data };
}
