/**
 * The worker's settings for a local run (`npm start`, `npm run dev`): development
 * mode (the dev login, A5), the offline assistant, and an HS256 secret made for
 * this machine. Production keeps wrangler.jsonc's vars and its real secrets.
 *
 * The secret is generated on first use into the state directory, never written
 * into a source file: a served or committed file cannot leak it (W3), and a fresh
 * state directory gets a fresh secret, so tokens never outlive the data they open.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";
import { VOICE_KEYS } from "../party/voice/config.ts";

/** Where local data lives (`.wrangler/state` unless MICROCOS_STATE_DIR moves it). */
export const stateDir = (env: NodeJS.ProcessEnv = process.env) => env.MICROCOS_STATE_DIR || ".wrangler/state";

/** The file that holds this state directory's HS256 secret (untracked: `.wrangler/` is gitignored). */
export const secretPath = (env: NodeJS.ProcessEnv = process.env) => join(stateDir(env), "local-auth-secret");

/** Reads the local secret, creating it once; two servers starting together agree on one. */
export function localAuthSecret(env: NodeJS.ProcessEnv = process.env): string {
  const path = secretPath(env);
  mkdirSync(stateDir(env), { recursive: true });
  try {
    // `wx`: only the first writer creates it; a second one reads what the first wrote.
    writeFileSync(path, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const secret = readFileSync(path, "utf8").trim();
  if (secret.length < 32) throw new Error(`${path} holds a secret shorter than 32 characters; delete the file to make a new one.`);
  return secret;
}

/** The file that holds this state directory's VAPID key pair for Web Push (docs/PROTOCOL.md N1). */
export const vapidPath = (env: NodeJS.ProcessEnv = process.env) => join(stateDir(env), "local-vapid-keys.json");

/**
 * Reads the local VAPID pair, creating it once (as the auth secret): browsers tie
 * a subscription to the key it was made with, so the pair must outlive restarts.
 */
export function localVapidKeys(env: NodeJS.ProcessEnv = process.env): { publicKey: string; privateKey: string } {
  const path = vapidPath(env);
  mkdirSync(stateDir(env), { recursive: true });
  // web-push pads a private scalar with leading zero bytes to 32 bytes (node:crypto's may come out shorter).
  const fresh = webpush.generateVAPIDKeys();
  try {
    writeFileSync(path, JSON.stringify(fresh), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const stored: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (
    typeof stored !== "object" || stored === null ||
    !("publicKey" in stored) || typeof stored.publicKey !== "string" ||
    !("privateKey" in stored) || typeof stored.privateKey !== "string"
  ) {
    throw new Error(`${path} does not hold a VAPID key pair; delete the file to make a new one.`);
  }
  return { publicKey: stored.publicKey, privateKey: stored.privateKey };
}

/** Settings a developer (or a test harness) may override from the environment of a local run. */
const PASS_THROUGH = [
  "TICKET_SECRET",
  "AUTH_MAX_TOKEN_AGE_S",
  "RATE_LIMIT_WRITES_PER_MINUTE",
  "RATE_LIMIT_FRAMES_PER_MINUTE",
  "RATE_LIMIT_YJS_FRAMES_PER_MINUTE",
  "RATE_LIMIT_YJS_BYTES_PER_MINUTE",
  "RATE_LIMIT_YJS_OPS_PER_MINUTE",
  "RATE_LIMIT_DEVICE_EDITS_PER_MINUTE",
  "RATE_LIMIT_YJS_SYNC_STRUCTS_PER_MINUTE",
  "DOC_MAX_BYTES",
  "DEV_LOGINS_PER_MINUTE",
  "TOOL_DAILY_CAP",
  "LOG_LEVEL",
  "OFFLINE_TOKEN_DELAY_MS",
  "OPENAI_BASE_URL",
  "OPENAI_API_KEY",
  "OPENAI_MODEL",
  "MESSAGES_PER_MINUTE",
  "LLM_DAILY_TOKEN_BUDGET",
  "LLM_MAX_OUTPUT_TOKENS",
  // V6–V9, V19: server voice is off unless these name a provider (plain `npm start` has none); the one list is config's.
  ...VOICE_KEYS,
] as const;

/** The worker vars of a local run. */
export function developmentVars(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const vars: Record<string, string> = {
    ENVIRONMENT: "development",
    LLM_PROVIDER: env.LLM_PROVIDER || "offline",
    // V6: production's wrangler.jsonc says workers-ai; locally server voice is off unless asked for.
    STT_PROVIDER: env.STT_PROVIDER || "none",
    TTS_PROVIDER: env.TTS_PROVIDER || "none",
    AUTH_SECRET: env.AUTH_SECRET || localAuthSecret(env),
    ...(env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
      ? { VAPID_PUBLIC_KEY: env.VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: env.VAPID_PRIVATE_KEY }
      : (({ publicKey, privateKey }) => ({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey }))(localVapidKeys(env))),
    VAPID_SUBJECT: env.VAPID_SUBJECT || "mailto:dev@localhost.localdomain",
  };
  for (const name of PASS_THROUGH) {
    const value = env[name];
    if (value) vars[name] = value;
  }
  return vars;
}

/** A value quoted so wrangler's .dev.vars parser reads it back unchanged. */
function quote(name: string, value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\\n\r]/.test(value)) return `"${value}"`;
  throw new Error(`${name} contains both ' and " (or a backslash or newline); it cannot be written to .dev.vars.`);
}

/** `vars` in the .dev.vars format. */
export const toDevVars = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([name, value]) => `${name}=${quote(name, value)}\n`)
    .join("");
