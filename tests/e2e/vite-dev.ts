/**
 * `npm run dev` — the Vite dev server with hot reload — on a free port with its own
 * state directory, for a test or the load bench to compare with `npm start`
 * (tests/integration/dev-server.ts). Stopped with its whole process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { freePort, newStateDir } from "../integration/dev-server.ts";
import { whenTrue } from "../support/wait.ts";

export type ViteDevServer = { url: string; stop(): Promise<void> };

export async function startViteDevServer(extraEnv: Record<string, string> = {}): Promise<ViteDevServer> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), MICROCOS_STATE_DIR: newStateDir(), LOG_LEVEL: "warn", ...extraEnv };
  const child: ChildProcess = spawn(process.execPath, [join("node_modules", "vite", "bin", "vite.js")], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const onOutput = new Set<() => void>();
  const append = (d: Buffer) => {
    output += d.toString();
    for (const recheck of [...onOutput]) recheck();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  // Ready when Vite prints its local URL (waited on as the output arrives, not polled), or failed when it exits first.
  // Read without colour codes: Vite colours its output whenever CI is set, splitting "Local:" and the port.
  const ready = whenTrue(
    () => stripVTControlCharacters(output).includes(`${url}/`),
    (recheck) => {
      onOutput.add(recheck);
      return () => void onOutput.delete(recheck);
    },
    () => `vite dev server's "Local:" line; output so far:\n${output}`,
  );
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`vite dev server exited (${child.exitCode}):\n${output}`)))]);
  const answer = await fetch(`${url}/api/v1/state`).catch((error: unknown) => error);
  if (!(answer instanceof Response) || answer.status !== 401) {
    await stop();
    throw new Error(`vite dev server printed its URL but /api/v1/state did not answer 401 (${answer instanceof Response ? answer.status : String(answer)}):\n${output}`);
  }
  return { url, stop };
}
