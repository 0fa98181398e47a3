/**
 * `npm run dev` — the Vite dev server with hot reload — on a free port with its own
 * state directory, for a test or the load bench to compare with `npm start`
 * (tests/integration/dev-server.ts). Stopped with its whole process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { newStateDir } from "../integration/dev-server.ts";

export type ViteDevServer = { url: string; stop(): Promise<void> };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });

export async function startViteDevServer(extraEnv: Record<string, string> = {}): Promise<ViteDevServer> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), MICROCOS_STATE_DIR: newStateDir(), LOG_LEVEL: "warn", ...extraEnv };
  const child: ChildProcess = spawn(process.execPath, [join("node_modules", "vite", "bin", "vite.js")], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
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
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite dev server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/api/v1/state`)).status === 401) break;
    } catch {
      // not accepting yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`vite dev server did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}
