/**
 * The pure helpers behind the Tasks and Notes views (docs/PROTOCOL.md
 * W20–W24): order between neighbours, the shortcut table, snooze times, due
 * dates from pickers and words, tags, the notes list and cursor colours.
 */
import { describe, expect, it } from "vitest";
import type { Task } from "../../shared/domain.ts";
import { TasksSearchSchema } from "../../shared/search.ts";
import { dueFromPicker, parseDueText, pickerFromDue } from "../../shared/task-input.ts";
import { CURSOR_COLORS, cursorColor } from "../../web/lib/cursor-color.ts";
import { listNotes, notePreview } from "../../web/lib/note-list.ts";
import { snoozeMinutes } from "../../web/lib/reminder-snooze.ts";
import { matchesFilter, matchesSearch, normalizeTag, tagsInUse } from "../../web/lib/task-filter.ts";
import { orderBetween, planMove } from "../../web/lib/task-order.ts";
import { isTypingTarget, ownedByControl, SHORTCUTS, shortcutFor } from "../../web/lib/task-shortcuts.ts";
import { seededRng } from "../support/random.ts";

// Saturday 2026-11-21, 10:00 in New York (15:00 UTC).
const NOW = new Date("2026-11-21T15:00:00Z");
const NY = "America/New_York";

const task = (id: string, order: number, extra: Partial<Task> = {}): Task => ({
  id,
  title: id,
  status: "open",
  due: null,
  tags: [],
  order,
  createdAt: "2026-11-20T10:00:00.000Z",
  updatedAt: "2026-11-20T10:00:00.000Z",
  createdBy: "user:d1",
  ...extra,
});

/** The list as readTasks sorts it, after applying the patches. */
function applied(list: Task[], patches: { id: string; order: number }[]): string[] {
  const orders = new Map(list.map((t) => [t.id, t.order]));
  for (const p of patches) orders.set(p.id, p.order);
  return [...list].sort((a, b) => orders.get(a.id)! - orders.get(b.id)! || a.createdAt.localeCompare(b.createdAt)).map((t) => t.id);
}

/** What dnd-kit's arrayMove gives. */
function arrayMove<T>(list: T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

describe("Web — task order between neighbours", () => {
  it("[W21] a key between two neighbours, or past an end", () => {
    expect(orderBetween(1, 2)).toBe(1.5);
    expect(orderBetween(undefined, 3)).toBe(2);
    expect(orderBetween(3, undefined)).toBe(4);
    expect(orderBetween(undefined, undefined)).toBe(1);
  });

  it("[W21] one move writes one task, and the list reads as arrayMove arranged it", () => {
    const list = [task("a", 1), task("b", 2), task("c", 3), task("d", 4)];
    const patches = planMove(list, 3, 1);
    expect(patches).toEqual([{ id: "d", order: 1.5 }]);
    expect(applied(list, patches)).toEqual(["a", "d", "b", "c"]);
    expect(planMove(list, 0, 3)).toEqual([{ id: "a", order: 5 }]);
    expect(planMove(list, 2, 0)).toEqual([{ id: "c", order: 0 }]);
    expect(planMove(list, 1, 1)).toEqual([]);
    expect(planMove(list, 9, 1)).toEqual([]);
  });

  it("[W21] equal keys: the list is numbered again, and still reads as moved", () => {
    const list = [task("a", 1), task("b", 1, { createdAt: "2026-11-20T11:00:00.000Z" }), task("c", 1, { createdAt: "2026-11-20T12:00:00.000Z" })];
    const patches = planMove(list, 2, 1);
    expect(patches.length).toBeGreaterThan(1);
    expect(applied(list, patches)).toEqual(["a", "c", "b"]);
  });

  it("[W21] a thousand random moves always give arrayMove's order", () => {
    const rng = seededRng("task order moves");
    let list = Array.from({ length: 8 }, (_, i) => task(`t${i}`, i + 1));
    for (let n = 0; n < 1000; n++) {
      const from = rng.int(list.length);
      const to = rng.int(list.length);
      const expected = arrayMove(list, from, to).map((t) => t.id);
      const patches = planMove(list, from, to);
      const byId = new Map(patches.map((p) => [p.id, p.order]));
      list = list.map((t) => ({ ...t, order: byId.get(t.id) ?? t.order }));
      list.sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
      expect(list.map((t) => t.id), `TEST_SEED=${rng.seed}, move ${n}`).toEqual(expected);
    }
  });
});

describe("Web — keyboard shortcuts of the Tasks view", () => {
  const press = (key: string, mods: { alt?: boolean; ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) =>
    shortcutFor({ key, altKey: Boolean(mods.alt), ctrlKey: Boolean(mods.ctrl), metaKey: Boolean(mods.meta), shiftKey: Boolean(mods.shift) });

  it("[W21] each key maps to its action", () => {
    expect(press("n")).toBe("new");
    expect(press("c")).toBe("new");
    expect(press("N", { shift: true })).toBe("new");
    expect(press("j")).toBe("next");
    expect(press("ArrowDown")).toBe("next");
    expect(press("k")).toBe("previous");
    expect(press("x")).toBe("complete");
    expect(press(" ")).toBe("complete");
    expect(press("e")).toBe("edit");
    expect(press("d")).toBe("due");
    expect(press("t")).toBe("tag");
    expect(press("Backspace")).toBe("delete");
    expect(press("Delete")).toBe("delete");
    expect(press("ArrowUp", { alt: true })).toBe("moveUp");
    expect(press("ArrowDown", { alt: true })).toBe("moveDown");
    expect(press("/")).toBe("search");
    expect(press("?", { shift: true })).toBe("help");
  });

  it("[W21] Ctrl and Meta chords, Alt with a letter, and other keys are not shortcuts", () => {
    expect(press("c", { ctrl: true })).toBeNull();
    expect(press("x", { meta: true })).toBeNull();
    expect(press("n", { alt: true })).toBeNull();
    expect(press("q")).toBeNull();
    expect(press("Tab")).toBeNull();
  });

  it("[W21] every action is listed once in the help table, with at least one key", () => {
    const actions = SHORTCUTS.map((s) => `${s.action}`);
    expect(new Set(actions).size).toBe(actions.length);
    for (const s of SHORTCUTS) expect(s.keys.length).toBeGreaterThan(0);
  });

  it("[W21] typing in a field is never a shortcut; a button keeps its own Space and Enter", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "date" })).toBe(true);
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    expect(ownedByControl({ tagName: "BUTTON" }, " ")).toBe(true);
    expect(ownedByControl({ tagName: "INPUT", type: "checkbox" }, " ")).toBe(true);
    expect(ownedByControl({ tagName: "BUTTON" }, "x")).toBe(false);
    expect(ownedByControl({ tagName: "LI" }, " ")).toBe(false);
  });
});

describe("Web — due dates from pickers and words, in the user's zone", () => {
  it("[W20] a date alone stays a date; a date and a time are that wall-clock time in the zone", () => {
    expect(dueFromPicker("2026-11-24", "", NY)).toBe("2026-11-24");
    expect(dueFromPicker("2026-11-24", "15:00", NY)).toBe("2026-11-24T20:00:00.000Z");
    // Summer time: New York is UTC-4 in July.
    expect(dueFromPicker("2026-07-01", "15:00", NY)).toBe("2026-07-01T19:00:00.000Z");
    expect(dueFromPicker("", "15:00", NY)).toBeNull();
    expect(dueFromPicker("tomorrow", "", NY)).toBeNull();
  });

  it("[W20] the pickers show a due value in the zone, and round-trip", () => {
    expect(pickerFromDue(null, NY)).toEqual({ date: "", time: "" });
    expect(pickerFromDue("2026-11-24", NY)).toEqual({ date: "2026-11-24", time: "" });
    expect(pickerFromDue("2026-11-25T02:30:00.000Z", NY)).toEqual({ date: "2026-11-24", time: "21:30" });
    expect(pickerFromDue("2026-11-25T02:30:00.000Z", "Asia/Tokyo")).toEqual({ date: "2026-11-25", time: "11:30" });
    const { date, time } = pickerFromDue("2026-11-25T02:30:00.000Z", NY);
    expect(dueFromPicker(date, time, NY)).toBe("2026-11-25T02:30:00.000Z");
  });

  it("[W20] words: “tomorrow 3pm”, “next fri”, “in 2 hours”; none in “soon-ish”", () => {
    expect(parseDueText("tomorrow 3pm", NY, NOW)).toBe("2026-11-22T20:00:00.000Z");
    expect(parseDueText("next fri", NY, NOW)).toBe("2026-11-27");
    expect(parseDueText("in 2 hours", NY, NOW)).toBe("2026-11-21T17:00:00.000Z");
    expect(parseDueText("soon-ish", NY, NOW)).toBeNull();
  });
});

describe("Web — snooze choices", () => {
  it("[W23] 10 minutes, 1 hour, and tomorrow 9:00 in the user's zone as minutes from now", () => {
    expect(snoozeMinutes("10m", NOW, NY)).toBe(10);
    expect(snoozeMinutes("1h", NOW, NY)).toBe(60);
    // 10:00 on Saturday in New York → 9:00 on Sunday: 23 hours.
    expect(snoozeMinutes("morning", NOW, NY)).toBe(23 * 60);
    // The same instant is 00:00 Sunday in Tokyo → 9:00 Monday there: 33 hours.
    expect(snoozeMinutes("morning", NOW, "Asia/Tokyo")).toBe(33 * 60);
    // The night the clocks go back (1 Nov 2026 in New York): 23:00 → 9:00 is 11 hours, not 10.
    expect(snoozeMinutes("morning", new Date("2026-11-01T03:00:00Z"), NY)).toBe(11 * 60);
    // Half a minute past: rounded up, so the room (counting from its own, later clock) says 9:00, never 8:59.
    const at = new Date("2026-11-21T15:00:30Z");
    expect(at.getTime() + snoozeMinutes("morning", at, NY) * 60_000).toBeGreaterThanOrEqual(new Date("2026-11-22T14:00:00Z").getTime());
  });
});

describe("Web — tags and the tag filter", () => {
  it("[W22] a typed tag is normalised; what is not a tag is refused", () => {
    expect(normalizeTag("#Work")).toBe("work");
    expect(normalizeTag("  home ")).toBe("home");
    expect(normalizeTag("two words")).toBeNull();
    expect(normalizeTag("#")).toBeNull();
    expect(normalizeTag("x".repeat(65))).toBeNull();
  });

  it("[W22] the tag search param is lower case and capped; a bad one is ignored", () => {
    expect(TasksSearchSchema.parse({ filter: "today", tag: "Work" })).toEqual({ filter: "today", tag: "work" });
    expect(TasksSearchSchema.parse({ tag: "x".repeat(65) })).toEqual({ filter: "all", tag: undefined });
    expect(TasksSearchSchema.parse({ tag: 42 })).toEqual({ filter: "all", tag: undefined });
  });

  it("[W22] a tag narrows any filter; the search matches title words and tags", () => {
    const work = task("Send the deck", 1, { tags: ["work"], due: "2026-11-21" });
    const home = task("Water plants", 2, { tags: ["home"], due: "2026-11-21" });
    expect(matchesFilter(work, "today", NOW, NY, "work")).toBe(true);
    expect(matchesFilter(home, "today", NOW, NY, "work")).toBe(false);
    expect(matchesFilter(home, "today", NOW, NY)).toBe(true);
    expect(matchesSearch(work, "deck")).toBe(true);
    expect(matchesSearch(work, "SEND deck")).toBe(true);
    expect(matchesSearch(work, "#work")).toBe(true);
    expect(matchesSearch(work, "plants")).toBe(false);
    expect(tagsInUse([work, home, task("x", 3, { tags: ["home"] })])).toEqual(["home", "work"]);
  });
});

describe("Web — the notes list", () => {
  const notes = [
    { id: "1", title: "Groceries", body: "eggs, milk", pinned: false, updatedAt: "2026-11-21T10:00:00Z" },
    { id: "2", title: "Trip", body: "Book the **Café** in Lisbon", pinned: true, updatedAt: "2026-11-19T10:00:00Z" },
    { id: "3", title: "Ideas", body: "# Garden\n- tomatoes", pinned: false, updatedAt: "2026-11-20T10:00:00Z" },
  ];

  it("[W24] pinned first, then the most recently changed", () => {
    expect(listNotes(notes, "").map((n) => n.id)).toEqual(["2", "1", "3"]);
  });

  it("[W24] search matches title and body, every word, any case or accent", () => {
    expect(listNotes(notes, "milk").map((n) => n.id)).toEqual(["1"]);
    expect(listNotes(notes, "cafe lisbon").map((n) => n.id)).toEqual(["2"]);
    expect(listNotes(notes, "IDEAS tomatoes").map((n) => n.id)).toEqual(["3"]);
    expect(listNotes(notes, "milk tomatoes")).toEqual([]);
  });

  it("[W24] the preview line drops markdown marks", () => {
    expect(notePreview("# Garden\n- tomatoes **now**")).toBe("Garden tomatoes now");
  });

  it("[W24] a device keeps one colour from the palette, and devices spread over it", () => {
    expect(cursorColor("device-a")).toBe(cursorColor("device-a"));
    expect(CURSOR_COLORS).toContain(cursorColor("device-a"));
    const used = new Set(Array.from({ length: 64 }, (_, i) => cursorColor(crypto.randomUUID() + i)));
    expect(used.size).toBeGreaterThan(4);
  });
});
