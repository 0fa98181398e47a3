/**
 * The page's policy forbids eval (docs/PROTOCOL.md W1). zod compiles fast object
 * parsers with `new Function` when it may, and probes for that by trying it — a
 * probe the browser reports as a policy violation. Turned off before any schema
 * is built. An import at the top of main.tsx alone is not enough — the bundler
 * runs the chunks main imports, schemas included, before main's own code — so
 * vite.config.ts puts this module in zod's own chunk, right after zod.
 */
import { z } from "zod";

z.config({ jitless: true });
