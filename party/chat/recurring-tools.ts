/**
 * The assistant's tools for repeats (docs/PROTOCOL.md S22, S23). A recurring
 * reminder is set directly — a reminder is not destructive. A routine runs the
 * assistant at each occurrence, so it is only ever proposed: nothing runs
 * until the user confirms it on their own device (C8, G7), the product's
 * "nothing runs the assistant unasked".
 */
import { z } from "zod";
import { LIMITS } from "../../shared/domain.ts";
import { formatDue } from "../../shared/format.ts";
import { describeRecurrence, RruleSchema } from "../../shared/recurrence.ts";
import { defineTool } from "./registry.ts";
import { parseRepeat, reminderTitle, routinePrompt } from "./recurring-phrases.ts";
import { field } from "./wording.ts";

/** "every weekday at 8:30 AM" inside a sentence. */
const lower = (words: string) => words.charAt(0).toLowerCase() + words.slice(1);
const CHOSEN = " You didn't say a time, so I picked 9:00 AM — change it in Tasks if you like.";

export const setRecurringReminder = defineTool({
  name: "set_recurring_reminder",
  description:
    "Remind the user repeatedly (\"every weekday at 8:30 remind me to …\"). `rrule` is RFC 5545 RRULE text without the RRULE: prefix, " +
    "read as wall-clock time in the user's time zone, FREQ one of DAILY, WEEKLY, MONTHLY, YEARLY, with BYHOUR and BYMINUTE " +
    "(e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30).",
  input: z.object({ text: z.string().min(1).max(LIMITS.title), rrule: RruleSchema }),
  effect: {
    kind: "command",
    plan: (input, ctx) => ({
      summary: `Reminder “${input.text}”, ${lower(describeRecurrence(input.rrule, ctx.preferences().timezone))}`,
      command: { kind: "reminder.set", title: input.text, rrule: input.rrule },
    }),
  },
  offline: {
    // Before the one-time "remind me …" (create_task, 70), the agenda (20) and the plan (10): the repeat decides.
    rank: 5,
    parse: (text) => {
      const repeat = parseRepeat(text.trim());
      const title = repeat ? reminderTitle(repeat.rest) : null;
      return repeat && title ? { title, rrule: repeat.rrule, timeChosen: repeat.timeChosen } : null;
    },
    input: ({ title, rrule }) => ({ text: title, rrule }),
    reply: ({ title, timeChosen }, out, at) => {
      const rrule = field(out.result, "rrule");
      const next = field(out.result, "at");
      const words = typeof rrule === "string" ? describeRecurrence(rrule, at.timeZone) : "Repeating";
      return `Done — ${lower(words)} I'll remind you to “${lower(title)}”.${typeof next === "string" ? ` The first is ${formatDue(next, at.timeZone)}.` : ""}${timeChosen ? CHOSEN : ""}`;
    },
  },
});

export const proposeRoutine = defineTool({
  name: "propose_routine",
  description:
    "Propose a routine: at each occurrence of `rrule` (as in set_recurring_reminder) the assistant is asked `prompt` on the user's behalf " +
    "(\"every Monday give me my agenda\"). Needs the user's confirmation: this only proposes it.",
  input: z.object({ prompt: z.string().min(1).max(500), rrule: RruleSchema, title: z.string().min(1).max(LIMITS.title).optional() }),
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: (input, ctx) => ({
      summary: `Run “${input.prompt}” ${lower(describeRecurrence(input.rrule, ctx.preferences().timezone))}?`,
      command: { kind: "reminder.set", title: input.title ?? input.prompt, rrule: input.rrule, routine: { prompt: input.prompt } },
    }),
  },
  offline: {
    rank: 6,
    parse: (text) => {
      const repeat = parseRepeat(text.trim());
      const prompt = repeat ? routinePrompt(repeat.rest) : null;
      return repeat && prompt ? { prompt, rrule: repeat.rrule, timeChosen: repeat.timeChosen } : null;
    },
    input: ({ prompt, rrule }) => ({ prompt, rrule }),
    reply: ({ prompt, rrule, timeChosen }, _out, at) =>
      `I can do that as a routine: ${lower(describeRecurrence(rrule, at.timeZone))} I'll answer “${prompt}” for you. ` +
      `Confirm it on your device to start it — nothing runs until you do.${timeChosen ? CHOSEN.replace("change it in Tasks if you like", "you can change it after") : ""}`,
  },
});
