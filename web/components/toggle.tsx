import { useId } from "react";

/** A labelled checkbox row for Settings (W51): the whole row is the 44 px target; the help reads as its description. */
export function Toggle({ checked, onChange, label, help }: { checked: boolean; onChange: (value: boolean) => void; label: string; help?: string }) {
  const id = useId();
  return (
    // W51: the label row is the 44 px target (a click on it toggles the box); the help reads as its description.
    <div className="py-1">
      <label htmlFor={id} className="flex min-h-11 cursor-pointer items-center gap-3 text-sm font-medium">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={help ? `${id}-help` : undefined}
          className="size-5 shrink-0 accent-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
        />
        {label}
      </label>
      {help && (
        <p id={`${id}-help`} className="-mt-2 pl-8 text-xs text-stone-600 dark:text-stone-400">
          {help}
        </p>
      )}
    </div>
  );
}
