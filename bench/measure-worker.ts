/**
 * The worker of the memory, wake-up, cost-curve and first-token benchmarks
 * (issue 19 items 3–6; bench/memory.ts, wake.ts, curve.ts, ttft.ts): the real
 * app, whose Brain only gains bench-only RPC methods (seed a history, evict),
 * beside bare y-partyserver rooms — one in memory only, one that stores its
 * document in SQLite and loads it on start, as the Brain does — and the bare
 * token relay. Bench only; never deployed.
 */
import { getServerByName, routePartykitRequest } from "partyserver";
import * as Y from "yjs";
import { YServer } from "y-partyserver";
import { Brain } from "../party/brain.ts";
import app from "../party/server.ts";
import { type SeedSize, seedRoom } from "../tests/support/seed-history.ts";

export { BareRelay, BareRoom } from "./bench-worker.ts";

/** Objects started since the isolate began: tells whether idle rooms were evicted (hibernated) and woke again. */
const started = { brain: 0, bare: 0 };

export class BenchBrain extends Brain {
  #clock: number | null = null;

  protected override now(): number {
    return this.#clock ?? Date.now();
  }

  override async onStart(): Promise<void> {
    started.brain++;
    await super.onStart();
  }

  /** Writes a history through the room's own ledger, document and chat store (tests/support/seed-history.ts). */
  seed(size: SeedSize): { lastSeq: number; docBytes: number } {
    seedRoom({ ledger: this.room.ledger, doc: this.document, store: this.room.chat.store, now: Date.now(), setClock: (ms) => (this.#clock = ms) }, size);
    this.#clock = null;
    return { lastSeq: this.room.ledger.lastSeq, docBytes: this.room.docs.storedBytes };
  }

  /** Wakes the room (partyserver starts it before the call); its tasks, as loaded. */
  ping(): number {
    return this.document.getMap("tasks").size;
  }

  /** The document as one update, to give a bare room the same one. */
  docState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.document);
  }

  /** Drops the object from memory (as an eviction would); the next request starts it from storage. */
  evict(): void {
    this.ctx.abort("bench: evict");
  }
}

/** The wake-up and memory reference: a YServer that keeps its document as one SQLite row, loaded on start. */
export class BareStoredRoom extends YServer {
  static override options = { hibernate: true };

  override async onStart(): Promise<void> {
    started.bare++;
    await super.onStart();
  }

  override async onLoad(): Promise<void> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bare_doc (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
    const row = this.ctx.storage.sql.exec<{ data: ArrayBuffer }>("SELECT data FROM bare_doc WHERE id = 1").toArray()[0];
    if (row) Y.applyUpdate(this.document, new Uint8Array(row.data));
  }

  override async onSave(): Promise<void> {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO bare_doc (id, data) VALUES (1, ?)", Y.encodeStateAsUpdate(this.document));
  }

  ping(): number {
    return this.document.getMap("tasks").size;
  }

  seed(update: Uint8Array): number {
    Y.applyUpdate(this.document, update);
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO bare_doc (id, data) VALUES (1, ?)", Y.encodeStateAsUpdate(this.document));
    return update.byteLength;
  }

  evict(): void {
    this.ctx.abort("bench: evict");
  }
}

/** The bindings of wrangler.measure.jsonc: the app's, with the Brain's bench subclass and the stored bare room. */
type MeasureEnv = Omit<Env, "Brain"> & { Brain: DurableObjectNamespace<BenchBrain>; BareStoredRoom: DurableObjectNamespace<BareStoredRoom> };

const SeedSchema = (u: URL): SeedSize => ({
  events: Number(u.searchParams.get("events") ?? 0),
  tasks: Number(u.searchParams.get("tasks") ?? 0),
  notes: Number(u.searchParams.get("notes") ?? 0),
  archivedDays: Number(u.searchParams.get("days") ?? 0),
});

/** Bench-only routes under /bench/: seed a user's room (and a bare room with the same document), evict either, count starts. */
async function benchRoute(request: Request, url: URL, env: MeasureEnv): Promise<Response> {
  const user = url.searchParams.get("user") ?? "";
  const bare = url.searchParams.get("bare") ?? "";
  switch (url.pathname) {
    case "/bench/seed": {
      const brain = await getServerByName(env.Brain, user);
      const seeded = await brain.seed(SeedSchema(url));
      if (bare) {
        const state = await brain.docState();
        const stub = await getServerByName(env.BareStoredRoom, bare);
        await stub.seed(state);
      }
      return Response.json(seeded);
    }
    case "/bench/seed-bare": {
      const stub = await getServerByName(env.BareStoredRoom, bare);
      return Response.json({ bytes: await stub.seed(new Uint8Array(await request.arrayBuffer())) });
    }
    case "/bench/wake": {
      const stub = user ? await getServerByName(env.Brain, user) : await getServerByName(env.BareStoredRoom, bare);
      return Response.json({ value: await stub.ping() });
    }
    case "/bench/evict": {
      const stub = user
        ? await getServerByName(env.Brain, user)
        : await getServerByName(env.BareStoredRoom, bare);
      await stub.evict().catch(() => {});
      return Response.json({ evicted: true });
    }
    case "/bench/started":
      return Response.json(started);
    default:
      return new Response("not found", { status: 404 });
  }
}

export default {
  async fetch(request: Request<unknown, IncomingRequestCfProperties>, env: MeasureEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/bench/")) return benchRoute(request, url, env);
    if (url.pathname.startsWith("/parties/")) return (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 });
    return app.fetch(request, { ...env, Brain: env.Brain });
  },
};
