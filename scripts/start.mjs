// `npm start`: the production build of the whole app on one local URL (web UI, API,
// rooms), data kept in .wrangler/state across restarts. Honours PORT (default 8787),
// HOST and MICROCOS_STATE_DIR. Only built assets are served (docs/PROTOCOL.md W3):
// the worker runs in workerd through `vite preview`, with development settings
// (scripts/local-env.ts) written beside the built worker, never into the assets.
// `npm run dev` is the Vite dev server, for hot reload.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBuilder, preview } from "vite";
import { freshBuild, withLock } from "./build-stamp.ts";
import { developmentVars, toDevVars } from "./local-env.ts";

const CONFIG = "vite.config.ts";
// The production build whatever the caller's NODE_ENV (vitest sets "test"): Vite takes a set
// NODE_ENV over its build mode, and would otherwise build development React and
// `import.meta.env.PROD === false` — no service worker (docs/PROTOCOL.md W40).
process.env.NODE_ENV = "production";
/** Where the Cloudflare plugin puts the worker (`dist/<worker name>`), with its wrangler.json. */
const WORKER_OUT = join("dist", "micro_cos");

// One start at a time builds and reads the worker's .dev.vars: two servers starting together
// (tests do) must neither build over each other nor read each other's settings.
const server = await withLock(async () => {
  const started = Date.now();
  const built = await freshBuild(async () => {
    const builder = await createBuilder({ configFile: CONFIG, logLevel: "warn" });
    await builder.buildApp();
  });
  console.log(built ? `  built in ${((Date.now() - started) / 1000).toFixed(1)} s` : "  build is up to date");
  writeFileSync(join(WORKER_OUT, ".dev.vars"), toDevVars(developmentVars()), { mode: 0o600 });
  return preview({ configFile: CONFIG });
});

server.printUrls();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.preview.port}/`;
console.log(`\n  Micro CoS is running at ${url}  (Ctrl+C to stop)\n`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
