/**
 * Starts a bench worker under `wrangler dev` and finds its workerd runtime process, so
 * a benchmark can read what the runtime itself uses: resident memory
 * (/proc/<pid>/status VmRSS) and CPU time (/proc/<pid>/stat utime + stime).
 * Linux only. Each call starts a fresh process, so one measurement's garbage
 * never lands in another's.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Workerd = {
  host: string;
  /** Resident memory of the workerd process, in bytes. */
  rss(): number;
  /** CPU seconds the workerd runtime has used (user + system). */
  cpu(): number;
  /** CPU seconds of wrangler's proxy workerd, which relays every frame locally and does not exist in production. */
  proxyCpu(): number;
  stop(): void;
};

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** The workerd processes under `pid`, with their command lines. */
function descendants(pid: number): { pid: number; args: string }[] {
  const out = execFileSync("ps", ["-e", "-o", "pid=,ppid=,args="]).toString();
  const rows = out.trim().split("\n").map((l) => {
    const [child, parent, ...args] = l.trim().split(/\s+/);
    return { pid: Number(child), ppid: Number(parent), args: args.join(" ") };
  });
  const found: { pid: number; args: string }[] = [];
  const walk = (p: number) => {
    for (const row of rows) {
      if (row.ppid !== p) continue;
      if (/\/workerd\s/.test(row.args)) found.push(row);
      walk(row.pid);
    }
  };
  walk(pid);
  return found;
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;

function cpuOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 14th and 15th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** A fresh storage folder (under BENCH_STORAGE_DIR, e.g. /dev/shm to take the disk out); pass the same one to two processes to measure rooms loaded from what the first stored. */
export const storageDir = () => mkdtempSync(join(process.env.BENCH_STORAGE_DIR ?? tmpdir(), "cos-measure-"));

export async function startWorkerd(options: { config?: string; storage?: string } = {}): Promise<Workerd> {
  const config = options.config ?? "bench/wrangler.measure.jsonc";
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", options.storage ?? storageDir(), "--inspector-port", "0", "--show-interactive-dev-session=false"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => (out += d));
  const deadline = Date.now() + 120_000;
  while (!/Ready on/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // wrangler dev runs two workerd processes: its proxy, listening on our port, which relays every
  // request and socket, and the runtime that holds the worker and its Durable Objects (entry on port 0).
  let processes = descendants(child.pid!);
  for (const until = Date.now() + 30_000; processes.length < 2 && Date.now() < until; processes = descendants(child.pid!)) await new Promise((r) => setTimeout(r, 200));
  const runtime = processes.find((p) => !p.args.includes(`entry=127.0.0.1:${port}`));
  const proxy = processes.find((p) => p.args.includes(`entry=127.0.0.1:${port}`));
  if (!runtime) throw new Error(`no workerd runtime under wrangler dev: ${JSON.stringify(processes)}`);
  return {
    host: `127.0.0.1:${port}`,
    rss: () => rssOf(runtime.pid),
    cpu: () => cpuOf(runtime.pid),
    proxyCpu: () => (proxy ? cpuOf(proxy.pid) : 0),
    stop: () => child.kill("SIGTERM"),
  };
}
