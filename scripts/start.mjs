// `npm start`: the whole app on one local URL (web UI, API, rooms), data kept
// in .wrangler/state across restarts. Honours PORT (default 8787) and HOST.
import { createServer } from "vite";

const server = await createServer({ configFile: "vite.config.ts" });
await server.listen();
server.printUrls();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
console.log(`\n  Micro CoS is running at ${url}  (Ctrl+C to stop)\n`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
