import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type PluginOption } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { developmentVars, stateDir } from "./scripts/local-env.ts";

/**
 * One config for `npm run dev` (the Vite dev server with hot reload: web app, API
 * and rooms on one URL, served by workerd through the Cloudflare plugin), `npm run
 * build`/deploy, and `npm start` (scripts/start.mjs: this build, served by `vite
 * preview` with the worker in workerd — only built assets, W3).
 *
 * Locally the worker runs in development mode (scripts/local-env.ts): `POST
 * /api/v1/dev/login` exists and tokens are HS256 with a secret generated into the
 * state directory, never into this file. Production keeps wrangler.jsonc's vars and
 * its secrets; `vite build` always builds production's config.
 */
const host = process.env.HOST || "127.0.0.1";

/**
 * The app's service worker (docs/PROTOCOL.md W40, W60–W64): `web/sw.ts`, compiled by
 * vite-plugin-pwa's `injectManifest` (its own small Vite build, after the client's, with no
 * plugins of this config) into dist/client/sw.js, with the list of the built app's files
 * injected at `self.__WB_MANIFEST`. It precaches the built web app so it opens and reloads
 * with no network, never answers `/api/*` (user data lives in the room and, per user, in
 * IndexedDB), and shows pushed notifications. web/lib/sw-register.ts registers it in the
 * production build only (`injectRegister: false`: no inline script, W1). The manifest is a
 * static file (public/manifest.webmanifest), so `npm run dev` serves it too.
 *
 * vite-plugin-pwa predates Vite's environments: its hooks would also run for the worker's
 * build, so they are limited to the client environment (the worker bundle gets no service
 * worker), and its output goes where the Cloudflare plugin puts the client (dist/client).
 */
const offlineShell = (): PluginOption =>
  VitePWA({
    strategies: "injectManifest",
    srcDir: "web",
    filename: "sw.ts",
    injectRegister: false,
    registerType: "prompt",
    manifest: false,
    outDir: "dist/client",
    injectManifest: {
      globPatterns: ["**/*.{js,css,html,png,svg,ico,webmanifest}"],
      // The worker itself is not precached (the browser keeps it); `_headers` is not served.
      globIgnores: ["sw.js", "_headers"],
    },
  }).map((plugin) => ({ ...plugin, applyToEnvironment: (environment: { name: string }) => environment.name === "client" }));
const port = Number(process.env.PORT) || 8787;

export default defineConfig(({ command, isPreview }) => ({
  root: ".",
  plugins: [
    tanstackRouter({ target: "react", routesDirectory: "web/routes", generatedRouteTree: "web/route-tree.gen.ts", autoCodeSplitting: true }),
    react(),
    tailwindcss(),
    offlineShell(),
    cloudflare({
      inspectorPort: false,
      // Offline by default: the AI binding is remote-only; `npm start` uses the offline assistant.
      remoteBindings: false,
      persistState: { path: stateDir() },
      // The dev server takes development vars here; `vite preview` ignores this option and reads
      // the build's wrangler.json plus the .dev.vars that scripts/start.mjs writes beside it.
      config: command === "serve" && !isPreview ? { vars: developmentVars() } : {},
    }),
  ],
  server: {
    host,
    port,
    strictPort: true,
    // The dev server serves the source tree (that is how hot reload works); at least keep the
    // local state and secrets out of it. `npm start` serves only the build (W3).
    fs: { deny: [".env", ".env.*", ".dev.vars*", "**/.wrangler/**", "**/.git/**", "*.{crt,pem,key}"] },
  },
  preview: { host, port, strictPort: true },
  build: { outDir: "dist" },
  environments: {
    client: {
      build: {
        rolldownOptions: {
          // zod and the module that configures it share one chunk, zod first: every chunk that
          // builds a schema imports this one, so the setting is in place before any schema is
          // built (web/lib/no-eval.ts; the page's policy forbids eval, W1).
          output: { codeSplitting: { groups: [{ name: "zod", test: /node_modules[\\/]zod[\\/]|web[\\/]lib[\\/]no-eval\.ts/ }] } },
        },
      },
    },
  },
}));
