import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Tests split by runtime (STYLE.md 6):
 * - unit: plain Node — schemas, reducers, the ledger on node:sqlite.
 * - worker: inside workerd via @cloudflare/vitest-plugin — the real Brain, storage, eviction.
 * - integration: a real dev server (`npm start`) and real partysocket / y-partyserver clients.
 * - security: the standing attack suite (docs/PROTOCOL.md X): the room core in Node at volume, and a real
 *   dev server for what only a process can show (kill -9, rooms on disk). Its workerd half is
 *   tests/worker/security-*.test.ts, in the worker project.
 */
export default defineConfig({
  test: {
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    projects: [
      {
        // Timeouts only catch a hung test: results never depend on time, and a loaded CI machine is slow.
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.jsonc" },
            // Production's worker, with the Brain binding served by a subclass that adds test hooks (a fixed clock, an injected fault).
            main: "./tests/worker/test-worker.ts",
            // Offline: the AI binding would need a Cloudflare account. Tests use the offline assistant and fakes.
            remoteBindings: false,
            miniflare: {
              bindings: {
                ENVIRONMENT: "development",
                AUTH_SECRET: "worker-tests-secret-0123456789abcdef",
                RATE_LIMIT_WRITES_PER_MINUTE: "40",
                RATE_LIMIT_FRAMES_PER_MINUTE: "200",
                // Every test logs in; the dev login's own limit (W4) is tested against `npm start`.
                DEV_LOGINS_PER_MINUTE: "100000",
                LLM_PROVIDER: "offline",
                // Server voice off by default here too; voice tests give their room a fake provider (tests/worker/test-worker.ts).
                STT_PROVIDER: "none",
                TTS_PROVIDER: "none",
                OFFLINE_TOKEN_DELAY_MS: "1",
                LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
                // Seeded tests inside workerd read TEST_SEED from here (tests/support/random.ts).
                ...(process.env.TEST_SEED ? { TEST_SEED: process.env.TEST_SEED } : {}),
              },
            },
          }),
        ],
        // voice-global-setup.ts: espeak-ng's WAV for the voice tests, made in Node (workerd starts no process).
        test: { name: "worker", include: ["tests/worker/**/*.test.ts"], testTimeout: 20_000, globalSetup: ["./tests/worker/voice-global-setup.ts"] },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "security",
          include: ["tests/security/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Dev servers and CPU-heavy fuzzing: one file at a time on a 2-CPU machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
