/**
 * `npm start` builds only when the sources changed since the last build, and one
 * start at a time builds: a restart is fast, and servers started together (the
 * integration tests do) never empty `dist/` under each other.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Everything the build reads (besides node_modules, covered by the lockfile). */
const INPUTS = ["web", "party", "shared", "public", "index.html", "vite.config.ts", "wrangler.jsonc", "package-lock.json", "tsconfig.json", "scripts/local-env.ts", "scripts/start.mjs"];
const STAMP = join("dist", ".build-stamp");
const LOCK = join(".wrangler", "start.lock");
/** How long a live holder may keep the lock before we say so, not wait forever. */
const LOCK_PATIENCE_MS = 180_000;

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name === "node_modules" ? [] : files(join(path, name))));
}

/** A hash of the build's inputs: paths and contents. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(files)) hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/** Runs `build` unless the last build is of the same sources; true when it built. */
export async function freshBuild(build: () => Promise<void>): Promise<boolean> {
  const before = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === before) return false;
  await build();
  // The router plugin may regenerate web/route-tree.gen.ts while building: stamp what was built.
  writeFileSync(STAMP, sourceHash());
  return true;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs `work` holding a lock directory (mkdir is atomic); a lock left by a dead process is taken over. */
export async function withLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(".wrangler", { recursive: true });
  const waitingSince = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
    const owner = Number(existsSync(join(LOCK, "pid")) ? readFileSync(join(LOCK, "pid"), "utf8") : "0");
    if (owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
    else if (Date.now() - waitingSince > LOCK_PATIENCE_MS) throw new Error(`${LOCK} is held by process ${owner || "?"}; remove it if no other \`npm start\` is starting.`);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeFileSync(join(LOCK, "pid"), String(process.pid));
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
