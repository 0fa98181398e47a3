/**
 * Attacks on `npm start` from outside: reading the source tree and the local
 * secret, framing or sniffing its pages, minting dev tokens in bulk. Each test
 * prints its figure.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { http, login } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

/** Files of the repository, its build and its local state, by the paths a prober would try. */
const PROBES = [
  "/vite.config.ts",
  "/vite.config.ts?raw",
  "/vite.config.ts?import",
  `/@fs${resolve("vite.config.ts")}`,
  "/party/server.ts",
  "/party/auth.ts",
  "/shared/protocol.ts",
  "/web/main.tsx",
  "/scripts/local-env.ts",
  "/package.json",
  "/package-lock.json",
  "/wrangler.jsonc",
  "/tsconfig.json",
  "/README.md",
  "/.dev.vars",
  "/.env",
  "/.git/config",
  "/.wrangler/state/local-auth-secret",
  "/.wrangler/deploy/config.json",
  "/dist/micro_cos/.dev.vars",
  "/micro_cos/.dev.vars",
  "/micro_cos/wrangler.json",
  "/micro_cos/index.js",
  "/client/index.html",
  "/_headers",
  "/.assetsignore",
  "/@vite/client",
  "/node_modules/vite/package.json",
];

/** Text that appears in source and config files and never in the built index.html. */
const SOURCE_MARKERS = ["import ", "export ", "defineConfig", "AUTH_SECRET", "devDependencies", "compatibility_date", "[core]", "Content-Security-Policy"];

/** A Content-Security-Policy header as directive → sources. */
const policy = (header: string | null) =>
  new Map(
    (header ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

describe("Security — what `npm start` serves", () => {
  let server: DevServer;
  let index: string;
  const bodies = new Map<string, string>();
  beforeAll(async () => {
    server = await startDevServer();
    index = await (await fetch(`${server.url}/`)).text();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("[W3] no source, config, build internals or state are served: every probe is 404 or the app's index.html", async () => {
    expect(index).toContain('<div id="root">');
    const served: string[] = [];
    for (const path of PROBES) {
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      bodies.set(path, body);
      if (!(res.status === 404 || (res.status === 200 && body === index))) served.push(`${path} → ${res.status} ${body.slice(0, 60)}`);
      for (const marker of SOURCE_MARKERS) if (body.includes(marker) && !served.some((s) => s.startsWith(path))) served.push(`${path} contains ${marker}`);
    }
    console.log(`${PROBES.length} paths probed; ${served.length} served something other than the app: ${JSON.stringify(served)}`);
    expect(served).toEqual([]);
  });

  it("[W3] the local HS256 secret is made for the state directory, signs the dev tokens, and no served path holds it", async () => {
    const secret = readFileSync(join(server.stateDir, "local-auth-secret"), "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const token = await login(server, "mallory");
    const verified = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
    expect(verified.payload.sub).toBe("mallory");
    const leaking = [...bodies].filter(([, body]) => body.includes(secret)).map(([path]) => path);
    console.log(`${bodies.size} probed bodies hold the secret: ${leaking.length}`);
    expect(bodies.size).toBe(PROBES.length);
    expect(leaking).toEqual([]);
  });

  it("[W1] the web app's pages and assets carry a strict CSP, nosniff, no referrer and no framing", async () => {
    const script = /<script[^>]+src="([^"]+)"/.exec(index)?.[1];
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const paths = ["/", "/tasks", "/login", script!];
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`);
      await res.body?.cancel();
      expect(res.status, path).toBe(200);
      const csp = policy(res.headers.get("content-security-policy"));
      expect(csp.get("default-src"), path).toEqual(["'self'"]);
      expect(csp.get("script-src"), path).toEqual(["'self'"]);
      expect(csp.get("connect-src"), path).toEqual(["'self'"]);
      expect(csp.get("object-src"), path).toEqual(["'none'"]);
      expect(csp.get("base-uri"), path).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors"), path).toEqual(["'none'"]);
      // Remote images only over https, and only after the user's click (W2): never http: or *.
      expect(csp.get("img-src"), path).toEqual(["'self'", "data:", "blob:", "https:"]);
      // W121: spoken replies play from object URLs; no remote media.
      expect(csp.get("media-src"), path).toEqual(["'self'", "blob:"]);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
    console.log(`${paths.length} web responses checked, each with the security headers`);
  });

  it("[W1] every API response — JSON, errors, the reply stream, the socket upgrade — carries the API's security headers", async () => {
    const token = await login(server, "trent");
    const checked: Record<string, Headers> = {};
    const grab = async (name: string, res: Response) => {
      checked[name] = res.headers;
      await res.body?.cancel();
    };
    await grab("401", await fetch(`${server.url}/api/v1/state`));
    await grab("404", await fetch(`${server.url}/api/v1/nope`, { headers: { authorization: `Bearer ${token}` } }));
    await grab("200", await fetch(`${server.url}/api/v1/state`, { headers: { authorization: `Bearer ${token}` } }));
    const sent = await http(server, token)<{ streamUrl: string }>("POST", "/api/v1/message", { text: "hello" });
    expect(sent.status).toBe(202);
    await grab("stream", await fetch(`${server.url}${sent.body.streamUrl}`, { headers: { authorization: `Bearer ${token}` } }));
    expect(checked.stream!.get("content-type")).toMatch(/^text\/event-stream/);
    const { body: ticket } = await http(server, token)<{ ticket: string; path: string }>("POST", "/api/v1/socket/ticket");
    const socket = new WebSocket(`ws://${server.host}${ticket.path}?ticket=${encodeURIComponent(ticket.ticket)}`);
    checked["101"] = await new Promise<Headers>((resolve, reject) => {
      socket.once("upgrade", (res) => resolve(new Headers(Object.entries(res.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])))));
      socket.once("error", reject);
    });
    socket.close();
    for (const [name, headers] of Object.entries(checked)) {
      const csp = policy(headers.get("content-security-policy"));
      expect(csp.get("default-src"), name).toEqual(["'none'"]);
      expect(csp.get("frame-ancestors"), name).toEqual(["'none'"]);
      expect(headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(headers.get("referrer-policy"), name).toBe("no-referrer");
      expect(headers.get("x-frame-options"), name).toBe("DENY");
    }
    console.log(`API responses checked: ${Object.keys(checked).join(", ")}`);
  });

  it("[W4] the development login is rate-limited: a burst past 30 a minute is 429 with retry-after", async () => {
    const BURST = 60;
    const statuses: number[] = [];
    const refused: { code?: string; retryAfter?: number; header: string | null }[] = [];
    for (let i = 0; i < BURST; i++) {
      const res = await fetch(`${server.url}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `burst-${i}` }) });
      statuses.push(res.status);
      const body = (await res.json()) as { error?: { code: string; retryAfter?: number } };
      if (res.status === 429) refused.push({ code: body.error?.code, retryAfter: body.error?.retryAfter, header: res.headers.get("retry-after") });
    }
    const accepted = statuses.filter((s) => s === 200).length;
    console.log(`${BURST} logins in a burst: ${accepted} accepted, ${refused.length} refused`);
    // A minute's allowance is 30 (less the logins above); the bucket refills one every 2 s, and a
    // burst of sequential requests takes seconds even on a loaded machine: 35 is a generous bound.
    expect(accepted).toBeLessThanOrEqual(35);
    expect(accepted + refused.length).toBe(BURST);
    for (const r of refused) {
      expect(r.code).toBe("rate_limited");
      expect(r.retryAfter).toBeGreaterThanOrEqual(1);
      expect(r.header).toBe(String(r.retryAfter));
    }
  });
});
