/**
 * The offline rules that notice memories in the user's words (docs/PROTOCOL.md
 * Y6–Y9): many phrasings of each statement, and many sentences that must not
 * be noticed — questions, negations, hypotheticals, other people, "remember"
 * requests (pinned at once instead), and seeded random chatter.
 */
import { describe, expect, it } from "vitest";
import { ASK_VALUE_MAX, asksToRemember, noticeMemories, saidIn } from "../../party/chat/memory-rules.ts";
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

  it("[Y6] values end where the statement does: names and places are their run of capitalised words", () => {
    const found = (text: string) => noticeMemories(text).map((n) => n.pin);
    expect(found("My wife is called Anna and she lives in Rome")).toEqual([{ type: "person", key: "wife", value: "Anna" }]);
    expect(found("I live in Berlin now")).toEqual([{ type: "place", key: "home", value: "Berlin" }]);
    expect(found("I live in Berlin with my wife")).toEqual([{ type: "place", key: "home", value: "Berlin" }]);
    expect(found("I live in New York these days")).toEqual([{ type: "place", key: "home", value: "New York" }]);
    expect(found("I live in São Paulo and I love it")).toEqual([{ type: "place", key: "home", value: "São Paulo" }]);
    expect(found("I live in St. Louis.")).toEqual([{ type: "place", key: "home", value: "St. Louis" }]);
    expect(found("I'm based in Rio de Janeiro since May")).toEqual([{ type: "place", key: "home", value: "Rio de Janeiro" }]);
    expect(found("My son's name is Leo but we call him Lio")).toEqual([{ type: "person", key: "son", value: "Leo" }]);
    expect(found("my partner is named Sam Lee, who you met")).toEqual([{ type: "person", key: "partner", value: "Sam Lee" }]);
    expect(found("I'm allergic to peanuts now")).toEqual([{ type: "fact", key: "allergy: peanuts", value: "allergic to peanuts" }]);
    expect(found("I prefer window seats these days")).toEqual([{ type: "preference", key: "seats", value: "window seats" }]);
  });

  it("[Y6] a slot named outright wins over a passing mention: my home airport is EWR", () => {
    expect(noticeMemories("I fly out of JFK tomorrow but my home airport is EWR").map((n) => n.pin)).toEqual([{ type: "place", key: "home airport", value: "EWR" }]);
    expect(noticeMemories("My home airport is EWR. I fly out of JFK on Friday.").map((n) => n.pin.value)).toEqual(["EWR"]);
  });

  it("[Y6] one sentence, several statements: clauses split at \", my\", \";\", \" and my\", \" and I\"", () => {
    expect(noticeMemories("I live in Berlin, my wife is called Anna").map((n) => n.pin)).toEqual([
      { type: "place", key: "home", value: "Berlin" },
      { type: "person", key: "wife", value: "Anna" },
    ]);
    expect(noticeMemories("I live in Oslo; I'm allergic to shellfish").map((n) => n.pin.key)).toEqual(["home", "allergy: shellfish"]);
    expect(noticeMemories("I'm allergic to cats and my son is called Tom").map((n) => n.pin.key)).toEqual(["allergy: cats", "son"]);
    expect(noticeMemories("I live in Lyon and I fly out of LYS").map((n) => n.pin.key)).toEqual(["home", "home airport"]);
    // A negated clause is skipped alone; a hedge covers the whole sentence.
    expect(noticeMemories("I don't live in Berlin anymore, my wife is called Anna").map((n) => n.pin.key)).toEqual(["wife"]);
    expect(noticeMemories("If I move, my wife is called Anna").map((n) => n.pin.key)).toEqual([]);
  });

  it("[Y7] a one-off choice is no lasting preference", () => {
    for (const text of ["I prefer the earlier meeting", "I prefer this one", "I prefer those shoes", "I prefer that option", "I prefer these"]) expect(noticeMemories(text), text).toEqual([]);
  });

  it("[Y3] the offer quotes at most 80 characters of a value", () => {
    const [offer] = noticeMemories(`I prefer ${"very ".repeat(30)}long walks over short runs`);
    expect(offer?.pin.value.length).toBeGreaterThan(ASK_VALUE_MAX);
    const quoted = /prefer (.*) — remember it\?$/.exec(offer!.ask)?.[1] ?? "";
    expect(quoted.length).toBeLessThanOrEqual(ASK_VALUE_MAX);
    expect(quoted.endsWith("…")).toBe(true);
  });

  it("[Y9] only an imperative request to remember counts: never a question, a negation or a reminder", () => {
    for (const text of [
      "Remember that my home airport is JFK",
      "remember: I live in Berlin",
      "Please remember I live in Berlin",
      "Hey, remember my wife is called Anna",
      "ok remember I'm allergic to peanuts",
      "Don't forget I'm allergic to peanuts",
      "Please don't forget my son is Leo",
      "Do not forget that I prefer aisle seats",
      "Note that my wife is called Anna",
      "note down my birthday: March 3",
      "Keep in mind I prefer aisle seats",
      "Make a note: I live in Oslo",
      "I live in Berlin. Please remember it.",
    ]) expect(asksToRemember(text), text).toBe(true);
    for (const text of [
      "Do you remember what I said about the hotel?",
      "I don't remember my password",
      "remind me to remember the milk",
      "Remember to buy milk",
      "Don't forget to call mom",
      "I can't remember where I parked",
      "Can you remember my seat?",
      "Did you note that down?",
      "My notes say remember the alamo",
      "I will keep in mind what you said",
      "She told me to make a note",
      "I live in Berlin",
      "I fly out of JFK",
      "Add a task to call mom",
    ]) expect(asksToRemember(text), text).toBe(false);
  });

  it("[Y9] a pin at once needs the value in the user's own words", () => {
    expect(saidIn("JFK", "Remember that my home airport is JFK")).toBe(true);
    expect(saidIn("aisle", "Please remember I like the aisle seat")).toBe(true);
    expect(saidIn("São Paulo", "remember I live in são paulo")).toBe(true);
    expect(saidIn("EWR", "Remember that my home airport is JFK")).toBe(false);
    expect(saidIn("window seat", "Please remember I like the aisle seat")).toBe(false);
    expect(saidIn("", "remember")).toBe(false);
  });

  it("[Y7] seeded random first-person statements: plain ones are noticed, negated or hedged ones never", () => {
    const rng = seededRng("memory-rules first person");
    const statements: ((v: string) => { plain: string; negated: string[]; hedged: string[] })[] = [
      (v) => ({ plain: `I live in ${v}`, negated: [`I don't live in ${v}`, `I no longer live in ${v}`, `I do not live in ${v} anymore`, `I never lived in ${v}`], hedged: [`Maybe I live in ${v}`, `I might live in ${v}`, `If I live in ${v}`, `I used to live in ${v}`] }),
      (v) => ({ plain: `I'm based in ${v}`, negated: [`I'm not based in ${v}`, `I am not based in ${v} now`], hedged: [`I would be based in ${v}`, `Perhaps I'm based in ${v}`] }),
      (v) => ({ plain: `My wife is called ${v}`, negated: [`My wife isn't called ${v}`, `My wife is not called ${v}`], hedged: [`I wish my wife is called ${v}`, `My wife would be called ${v}`] }),
    ];
    const airports = (code: string) => ({ plain: `I fly out of ${code}`, negated: [`I don't fly out of ${code}`, `I never fly from ${code}`, `My home airport isn't ${code}`, `I no longer fly out of ${code}`], hedged: [`I should fly out of ${code}`, `Maybe I fly out of ${code}`, `If I fly from ${code}`, `I could fly out of ${code}`] });
    const places = ["Berlin", "New York", "São Paulo", "Lisbon", "Anna", "Rio de Janeiro", "Oslo"];
    const codes = ["JFK", "SFO", "LHR", "EWR", "BOS"];
    const fillers = ["", "Btw, ", "Also ", "Oh and ", "For the record, "];
    const tails = ["", ".", " now", " next year", " on Friday", "!", " these days"];
    for (let i = 0; i < 300; i++) {
      const form = rng.next() < 0.3 ? airports(rng.pick(codes)) : rng.pick(statements)(rng.pick(places));
      const filler = rng.pick(fillers);
      const tail = rng.pick(tails);
      const plain = `${filler}${form.plain}${tail}`;
      expect(noticeMemories(plain), `${plain} (TEST_SEED=${rng.seed})`).toHaveLength(1);
      for (const text of [...form.negated, ...form.hedged].map((s) => `${filler}${s}${tail}`)) {
        expect(noticeMemories(text), `${text} (TEST_SEED=${rng.seed})`).toEqual([]);
      }
    }
  });
});
