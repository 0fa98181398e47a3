/** The look of the small round buttons under a message (44 px touch target at phone width, W15). */
export const ICON_BUTTON =
  "inline-flex size-11 items-center justify-center rounded-lg text-stone-500 hover:bg-stone-200/70 hover:text-stone-800 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none disabled:opacity-40 md:size-8 dark:text-stone-400 dark:hover:bg-stone-800 dark:hover:text-stone-100";

