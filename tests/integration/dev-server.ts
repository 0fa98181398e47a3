/**
 * Starts the real local server (`node scripts/start.mjs`, what `npm start` runs:
 * the production build served by `vite preview`, docs/PROTOCOL.md W3) on a free
 * port with its own state directory (and so its own local secret), so tests can
 * restart it and check what survived. Servers started together share one build:
 * start.mjs builds at most once, under a lock.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { whenTrue } from "../support/wait.ts";

export type DevServer = {
  url: string;
  host: string;
  stateDir: string;
  output(): string;
  /** Waits until the server's output so far satisfies `check`, re-checked as it writes (tests/support/wait.ts). */
  untilOutput(check: (output: string) => boolean, what: string): Promise<void>;
  /** Graceful: SIGTERM, as Ctrl+C would. */
  stop(): Promise<void>;
  /** A crash: SIGKILL to the whole process group — Node, Vite and the workerd child — at once, nothing flushed. */
  kill(): Promise<void>;
};

export const newStateDir = () => mkdtempSync(join(tmpdir(), "micro-cos-state-"));

/** A port free on loopback now (also for tests/e2e/vite-dev.ts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startDevServer(stateDir = newStateDir(), extraEnv: Record<string, string> = {}): Promise<DevServer> {
  const port = await freePort();
  // wrangler types narrows process.env to the production vars' literal types; this env is a plain map.
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), MICROCOS_STATE_DIR: stateDir, LOG_LEVEL: "warn", ...extraEnv };
  // Its own process group, so that kill() takes workerd down with it, as a machine crash would.
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  let output = "";
  const onOutput = new Set<() => void>();
  const append = (d: Buffer) => {
    output += d.toString();
    for (const recheck of [...onOutput]) recheck();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev server exited (${child.exitCode}):\n${output}`);
    if (output.includes("Micro CoS is running at")) {
      try {
        const res = await fetch(`http://${host}/api/v1/state`);
        if (res.status === 401) break;
      } catch {
        // not accepting yet
      }
    }
    if (Date.now() > deadline) {
      killGroup();
      throw new Error(`dev server did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://${host}`,
    host,
    stateDir,
    output: () => output,
    untilOutput: (check, what) =>
      whenTrue(
        () => check(output),
        (recheck) => {
          onOutput.add(recheck);
          return () => void onOutput.delete(recheck);
        },
        () => what,
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(killGroup, 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
    kill: async () => {
      killGroup();
      await exited;
    },
  };
}
