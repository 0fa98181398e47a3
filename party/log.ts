/**
 * Structured JSON log lines (docs/PROTOCOL.md O1). Fields are chosen by the
 * caller from a closed set so tokens and message text cannot slip in.
 */
export type LogFields = {
  requestId?: string;
  userId?: string;
  event: string;
  durationMs?: number;
  method?: string;
  path?: string;
  status?: number;
  code?: string;
  seq?: number;
  connectionId?: string;
  frameType?: string;
  detail?: string;
};

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 50 } as const;
export type Level = Exclude<keyof typeof LEVELS, "silent">;
let threshold: number = LEVELS.info;

/** Sets the lowest level written, from the LOG_LEVEL var (debug, info, warn, error, silent). */
export function configureLog(level: string | undefined): void {
  threshold = level && level in LEVELS ? LEVELS[level as keyof typeof LEVELS] : LEVELS.info;
}

export function log(level: Level, fields: LogFields): void {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ level, ts: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** A short description of a thrown value for logs, without its stack. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
