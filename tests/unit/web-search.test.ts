/** The search dialog's pure parts (docs/PROTOCOL.md W100–W103): runs from offsets, where results open, groups, dates. */
import { describe, expect, it } from "vitest";
import type { SearchResult } from "../../shared/search-results.ts";
import { flatResults, groupResults, presetRange, resultHref, searchPath, snippetRuns } from "../../web/lib/search.ts";

const result = (kind: SearchResult["kind"], id: string, score: number, extra: Partial<SearchResult> = {}): SearchResult => ({ kind, id, snippet: id, highlights: [], score, ...extra });

describe("web search helpers (W100–W103)", () => {
  it("[W100] a snippet becomes plain and marked runs from its offsets; the text is never lost, bad offsets are clamped or dropped", () => {
    const text = "the <b>hotel</b> and the Hotel";
    const runs = snippetRuns(text, [[7, 12], [25, 30]]);
    expect(runs).toEqual([
      { text: "the <b>", mark: false },
      { text: "hotel", mark: true },
      { text: "</b> and the ", mark: false },
      { text: "Hotel", mark: true },
    ]);
    for (const bad of [[[25, 30], [7, 12]], [[7, 12], [9, 14]], [[-5, 3]], [[28, 99]], [[12, 7]], [[40, 50]]] as [number, number][][]) {
      const got = snippetRuns(text, bad);
      expect(got.map((r) => r.text).join(""), JSON.stringify(bad)).toBe(text);
    }
    expect(snippetRuns("", [])).toEqual([{ text: "", mark: false }]);
  });

  it("[W102] each kind opens in place: the message in its conversation, the note, the task, the memory", () => {
    expect(resultHref(result("message", "m 1", 1, { conversationId: "trip" }))).toBe("/chat?c=trip&message=m%201");
    expect(resultHref(result("message", "m1", 1))).toBe("/chat?c=main&message=m1");
    expect(resultHref(result("note", "n1", 1))).toBe("/notes?note=n1");
    expect(resultHref(result("task", "t1", 1))).toBe("/tasks?task=t1");
    expect(resultHref(result("memory", "y1", 1))).toBe("/memory?memory=y1");
  });

  it("[W103] results are grouped by kind, the group of the best result first, the server's order kept within and walked in that order", () => {
    const results = [result("note", "n1", 9), result("message", "m1", 8), result("note", "n2", 7), result("task", "t1", 6), result("message", "m2", 5)];
    const groups = groupResults(results);
    expect(groups.map((g) => [g.kind, g.results.map((r) => r.id)])).toEqual([
      ["note", ["n1", "n2"]],
      ["message", ["m1", "m2"]],
      ["task", ["t1"]],
    ]);
    expect(flatResults(groups).map((r) => r.id)).toEqual(["n1", "n2", "m1", "m2", "t1"]);
  });

  it("[W101] the date chips are local dates in the preference zone; the query string carries q, kind and from", () => {
    // 2026-03-01 02:00 UTC is still Feb 28 in New York.
    const now = Date.parse("2026-03-01T02:00:00Z");
    expect(presetRange("any", "America/New_York", now)).toEqual({});
    expect(presetRange("week", "America/New_York", now)).toEqual({ from: "2026-02-22" });
    expect(presetRange("week", "Asia/Tokyo", now)).toEqual({ from: "2026-02-23" });
    expect(searchPath({ q: "  ", date: "any" }, "UTC", now)).toBeNull();
    expect(searchPath({ q: ' "blue suit" & more', kind: "note", date: "month" }, "UTC", now)).toBe(
      "/api/v1/search?q=%22blue+suit%22+%26+more&limit=30&kind=note&from=2026-01-30",
    );
  });
});
