/**
 * The room's side of the architect workflow (docs/PROTOCOL.md B12–B15): the
 * workflow's last step hands its result here as one pending proposal (tool
 * `architect`), idempotent by `runId` — a retried step finds the proposal it
 * made and gets the same id back.
 */
import { type ArchitectProposal, ArchitectProposalSchema } from "../../shared/goals.ts";
import { fail, type Result } from "../../shared/errors.ts";

export type ArchitectProposed = {
  proposalId: string;
  /** False when this runId had already proposed (a retried step): nothing new was made. */
  created: boolean;
};

/** What `room.architect` offers the workflow (called over DO RPC by party/architect/*). */
export type ArchitectPort = {
  /** Validates `input` (strict zod) and creates ONE pending proposal with its entries; the same runId again returns the same proposal. */
  propose(input: unknown): Result<ArchitectProposed>;
};

/** Parses the workflow's hand-off; model output is data, refused whole when it does not match. */
export function parseArchitectProposal(input: unknown): Result<ArchitectProposal> {
  const parsed = ArchitectProposalSchema.safeParse(input);
  if (!parsed.success) return fail("invalid_request", `architect result refused: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return { ok: true, value: parsed.data };
}
