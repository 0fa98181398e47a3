/**
 * A real CalDAV server for the tests: Debian's Radicale (`apt-get install
 * radicale`; `.ci/run` installs it), started on a free loopback port with a
 * temporary storage folder and one plain-text htpasswd user, with one calendar
 * collection made by MKCALENDAR. Waits for the server's own "Listening" line,
 * never for a fixed time. Stop it in `afterAll`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBasicAuthHeaders, makeCalendar } from "tsdav";

export const RADICALE_PATH = process.env.RADICALE_PATH ?? "/usr/bin/radicale";

export type Radicale = {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  username: string;
  password: string;
  /** The calendar collection made at start, with a trailing slash. */
  calendarUrl: string;
  /** Basic auth headers for tsdav calls of the test itself. */
  headers: Record<string, string>;
  /** Everything the server wrote so far (its log). */
  output: () => string;
  stop: () => Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRadicale(options: { username?: string; password?: string } = {}): Promise<Radicale> {
  if (!existsSync(RADICALE_PATH)) {
    throw new Error(`Radicale is not installed at ${RADICALE_PATH}: run \`apt-get install -y radicale\` (or set RADICALE_PATH). The CalDAV tests need a real server.`);
  }
  const username = options.username ?? "hana";
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}-secret`;
  const dir = await mkdtemp(join(tmpdir(), "radicale-"));
  const port = await freePort();
  const htpasswd = join(dir, "users");
  await writeFile(htpasswd, `${username}:${password}\n`);
  const config = join(dir, "config");
  await writeFile(
    config,
    [
      "[server]",
      `hosts = 127.0.0.1:${port}`,
      "[auth]",
      "type = htpasswd",
      `htpasswd_filename = ${htpasswd}`,
      "htpasswd_encryption = plain",
      "[storage]",
      `filesystem_folder = ${join(dir, "collections")}`,
      "[rights]",
      "type = owner_only",
      "[logging]",
      "level = info",
      "mask_passwords = True",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(RADICALE_PATH, ["--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Listening on/i.test(output)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Radicale exited (code ${code}) before listening:\n${output}`)));
    child.once("error", (error) => reject(new Error(`Radicale could not start: ${error.message}`)));
  });
  await listening;
  const origin = `http://127.0.0.1:${port}`;
  const headers = getBasicAuthHeaders({ username, password });
  // The principal collection appears on the owner's first request.
  await fetch(`${origin}/${username}/`, { method: "PROPFIND", headers: { ...headers, depth: "0" } });
  const calendarUrl = `${origin}/${username}/calendar/`;
  const made = await makeCalendar({ url: calendarUrl, props: { "d:displayname": "Work" }, headers });
  if (!made.every((r) => r.ok)) throw new Error(`MKCALENDAR failed: ${JSON.stringify(made.map((r) => r.status))}\n${output}`);
  return {
    origin,
    username,
    password,
    calendarUrl,
    headers,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
