/**
 * What the room notices in the user's own words (docs/PROTOCOL.md Y6–Y8): a
 * fixed list of statements about themselves — the airport they fly out of,
 * where they live, an allergy, a partner's or child's name, a preference, a
 * birthday. Deterministic: each sentence is read from its start (after a
 * filler like "btw"), in the first person, and must be a plain statement —
 * questions, negations, hypotheticals and "remember …" requests (those pin at
 * once, Y9) are never noticed.
 */
import type { MemoryPin } from "../../shared/commands.ts";
import { LIMITS } from "../../shared/domain.ts";
import { airportOf, HOME_AIRPORT } from "./flight-intents.ts";

/** A memory the room may offer to keep: what to pin, and how the card asks. */
export type Noticed = { pin: Pick<MemoryPin, "type" | "key" | "value">; ask: string };
/** A rule's find; `firm` when the words name the slot itself ("my home airport is …"), which wins over a passing mention. */
type Found = Noticed & { firm?: boolean };

/** Longest quote of a value in an offer's words: a card asks in a line, not a paragraph. */
export const ASK_VALUE_MAX = 80;
export const quote = (value: string) => (value.length > ASK_VALUE_MAX ? `${value.slice(0, ASK_VALUE_MAX - 1).trimEnd()}…` : value);

/** Abbreviations whose dot ends no sentence ("St. Louis", "Dr. Lee"). */
const ABBREVIATION = /(?<=\b(?:St|Dr|Mr|Mrs|Ms|Mt|Ft|Jr|Sr|Prof))\./;
const SENTENCE = new RegExp(`(?:[^.!?\\n]|${ABBREVIATION.source})+[.!?]*`, "g");

/** Every sentence of `text` (first 2,000 characters), trimmed, with its closing mark. */
function allSentences(text: string): string[] {
  return (text.slice(0, 2_000).match(SENTENCE) ?? []).map((s) => s.trim()).filter(Boolean);
}

const REMEMBER_REQUEST =
  /^(?:(?:please|pls|hey|hi|ok|okay|oh|and|also|so|btw)[\s,:;!-]+)*(?:please\s+)?(?:remember\b(?!\s+to\b)|(?:don'?t|do not|never) forget\b(?!\s+to\b)|note (?:that|down)\b|keep in mind\b|make a note\b)/i;

/**
 * Y9: the user asked for something to be kept — a sentence that begins with
 * the request itself ("Remember …", "Please don't forget …", "Note that …",
 * "Keep in mind …", "Make a note …"), after at most a "please", "hey" or "ok".
 * Never a question ("Do you remember…?"), a statement about remembering ("I
 * don't remember my password"), nor a reminder ("remember to buy milk").
 */
export function asksToRemember(text: string): boolean {
  return allSentences(text).some((s) => !s.endsWith("?") && REMEMBER_REQUEST.test(s));
}

const words = (s: string) => s.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];

/** Y9: every word of `value` is in the user's `text` — a model cannot pin at once what the user did not say. */
export function saidIn(value: string, text: string): boolean {
  const said = new Set(words(text));
  const needed = words(value);
  return needed.length > 0 && needed.every((w) => said.has(w));
}

const FILLER = /^(?:(?:oh|and|also|so|well|btw|by the way|fyi|for the record|just so you know|ok|okay)[\s,:;-]+)+/i;
const NEGATION = /\b(?:not|never|no longer|no more|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|won'?t|can'?t|cannot|anymore|nobody|nothing)\b/i;
const HEDGE = /\b(?:if|maybe|perhaps|probably|possibly|might|would|should|could|wish|suppose|what if|used to|hope|hopefully|someday|one day)\b/i;
const RELATIONS = "wife|husband|partner|son|daughter|girlfriend|boyfriend|fiancée?|mom|mum|mother|dad|father|sister|brother|dog|cat";

/** Time words that end a value ("JFK on Friday", "Berlin now"). */
const TIME_WORDS = "on|this|next|every|tomorrow|today|tonight|in|now|since|for|until|till|at|from|currently|these days|right now|at the moment|last|yesterday|soon|again|anymore";
const PRONOUNS = "i|we|my|our|he|she|they|it|his|her|their|you";

/** A value as said, without a trailing clause ("Berlin, which…", "Anna and she…", "… but …", "… with …") or time words ("on Friday", "now"). */
function tidy(value: string): string {
  return value
    .replace(new RegExp(`\\s*(?:,|;|\\bwhich\\b|\\bwho\\b|\\bwhere\\b|\\bbut\\b|\\band\\s+(?:${PRONOUNS})\\b|\\s+with\\b).*$`, "i"), "")
    .replace(new RegExp(`\\s+(?:${TIME_WORDS})\\b.*$`, "i"), "")
    .replace(/[.!]+$/, "")
    .trim()
    .slice(0, LIMITS.memoryValue);
}

/** Joins the words of a name or place: "de" in "Rio de Janeiro", "am" in "Frankfurt am Main". */
const PARTICLE = "de|da|do|dos|das|del|della|di|du|la|le|van|von|der|den|am|upon|on|of";
const CAPITALISED_WORD = "\\p{Lu}[\\p{L}\\p{M}'’-]*(?:\\.(?=\\s+\\p{Lu}))?";
const NAME_RUN = new RegExp(`^${CAPITALISED_WORD}(?:\\s+(?:(?:${PARTICLE})\\s+)?${CAPITALISED_WORD})*`, "u");

/** The run of capitalised words a name or place is ("New York", "São Paulo", "St. Louis", "Rio de Janeiro"); "" when it starts in lower case. */
function nameRun(value: string): string {
  return NAME_RUN.exec(tidy(value))?.[0]?.trim() ?? "";
}

/** How a thing is liked ("black", "medium rare", "short"): the first word of a preference's value must be one of these. */
const HOW =
  /^(?:black|white|strong|weak|short|long|hot|cold|iced|warm|spicy|mild|sweet|plain|rare|medium|well|scrambled|fried|boiled|poached|early|late|quiet|loud|dark|light|bright|simple|brief|small|large|big|extra|no|with|without|decaf|oat|soy|dry|crispy|soft)\b/i;

type Rule = (clause: string) => Found | null;

/** "the earlier meeting", "that one": a one-off choice, not a lasting preference. */
const ONE_OFF = /^(?:to|it|that|this|them|those|these|the|one|both|either|neither)\b/i;

const RULES: Rule[] = [
  (s) => {
    const m = /^(?:i(?:'m| am)?\s+(?:usually\s+|always\s+|normally\s+)?fly(?:ing)?\s+(?:out\s+of|from)|(my\s+(?:home|local|usual)\s+airport\s+is))\s+(.+)$/i.exec(s);
    const said = m ? tidy(m[2]!) : "";
    const code = said ? airportOf(said) : null;
    if (!code || (said.length === 3 && said !== said.toUpperCase())) return null;
    return { pin: { ...HOME_AIRPORT, value: code }, ask: `You mentioned you fly out of ${code} — remember it as your home airport?`, firm: Boolean(m![1]) };
  },
  (s) => {
    const m = /^(?:i\s+live\s+in|i(?:'m| am)\s+based\s+in|my\s+home\s+is\s+in)\s+(.+)$/i.exec(s);
    const place = m ? nameRun(m[1]!) : "";
    if (!place) return null;
    return { pin: { type: "place", key: "home", value: place }, ask: `You mentioned you live in ${quote(place)} — remember it?` };
  },
  (s) => {
    const m = /^i(?:'m| am)\s+(?:severely\s+|very\s+|badly\s+)?allergic\s+to\s+(.+)$/i.exec(s);
    const what = m ? tidy(m[1]!).toLowerCase() : "";
    if (!what) return null;
    return { pin: { type: "fact", key: `allergy: ${what}`.slice(0, LIMITS.memoryKey), value: `allergic to ${what}` }, ask: `You mentioned you're allergic to ${quote(what)} — remember it?` };
  },
  (s) => {
    const m = new RegExp(`^my\\s+(${RELATIONS})(?:'s\\s+name\\s+is|\\s+is\\s+(?:called|named))\\s+(.+)$`, "i").exec(s);
    const name = m ? nameRun(m[2]!) : "";
    if (!m || !name || name.split(/\s+/).length > 4) return null;
    const who = m[1]!.toLowerCase();
    return { pin: { type: "person", key: who, value: name }, ask: `You mentioned your ${who} is called ${quote(name)} — remember it?` };
  },
  (s) => {
    // "I like my coffee black": one thing, then how — a word of HOW, so "I like my new boss" is no preference.
    const m = /^i\s+(?:really\s+)?like\s+my\s+([a-z]+)\s+(.+)$/i.exec(s);
    if (!m) return null;
    const what = m[1]!.toLowerCase();
    const how = tidy(m[2]!);
    if (!how || !HOW.test(how) || how.split(/\s+/).length > 3) return null;
    return { pin: { type: "preference", key: what, value: how }, ask: `You mentioned you like your ${what} ${how} — remember it?` };
  },
  (s) => {
    const m = /^i\s+(?:always\s+|really\s+)?prefer\s+(.+)$/i.exec(s);
    const said = m ? tidy(m[1]!) : "";
    // "I prefer to …" names no thing to key it by; "I prefer it / the earlier meeting" is a choice made once.
    if (!said || ONE_OFF.test(said)) return null;
    // The thing preferred names the slot: "aisle seats over window seats" → seats.
    const first = said.split(/\s+(?:over|to|rather than|instead of)\s+/i)[0]!;
    const key = first.toLowerCase().split(/\s+/).at(-1)!.replace(/[^\p{L}\p{N}-]/gu, "");
    if (!key) return null;
    return { pin: { type: "preference", key, value: said }, ask: `You mentioned you prefer ${quote(said)} — remember it?` };
  },
  (s) => {
    const m = /^my\s+birthday(?:\s+is|'s)\s+(?:on\s+)?(.+)$/i.exec(s);
    const when = m ? m[1]!.replace(/[.!]+$/, "").trim().slice(0, 60) : "";
    if (!when || !/\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/i.test(when)) return null;
    return { pin: { type: "fact", key: "birthday", value: when }, ask: `You mentioned your birthday is ${when} — remember it?` };
  },
];

/** Where one statement ends and the next begins inside a sentence: "…, my wife…", "…; …", "… and my…", "… but my…", "… and I…". */
const CLAUSE = /\s*;\s*|,\s*(?=my\b)|,?\s+(?:and|but)\s+(?=(?:my|i)\b)/i;

/** The statements of `text`: its sentences that are no question, each cut into clauses, without fillers. */
function statements(text: string): { sentence: string; clauses: string[] }[] {
  return allSentences(text)
    .filter((s) => !s.endsWith("?"))
    .map((s) => s.replace(/[.!]+$/, "").replace(FILLER, "").trim())
    .map((sentence) => ({ sentence, clauses: sentence.split(CLAUSE).map((c) => c.replace(FILLER, "").trim()).filter(Boolean) }));
}

/**
 * Y6: every memory the user's message states, at most one per slot, in the
 * order said — a slot named outright ("my home airport is EWR") wins over a
 * passing mention ("I fly out of JFK tomorrow"). Nothing for a message that
 * asks to remember (Y9 pins those); a hedged sentence is skipped whole, a
 * negated clause alone.
 */
export function noticeMemories(text: string): Noticed[] {
  if (asksToRemember(text)) return [];
  const out = new Map<string, Found>();
  for (const { sentence, clauses } of statements(text)) {
    if (HEDGE.test(sentence)) continue;
    for (const clause of clauses) {
      if (NEGATION.test(clause)) continue;
      for (const rule of RULES) {
        const found = rule(clause);
        if (!found) continue;
        const slot = `${found.pin.type}:${found.pin.key.toLowerCase()}`;
        const had = out.get(slot);
        if (!had || (found.firm && !had.firm)) out.set(slot, found);
        break;
      }
    }
  }
  return [...out.values()].map(({ pin, ask }) => ({ pin, ask }));
}
