import { CalendarCheck, ListTodo, Phone } from "lucide-react";
import { useBrain } from "../../hooks/use-brain.ts";

/** What a new user can ask first; a click sends it at once (W17). */
export const SUGGESTIONS = [
  { text: "Remind me to call John tomorrow at 3pm", icon: Phone },
  { text: "Plan my day", icon: CalendarCheck },
  { text: "What's on my list?", icon: ListTodo },
] as const;

export function Suggestions() {
  const brain = useBrain();
  return (
    <div className="flex flex-col items-center px-4 pt-[12vh] pb-6 text-center">
      <p className="text-2xl font-semibold tracking-tight text-stone-900 dark:text-stone-100">What can I take off your plate?</p>
      <p className="mt-2 text-sm text-stone-600 dark:text-stone-400">Tasks, reminders, notes and your day — just ask.</p>
      <ul aria-label="Suggestions" className="mt-8 grid w-full max-w-xl gap-2 sm:grid-cols-3">
        {SUGGESTIONS.map(({ text, icon: Icon }) => (
          <li key={text}>
            <button
              onClick={() => brain.send(text)}
              className="flex h-full min-h-11 w-full items-start gap-2 rounded-2xl border border-stone-200 bg-white px-4 py-3 text-left text-sm text-stone-800 shadow-sm hover:border-stone-300 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-700 dark:bg-stone-900 dark:text-stone-200 dark:hover:bg-stone-800"
            >
              <Icon className="mt-0.5 size-4 shrink-0 text-indigo-600 dark:text-indigo-400" aria-hidden />
              {text}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
