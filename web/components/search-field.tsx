/**
 * A search box with its magnifier (W24 notes, W20 tasks): one look and one cap
 * (200 characters) for every list that filters as the user types. `className`
 * sets the input's height, shape and width where the views differ; with
 * `clearOnEscape`, Escape empties it and leaves the field.
 */
import { Search } from "lucide-react";
import type { Ref } from "react";

type Props = {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  clearOnEscape?: boolean;
  ref?: Ref<HTMLInputElement>;
  /** The wrapper's place in its row. */
  wrapperClassName?: string;
  /** The input's own size and shape. */
  className?: string;
};

export function SearchField({ label, placeholder, value, onChange, clearOnEscape = false, ref, wrapperClassName = "", className = "" }: Props) {
  return (
    <div className={`relative ${wrapperClassName}`}>
      <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-stone-500" aria-hidden />
      <input
        ref={ref}
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        maxLength={200}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (clearOnEscape && e.key === "Escape") {
            onChange("");
            e.currentTarget.blur();
          }
        }}
        className={`w-full border border-stone-300 bg-white pr-3 pl-8 text-sm outline-none placeholder:text-stone-500 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-700 dark:bg-stone-900 dark:placeholder:text-stone-400 ${className}`}
      />
    </div>
  );
}
