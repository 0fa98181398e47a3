/**
 * The offline rules that notice memories in the user's words (docs/PROTOCOL.md
 * Y6–Y9): many phrasings of each statement, and many sentences that must not
 * be noticed — questions, negations, hypotheticals, other people, "remember"
 * requests (pinned at once instead), and seeded random chatter.
 */
import { describe, expect, it } from "vitest";
import { asksToRemember, noticeMemories } from "../../party/chat/memory-rules.ts";
import { seededRng } from "../support/random.ts";

const one = (text: string) => {
  const found = noticeMemories(text);
  expect(found, text).toHaveLength(1);
  return found[0]!.pin;
};

describe("Memory rules — what the room notices (Y6–Y9)", () => {
  it("[Y6] notices the home airport in many phrasings, as a code", () => {
    for (const text of [
      "I fly out of JFK on Friday",
      "i fly out of JFK",
      "I usually fly from SFO.",
      "Btw, I always fly out of LHR",
      "My home airport is BOS",
      "my local airport is Boston",
    ]) {
      expect(one(text)).toMatchObject({ type: "place", key: "home airport" });
    }
    expect(one("I fly out of JFK on Friday").value).toBe("JFK");
    expect(one("my local airport is Boston").value).toBe("BOS");
  });

  it("[Y6] notices where the user lives, an allergy, a family name, a preference, a birthday", () => {
    expect(one("I live in Berlin")).toEqual({ type: "place", key: "home", value: "Berlin" });
    expect(one("Also, I'm based in New York, which is busy.")).toEqual({ type: "place", key: "home", value: "New York" });
    expect(one("I'm allergic to peanuts.")).toEqual({ type: "fact", key: "allergy: peanuts", value: "allergic to peanuts" });
    expect(one("I am severely allergic to Penicillin")).toMatchObject({ key: "allergy: penicillin" });
    expect(one("My wife is called Anna")).toEqual({ type: "person", key: "wife", value: "Anna" });
    expect(one("my son's name is Leo.")).toEqual({ type: "person", key: "son", value: "Leo" });
    expect(one("My partner is named Sam Lee")).toEqual({ type: "person", key: "partner", value: "Sam Lee" });
    expect(one("I prefer aisle seats over window seats")).toEqual({ type: "preference", key: "seats", value: "aisle seats over window seats" });
    expect(one("I prefer morning meetings")).toEqual({ type: "preference", key: "meetings", value: "morning meetings" });
    expect(one("I like my coffee black")).toEqual({ type: "preference", key: "coffee", value: "black" });
    expect(one("I like my steak medium rare")).toEqual({ type: "preference", key: "steak", value: "medium rare" });
    expect(one("I really like my meetings short.")).toEqual({ type: "preference", key: "meetings", value: "short" });
    expect(one("My birthday is March 3")).toEqual({ type: "fact", key: "birthday", value: "March 3" });
    expect(one("my birthday's on 12 May.")).toEqual({ type: "fact", key: "birthday", value: "12 May" });
  });

  it("[Y6] [Y8] several statements in one message each count once, one per slot", () => {
    const found = noticeMemories("I live in Lisbon. My daughter is called Ana! I live in Lisbon.");
    expect(found.map((n) => n.pin)).toEqual([
      { type: "place", key: "home", value: "Lisbon" },
      { type: "person", key: "daughter", value: "Ana" },
    ]);
    expect(found[0]!.ask).toBe("You mentioned you live in Lisbon — remember it?");
  });

  it("[Y7] never notices questions, negations, hypotheticals, other people or vague words", () => {
    for (const text of [
      "Do I fly out of JFK?",
      "Where do I live in Berlin?",
      "Am I allergic to peanuts?",
      "I don't live in Berlin anymore",
      "I no longer fly out of JFK",
      "I'm not allergic to cats",
      "I prefer not to fly early",
      "I prefer never to have meetings on Fridays",
      "I like my coffee black, don't I",
      "If I lived in Paris I would cycle",
      "Maybe I live in Rome next year",
      "I used to live in Madrid",
      "My friend lives in Berlin",
      "Anna lives in Berlin",
      "I live in a small flat",
      "I live in fear of deadlines",
      "My wife is called",
      "My wife is called a genius by her team",
      "My birthday is soon",
      "I fly out of here tomorrow",
      "I fly out of the city on Friday",
      "What airport do I fly out of?",
      "My wife is tired",
      "I like pizza",
      "I like my job a lot",
      "I like my new boss",
      "I like my team",
      "I prefer to work from home",
      "I prefer that one",
      "I prefer it",
      "",
      "   ",
    ]) {
      expect(noticeMemories(text), text).toEqual([]);
    }
  });

  it("[Y9] a message that asks to remember is pinned by pin_memory, never proposed as well", () => {
    for (const text of ["Remember that my home airport is JFK", "please remember I live in Berlin", "Don't forget I'm allergic to peanuts", "note that my wife is called Anna", "Keep in mind I prefer aisle seats", "I live in Berlin. Please remember it."]) {
      expect(asksToRemember(text), text).toBe(true);
      expect(noticeMemories(text), text).toEqual([]);
    }
    for (const text of ["I live in Berlin", "I fly out of JFK", "Add a task to call mom"]) expect(asksToRemember(text), text).toBe(false);
  });

  it("[Y7] seeded random chatter without a first-person statement is never noticed", () => {
    const rng = seededRng("memory-rules non-matches");
    const openers = ["Can you", "Please", "Could you", "Do I", "Did my boss", "Tell me if", "Why does", "What if I", "When do", "Should I"];
    const verbs = ["fly out of", "live in", "prefer", "like my", "am allergic to", "book", "move", "call", "plan", "remind"];
    const objects = ["JFK", "Berlin", "coffee black", "peanuts", "the meeting", "Anna", "my wife", "a table", "Friday", "SFO"];
    const tails = ["?", " tomorrow?", " please", " next week", "", " soon?", " for me", " by Friday"];
    for (let i = 0; i < 400; i++) {
      const text = `${rng.pick(openers)} ${rng.pick(verbs)} ${rng.pick(objects)}${rng.pick(tails)}`;
      expect(noticeMemories(text), `${text} (TEST_SEED=${rng.seed})`).toEqual([]);
    }
  });
});
