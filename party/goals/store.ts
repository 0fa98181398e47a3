/**
 * What a structured proposal would do, kept until it is settled (B12, B16):
 * the architect's goal and entries, or a rescheduling's moves. One row per
 * proposal; `run_id` is unique so a workflow's retried hand-off finds its
 * proposal instead of making a second (B12).
 */
import { z } from "zod";
import { ArchitectEntrySchema, WhySchema } from "../../shared/goals.ts";
import { IsoDateSchema, IsoDateTimeSchema } from "../../shared/domain.ts";
import { SqlTables, type SqlStore } from "../core/sql.ts";

export const MoveSchema = z.strictObject({
  /** The entry id on the card. */
  entryId: z.string(),
  blockId: z.string(),
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
  /** Where the block was when proposed: a block moved since is not moved again (conflict). */
  fromStart: IsoDateTimeSchema,
  fromEnd: IsoDateTimeSchema,
});
export type Move = z.infer<typeof MoveSchema>;

export const StoredPlanSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("architect"),
    runId: z.string(),
    goal: z.strictObject({ title: z.string(), targetDate: IsoDateSchema.nullable() }),
    entries: z.array(ArchitectEntrySchema),
    why: WhySchema,
  }),
  z.strictObject({ kind: z.literal("moves"), moves: z.array(MoveSchema), why: WhySchema.optional() }),
]);
export type StoredPlan = z.infer<typeof StoredPlanSchema>;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS goal_proposals (
    proposal_id TEXT PRIMARY KEY,
    run_id TEXT UNIQUE,
    body TEXT NOT NULL
  )`,
];

export class GoalProposalStore extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  save(proposalId: string, runId: string | null, plan: StoredPlan): void {
    this.sql.exec("INSERT INTO goal_proposals (proposal_id, run_id, body) VALUES (?, ?, ?)", proposalId, runId, JSON.stringify(plan));
  }

  plan(proposalId: string): StoredPlan | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM goal_proposals WHERE proposal_id = ?", proposalId).toArray()[0];
    if (!row) return null;
    const parsed = StoredPlanSchema.safeParse(JSON.parse(row.body));
    return parsed.success ? parsed.data : null;
  }

  has(proposalId: string): boolean {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM goal_proposals WHERE proposal_id = ?", proposalId).toArray()[0]!.n > 0;
  }

  byRun(runId: string): string | null {
    return this.sql.exec<{ proposal_id: string }>("SELECT proposal_id FROM goal_proposals WHERE run_id = ?", runId).toArray()[0]?.proposal_id ?? null;
  }
}
