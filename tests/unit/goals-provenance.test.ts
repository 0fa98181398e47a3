/** B20: provenance values — rationale as bounded plain text, a sha-256 of prompt and output. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { provenanceHash, rationaleOf, whyOf } from "../../party/core/provenance.ts";
import { WhySchema } from "../../shared/goals.ts";

describe("provenance (B20)", () => {
  it("[B20] the hash is the sha-256 hex of prompt and output, and tells their boundary apart", () => {
    expect(provenanceHash("ab", "c")).toBe(createHash("sha256").update("ab\u0000c").digest("hex"));
    expect(provenanceHash("ab", "c")).not.toBe(provenanceHash("a", "bc"));
  });

  it("[B20] the rationale is plain text of at most 500 UTF-16 units, never half an emoji; a why always passes its schema", () => {
    const long = "🏃".repeat(400);
    const r = rationaleOf(`\u0007${long}`);
    expect(r.length).toBeLessThanOrEqual(500);
    expect(r).toBe("🏃".repeat(250));
    const why = whyOf({ turnId: "t1", step: "reply" }, `bad\u0000text ${long}`, "p", "o");
    expect(WhySchema.safeParse(why).success).toBe(true);
  });
});
