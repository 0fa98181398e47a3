/**
 * One parser for a task typed as words (docs/PROTOCOL.md C18): the web's task
 * input and the offline assistant's "add a task …" read titles, due dates and
 * `#tags` alike.
 */
import { describe, expect, it } from "vitest";
import { understand } from "../../party/chat/intents.ts";
import { parseTaskInput, splitTags, splitTitleAndDue } from "../../shared/task-input.ts";
import { seededRng } from "../support/random.ts";

// Saturday 2026-11-21, 10:00 in New York (15:00 UTC).
const NOW = new Date("2026-11-21T15:00:00Z");
const NY = "America/New_York";

describe("Task input — titles, dates and #tags, one parser", () => {
  const table: [string, { title: string; due: string | null; tags: string[] }][] = [
    ["send the budget by Friday #finance", { title: "Send the budget", due: "2026-11-27", tags: ["finance"] }],
    ["#finance send the budget by Friday", { title: "Send the budget", due: "2026-11-27", tags: ["finance"] }],
    ["send the budget #finance by Friday", { title: "Send the budget", due: "2026-11-27", tags: ["finance"] }],
    ["Call mom tomorrow at 5pm #family #Calls", { title: "Call mom", due: "2026-11-22T22:00:00.000Z", tags: ["family", "calls"] }],
    ["call mom on tuesday at 5pm about the trip", { title: "Call mom about the trip", due: "2026-11-24T22:00:00.000Z", tags: [] }],
    ["prepare slides for Monday", { title: "Prepare slides", due: "2026-11-23", tags: [] }],
    ["pay rent due tomorrow", { title: "Pay rent", due: "2026-11-22", tags: [] }],
    ["finish the report before Friday #work", { title: "Finish the report", due: "2026-11-27", tags: ["work"] }],
    ["file taxes by Dec 1 #finance #finance", { title: "File taxes", due: "2026-12-01", tags: ["finance"] }],
    ["learn C# basics", { title: "Learn C# basics", due: null, tags: [] }],
    ["water the plants", { title: "Water the plants", due: null, tags: [] }],
    // A tag named like a day is a tag, not a date.
    ["review notes #monday", { title: "Review notes", due: null, tags: ["monday"] }],
  ];
  for (const [typed, expected] of table) {
    it(`[C18] “${typed}” → “${expected.title}”, due ${expected.due}, tags [${expected.tags.join(", ")}]`, () => {
      expect(parseTaskInput(typed, NY, NOW)).toEqual(expected);
    });
  }

  it("[C18] the chat's “add a task to send the budget by Friday #finance” makes the task the task input would", () => {
    const typed = "send the budget by Friday #finance";
    const intent = understand(`add a task to ${typed}`, NY, NOW);
    const parsed = parseTaskInput(typed, NY, NOW);
    expect(intent).toEqual({ kind: "create_task", title: parsed.title, due: parsed.due, tags: parsed.tags, remind: false });
    expect(intent).toMatchObject({ title: "Send the budget", tags: ["finance"] });
  });

  it("[C18] a line of only tags still makes a task in the app (never an empty title), and tags are capped", () => {
    expect(parseTaskInput("#inbox", NY, NOW)).toEqual({ title: "#inbox", due: null, tags: [] });
    expect(splitTitleAndDue("#inbox", NY, NOW).title).toBe("");
    expect(splitTags(Array.from({ length: 40 }, (_, i) => `#t${i}`).join(" ")).tags).toHaveLength(32);
  });

  it("[C18] seeded: a title, a date phrase with its preposition and tags in any order read the same in the app and the chat", () => {
    const rng = seededRng("task-input phrasings");
    const titles = ["send the budget", "book the hotel near Fenway", "call John", "renew passport", "email Ann the deck", "water the plants"];
    const dates: [string, string][] = [
      ["by Friday", "2026-11-27"],
      ["on Friday", "2026-11-27"],
      ["due Friday", "2026-11-27"],
      ["before Friday", "2026-11-27"],
      ["tomorrow", "2026-11-22"],
      ["by tomorrow", "2026-11-22"],
      ["for Monday", "2026-11-23"],
      ["on Dec 3", "2026-12-03"],
    ];
    const tagPool = ["finance", "travel", "home", "q4-report", "work_2"];
    for (let i = 0; i < 200; i++) {
      const title = rng.pick(titles);
      const date = rng.int(4) === 0 ? null : rng.pick(dates);
      const tags = [...new Set(Array.from({ length: rng.int(3) }, () => rng.pick(tagPool)))];
      const words = [title, ...(date ? [date[0]] : [])];
      // Tags go anywhere between the parts: before, between, after.
      for (const tag of tags) words.splice(rng.int(words.length + 1), 0, `#${tag}`);
      const typed = words.join(" ");
      // Tags come out in the order they were typed.
      const typedTags = words.filter((w) => w.startsWith("#")).map((w) => w.slice(1));
      const expected = { title: title[0]!.toUpperCase() + title.slice(1), due: date ? date[1] : null, tags: typedTags };
      expect(parseTaskInput(typed, NY, NOW), `seed ${rng.seed}, “${typed}”`).toEqual(expected);
      expect(understand(`add a task to ${typed}`, NY, NOW), `seed ${rng.seed}, chat “${typed}”`).toEqual({ kind: "create_task", ...expected, ...(tags.length ? {} : { tags: undefined }), remind: false });
    }
  });
});
