/**
 * Starts a bench worker under `wrangler dev` and finds its workerd process, so
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
  /** CPU seconds the workerd process has used (user + system). */
  cpu(): number;
  stop(): void;
};

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

function descendants(pid: number): number[] {
  const out = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="]).toString();
  const rows = out.trim().split("\n").map((l) => l.trim().split(/\s+/));
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent, comm] of rows) {
      if (Number(parent) !== p) continue;
      if (comm?.startsWith("workerd")) found.push(Number(child));
      walk(Number(child));
    }
  };
  walk(pid);
  return found;
}

export async function startWorkerd(config = "bench/wrangler.measure.jsonc"): Promise<Workerd> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", mkdtempSync(join(tmpdir(), "cos-measure-")), "--inspector-port", "0", "--show-interactive-dev-session=false"],
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
  const pids = descendants(child.pid!);
  if (pids.length === 0) throw new Error("no workerd process under wrangler dev");
  const pid = pids[0]!;
  return {
    host: `127.0.0.1:${port}`,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024,
    cpu: () => {
      // Fields after the command name (which may hold spaces): utime and stime are the 14th and 15th fields.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    stop: () => child.kill("SIGTERM"),
  };
}
