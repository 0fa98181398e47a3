import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * One config for `npm start` (vite dev: web app, API and rooms on one URL,
 * served by workerd through the Cloudflare plugin) and `npm run build`/deploy.
 *
 * In dev the worker runs in development mode: `POST /api/v1/dev/login` exists
 * and tokens are HS256 with a local secret. Production keeps wrangler.jsonc's
 * vars and its secrets.
 */
const DEV_AUTH_SECRET = "micro-cos-local-development-secret-not-for-production";

/** Settings a developer (or a test harness) may override from the environment in dev. */
const passThrough = (...names: string[]) =>
  Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));

export default defineConfig(({ command }) => ({
  root: ".",
  plugins: [
    tanstackRouter({ target: "react", routesDirectory: "web/routes", generatedRouteTree: "web/route-tree.gen.ts", autoCodeSplitting: true }),
    react(),
    tailwindcss(),
    cloudflare({
      inspectorPort: false,
      // Offline by default: the AI binding is remote-only; `npm start` uses the offline assistant.
      remoteBindings: false,
      persistState: { path: process.env.MICROCOS_STATE_DIR || ".wrangler/state" },
      config:
        command === "serve"
          ? {
              vars: {
                ENVIRONMENT: "development",
                LLM_PROVIDER: process.env.LLM_PROVIDER || "offline",
                AUTH_SECRET: process.env.AUTH_SECRET || DEV_AUTH_SECRET,
                ...passThrough(
                  "RATE_LIMIT_WRITES_PER_MINUTE",
                  "RATE_LIMIT_FRAMES_PER_MINUTE",
                  "RATE_LIMIT_YJS_FRAMES_PER_MINUTE",
                  "RATE_LIMIT_YJS_BYTES_PER_MINUTE",
                  "RATE_LIMIT_YJS_OPS_PER_MINUTE",
                  "RATE_LIMIT_DEVICE_EDITS_PER_MINUTE",
                  "RATE_LIMIT_YJS_SYNC_STRUCTS_PER_MINUTE",
                  "DOC_MAX_BYTES",
                  "TOOL_DAILY_CAP",
                  "LOG_LEVEL",
                  "OFFLINE_TOKEN_DELAY_MS",
                  "OPENAI_BASE_URL",
                  "OPENAI_API_KEY",
                  "OPENAI_MODEL",
                  "MESSAGES_PER_MINUTE",
                  "LLM_DAILY_TOKEN_BUDGET",
                ),
              },
            }
          : {},
    }),
  ],
  server: {
    host: process.env.HOST || "127.0.0.1",
    port: Number(process.env.PORT) || 8787,
    strictPort: true,
  },
  preview: { port: Number(process.env.PORT) || 8787, strictPort: true },
  build: { outDir: "dist" },
}));
