/**
 * The offline assistant's breakdown of a goal (docs/PROTOCOL.md B34): plain
 * rules, no network. A race becomes weekly long runs building up towards the
 * distance, a taper week and the race-day kit; any other goal becomes a
 * generic plan — outline, one work session a week, a halfway review, a wrap-up.
 * Every date is a local date of the user's zone; the result passes the same
 * schema a model's answer must (breakdown.ts).
 */
import { type Breakdown, BreakdownSchema, type BreakdownTask } from "./breakdown.ts";

/** The most weeks a plan spans: a race a year away still gets a 16-week build-up. */
export const MAX_PLAN_WEEKS = 16;
/** Weeks a goal without a target date is planned over. */
export const DEFAULT_WEEKS = { race: 12, generic: 4 } as const;
/** Minutes a kilometre of a long run is given (an easy pace), rounded up to a quarter hour. */
const MINUTES_PER_KM = 7;

export type RuleInput = { goal: string; targetDate: string | null; today: string };

/** A race's distance in km from the goal's words, or null when the goal is not a race. */
export function raceDistance(goal: string): number | null {
  const text = goal.toLowerCase();
  if (/\bhalf[- ]?marathon\b/.test(text)) return 21.1;
  if (/\bmarathon\b/.test(text)) return 42.2;
  const km = /\b(\d{1,3}(?:\.\d)?)\s?(?:k|km)\b/.exec(text);
  if (km) return Number(km[1]);
  if (/\b(race|fun run|triathlon|parkrun)\b/.test(text)) return 10;
  return null;
}

/** `date` moved by `days` (calendar arithmetic on a local date; no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const quarterHours = (minutes: number) => Math.min(240, Math.ceil(minutes / 15) * 15);
const km = (n: number) => (Number.isInteger(n) ? `${n}` : n.toFixed(1));

export function ruleBreakdown(input: RuleInput): Breakdown {
  const distance = raceDistance(input.goal);
  // A target in the past is read as today: plan what still fits.
  const target = maxDate(input.today, input.targetDate ?? addDays(input.today, 7 * (distance === null ? DEFAULT_WEEKS.generic : DEFAULT_WEEKS.race)));
  const days = Math.max(0, daysBetween(input.today, target));
  const plan = distance === null ? generic(input.goal, input.today, target, days) : race(input.goal, distance, input.today, target, days);
  // The rules are held to the model's schema: a rule that drifts from it fails here, in tests, not on a device.
  return BreakdownSchema.parse(plan);
}

function race(goal: string, distance: number, today: string, race: string, days: number): Breakdown {
  const weeks = Math.min(MAX_PLAN_WEEKS, Math.floor(days / 7));
  const buildWeeks = Math.max(0, weeks - 1);
  const start = Math.max(5, Math.round(distance * 0.4));
  const peak = Math.max(start, Math.round(distance * (distance > 30 ? 0.75 : 0.9)));
  const tasks: BreakdownTask[] = [];
  const peakWeek = Math.max(1, buildWeeks);
  for (let k = 1; k <= buildWeeks; k++) {
    const distanceK = buildWeeks === 1 ? peak : Math.round(start + ((peak - start) * (k - 1)) / (buildWeeks - 1));
    // Week k of the build-up ends a whole week per remaining week before race day; it never starts before today.
    const weekEnd = addDays(race, -7 * (weeks - k) - 1);
    const weekStart = maxDate(today, addDays(weekEnd, -6));
    tasks.push({
      id: `run-${k}`,
      title: `Long run ${km(distanceK)} km (week ${k} of ${weeks})`,
      minutes: quarterHours(distanceK * MINUTES_PER_KM),
      milestone: k === peakWeek ? "peak" : k <= Math.ceil(buildWeeks / 3) ? "base" : "peak",
      ...(k > 1 ? { after: [`run-${k - 1}`] } : {}),
      notBefore: weekStart,
      due: weekEnd,
    });
  }
  if (weeks >= 1) {
    const taper = Math.max(3, Math.round(distance * 0.4));
    tasks.push({
      id: "taper",
      title: `Taper run ${km(taper)} km`,
      minutes: quarterHours(taper * MINUTES_PER_KM),
      milestone: "race",
      ...(buildWeeks > 0 ? { after: [`run-${buildWeeks}`] } : {}),
      notBefore: maxDate(today, addDays(race, -7)),
      due: addDays(race, -3),
    });
  }
  tasks.push({
    id: "kit",
    title: "Lay out race-day kit: shoes, bib, gels, watch",
    minutes: 30,
    milestone: "race",
    notBefore: maxDate(today, addDays(race, -3)),
    due: maxDate(today, addDays(race, -1)),
  });
  const milestones: Breakdown["milestones"] = [];
  if (buildWeeks > 0) {
    milestones.push({ id: "base", title: "Base built: long runs feel easy", due: tasks[Math.max(0, Math.ceil(buildWeeks / 3) - 1)]!.due! });
    milestones.push({ id: "peak", title: `Peak long run ${km(peak)} km done`, due: tasks[buildWeeks - 1]!.due! });
  }
  milestones.push({ id: "race", title: `Race day: ${goal}`.slice(0, 200), due: race });
  for (const task of tasks) if (task.milestone && !milestones.some((m) => m.id === task.milestone)) task.milestone = "race";
  const rationale =
    buildWeeks > 0
      ? `${weeks} weeks to race day: one long run a week from ${km(start)} km up to ${km(peak)} km, a lighter taper week, and the kit ready the day before.`
      : `Race day is under two weeks away: too late to build up, so a light taper run and the kit ready the day before.`;
  return { milestones, tasks, rationale };
}

function generic(goal: string, today: string, target: string, days: number): Breakdown {
  const weeks = Math.max(1, Math.min(8, Math.floor(days / 7)));
  const name = goal.slice(0, 120);
  const weekEnd = (k: number) => minDate(target, addDays(today, 7 * k - 1));
  const tasks: BreakdownTask[] = [{ id: "outline", title: `Outline the steps for ${name}`, minutes: 45, milestone: "start", notBefore: today, due: weekEnd(1) }];
  for (let k = 1; k <= weeks; k++) {
    tasks.push({
      id: `work-${k}`,
      title: `Work session ${k} of ${weeks}: ${name}`,
      minutes: 60,
      milestone: k <= Math.ceil(weeks / 2) ? "half" : "done",
      after: [k === 1 ? "outline" : `work-${k - 1}`],
      notBefore: maxDate(today, addDays(weekEnd(k), -6)),
      due: weekEnd(k),
    });
  }
  const half = Math.ceil(weeks / 2);
  tasks.push({ id: "review", title: `Halfway review of ${name}`, minutes: 30, milestone: "half", after: [`work-${half}`], notBefore: today, due: weekEnd(half) });
  tasks.push({ id: "wrap", title: `Wrap up ${name}`, minutes: 45, milestone: "done", after: [`work-${weeks}`], notBefore: today, due: target });
  return {
    milestones: [
      { id: "start", title: "Plan set out", due: weekEnd(1) },
      { id: "half", title: "Halfway there", due: weekEnd(half) },
      { id: "done", title: `Done: ${name}`, due: target },
    ],
    tasks,
    rationale: `${weeks} week${weeks === 1 ? "" : "s"} to the target: an outline first, one focused hour each week, a review halfway, then a wrap-up.`,
  };
}

const maxDate = (a: string, b: string) => (a > b ? a : b);
const minDate = (a: string, b: string) => (a < b ? a : b);
