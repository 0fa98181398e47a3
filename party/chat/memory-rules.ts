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

/** Y9: the user asked for it to be kept — the assistant's `pin_memory` pins it without asking again. */
export function asksToRemember(text: string): boolean {
  return /\b(?:remember|don'?t forget|do not forget|keep in mind|make a note|note (?:that|down))\b/i.test(text);
}

const FILLER = /^(?:(?:oh|and|also|so|well|btw|by the way|fyi|for the record|just so you know|ok|okay)[\s,:;-]+)+/i;
const NEGATION = /\b(?:not|never|no longer|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|won'?t|anymore)\b/i;
const HEDGE = /\b(?:if|maybe|might|would|should|could|wish|suppose|what if|used to)\b/i;
const RELATIONS = "wife|husband|partner|son|daughter|girlfriend|boyfriend|fiancée?|mom|mum|mother|dad|father|sister|brother|dog|cat";

/** A value as said, without a trailing clause ("Berlin, which…") or time words ("on Friday"). */
function tidy(value: string): string {
  return value
    .replace(/\s*(?:,|;|\bwhich\b|\bwho\b|\bbut\b|\band\b\s+(?:i|we|my)\b).*$/i, "")
    .replace(/\s+(?:on|this|next|every|tomorrow|today|tonight|in)\b.*$/i, "")
    .replace(/[.!]+$/, "")
    .trim()
    .slice(0, LIMITS.memoryValue);
}

/** How a thing is liked ("black", "medium rare", "short"): the first word of a preference's value must be one of these. */
const HOW =
  /^(?:black|white|strong|weak|short|long|hot|cold|iced|warm|spicy|mild|sweet|plain|rare|medium|well|scrambled|fried|boiled|poached|early|late|quiet|loud|dark|light|bright|simple|brief|small|large|big|extra|no|with|without|decaf|oat|soy|dry|crispy|soft)\b/i;

const capitalised = (s: string) => /^\p{Lu}/u.test(s);

type Rule = (sentence: string) => Noticed | null;

const RULES: Rule[] = [
  (s) => {
    const m = /^(?:i(?:'m| am)?\s+(?:usually\s+|always\s+|normally\s+)?fly(?:ing)?\s+(?:out\s+of|from)|my\s+(?:home|local|usual)\s+airport\s+is)\s+(.+)$/i.exec(s);
    const said = m ? tidy(m[1]!) : "";
    const code = said ? airportOf(said) : null;
    if (!code || (said.length === 3 && said !== said.toUpperCase())) return null;
    return { pin: { ...HOME_AIRPORT, value: code }, ask: `You mentioned you fly out of ${code} — remember it as your home airport?` };
  },
  (s) => {
    const m = /^(?:i\s+live\s+in|i(?:'m| am)\s+based\s+in|my\s+home\s+is\s+in)\s+(.+)$/i.exec(s);
    const place = m ? tidy(m[1]!) : "";
    if (!place || !capitalised(place)) return null;
    return { pin: { type: "place", key: "home", value: place }, ask: `You mentioned you live in ${place} — remember it?` };
  },
  (s) => {
    const m = /^i(?:'m| am)\s+(?:severely\s+|very\s+|badly\s+)?allergic\s+to\s+(.+)$/i.exec(s);
    const what = m ? tidy(m[1]!).toLowerCase() : "";
    if (!what) return null;
    return { pin: { type: "fact", key: `allergy: ${what}`.slice(0, LIMITS.memoryKey), value: `allergic to ${what}` }, ask: `You mentioned you're allergic to ${what} — remember it?` };
  },
  (s) => {
    const m = new RegExp(`^my\\s+(${RELATIONS})(?:'s\\s+name\\s+is|\\s+is\\s+(?:called|named))\\s+(.+)$`, "i").exec(s);
    const name = m ? tidy(m[2]!) : "";
    if (!m || !name || !capitalised(name) || name.split(/\s+/).length > 4) return null;
    const who = m[1]!.toLowerCase();
    return { pin: { type: "person", key: who, value: name }, ask: `You mentioned your ${who} is called ${name} — remember it?` };
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
    // "I prefer to …" names no thing to key it by; "I prefer it / that" names nothing at all.
    if (!said || /^(?:to|it|that|this|them|those|these|one|both|either|neither)\b/i.test(said)) return null;
    // The thing preferred names the slot: "aisle seats over window seats" → seats.
    const first = said.split(/\s+(?:over|to|rather than|instead of)\s+/i)[0]!;
    const key = first.toLowerCase().split(/\s+/).at(-1)!.replace(/[^\p{L}\p{N}-]/gu, "");
    if (!key) return null;
    return { pin: { type: "preference", key, value: said }, ask: `You mentioned you prefer ${said} — remember it?` };
  },
  (s) => {
    const m = /^my\s+birthday(?:\s+is|'s)\s+(?:on\s+)?(.+)$/i.exec(s);
    const when = m ? m[1]!.replace(/[.!]+$/, "").trim() : "";
    if (!when || !/\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/i.test(when)) return null;
    return { pin: { type: "fact", key: "birthday", value: when.slice(0, 60) }, ask: `You mentioned your birthday is ${when.slice(0, 60)} — remember it?` };
  },
];

/** The statements of `text`, one sentence each, without fillers; a question ends its sentence and is dropped. */
function sentences(text: string): string[] {
  return (text.slice(0, 2_000).match(/[^.!?\n]+[.!?]?/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => s && !s.endsWith("?"))
    .map((s) => s.replace(FILLER, "").trim());
}

/**
 * Y6: every memory the user's message states, at most one per slot, in the
 * order said. Nothing for a message that asks to remember (Y9 pins those) or
 * asks anything.
 */
export function noticeMemories(text: string): Noticed[] {
  if (asksToRemember(text)) return [];
  const out = new Map<string, Noticed>();
  for (const s of sentences(text)) {
    if (NEGATION.test(s) || HEDGE.test(s)) continue;
    for (const rule of RULES) {
      const noticed = rule(s);
      if (!noticed) continue;
      const slot = `${noticed.pin.type}:${noticed.pin.key.toLowerCase()}`;
      if (!out.has(slot)) out.set(slot, noticed);
      break;
    }
  }
  return [...out.values()];
}
