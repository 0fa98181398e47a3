/** The search dialog's pure parts (docs/PROTOCOL.md W100–W103): runs from offsets, where results open, groups, dates. */
import { describe, expect, it } from "vitest";
import type { SearchResult } from "../../shared/search-results.ts";
import { answersField, flatResults, groupResults, presetRange, resultHeading, resultHref, searchPath, snippetRuns } from "../../web/lib/search.ts";

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
      "/api/v1/search?q=%22blue+suit%22+%26+more&limit=30&kind=note&from=2026-02-01",
    );
  });

  it("[W101] \"Past month\" is one calendar month back in the user's zone (clamped at month ends); \"Older\" is everything before it", () => {
    // Still Feb 28 in New York: a month back is Jan 28; older ends Jan 27.
    const now = Date.parse("2026-03-01T02:00:00Z");
    expect(presetRange("month", "America/New_York", now)).toEqual({ from: "2026-01-28" });
    expect(presetRange("older", "America/New_York", now)).toEqual({ to: "2026-01-27" });
    // Mar 31 → Feb 28 (no Feb 31); Jan 15 → Dec 15 of the year before.
    expect(presetRange("month", "UTC", Date.parse("2026-03-31T12:00:00Z"))).toEqual({ from: "2026-02-28" });
    expect(presetRange("month", "UTC", Date.parse("2026-01-15T12:00:00Z"))).toEqual({ from: "2025-12-15" });
    expect(presetRange("older", "UTC", Date.parse("2026-01-01T12:00:00Z"))).toEqual({ to: "2025-11-30" });
    expect(searchPath({ q: "hotel", date: "older" }, "UTC", Date.parse("2026-03-31T12:00:00Z"))).toBe("/api/v1/search?q=hotel&limit=30&to=2026-02-27");
    // A message about 40 days old is in "Older" and not in "Past month"; with no filter nothing narrows.
    const at = "2026-02-19";
    const range = presetRange("month", "UTC", Date.parse("2026-03-31T12:00:00Z"));
    expect(at < range.from!).toBe(true);
    expect(presetRange("any", "UTC", Date.parse("2026-03-31T12:00:00Z"))).toEqual({});
  });

  it("[W103] a message result is headed by its thread's title (\"Chat\" for main), so two threads' messages are told apart", () => {
    const titles = new Map([["work", "Work"], ["trip", "Trip to Lisbon"]]);
    expect(resultHeading(result("message", "m1", 1, { conversationId: "work", title: "You" }), titles)).toBe("Work");
    expect(resultHeading(result("message", "m2", 1, { conversationId: "trip", title: "Assistant" }), titles)).toBe("Trip to Lisbon");
    expect(resultHeading(result("message", "m3", 1, { title: "You" }), titles)).toBe("Chat");
    expect(resultHeading(result("message", "m4", 1, { conversationId: "gone" }), titles)).toBe("Chat");
    expect(resultHeading(result("note", "n1", 1, { title: "Gala" }), titles)).toBe("Gala");
  });

  it("[W102] a result opens only when the results on screen answer the field: not mid-debounce, not a kept placeholder", () => {
    expect(answersField("hotel", "hotel", false)).toBe(true);
    expect(answersField("hotel ", "hotel", false)).toBe(true);
    expect(answersField("hotel lis", "hotel", false)).toBe(false);
    expect(answersField("hotel", "hotel", true)).toBe(false);
  });
});
