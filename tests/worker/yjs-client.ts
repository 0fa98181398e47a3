/**
 * A minimal Yjs device for workerd tests: speaks y-protocols sync over the
 * room's socket (P1) like the y-partyserver provider does, with an explicit
 * connect / disconnect so tests can go offline, edit, and come back.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { connect, type TestSocket } from "./helpers.ts";
import { whenTrue } from "../support/wait.ts";

const REMOTE = Symbol("remote");

export class YjsDevice {
  readonly doc = new Y.Doc();
  socket: TestSocket | null = null;
  #token: string;
  #deviceId: string;
  #synced = false;

  #connectionId: string | undefined;

  /** `connectionId`: every socket of this device opens under that id (the provider's `_pk`, P17). */
  constructor(token: string, deviceId: string, connectionId?: string) {
    this.#token = token;
    this.#deviceId = deviceId;
    this.#connectionId = connectionId;
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !this.socket) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      this.socket.sendRaw(encoding.toUint8Array(encoder).slice().buffer);
    });
  }

  get online(): boolean {
    return this.socket !== null;
  }

  async connect(): Promise<void> {
    const socket = await connect(this.#token, this.#deviceId, {}, this.#connectionId);
    this.socket = socket;
    this.#synced = false;
    socket.ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") return;
      const decoder = decoding.createDecoder(new Uint8Array(e.data as ArrayBuffer));
      if (decoding.readVarUint(decoder) !== 0) return; // awareness: not used here
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE);
      if (step === 1) this.#synced = true;
      if (encoding.length(encoder) > 1) socket.sendRaw(encoding.toUint8Array(encoder).slice().buffer);
    });
    await socket.hello();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    socket.sendRaw(encoding.toUint8Array(encoder).slice().buffer);
    // Synced once the room's sync step 2 is applied: re-checked on each frame, no deadline of our own (wait.ts).
    await socket.until(() => this.#synced, `${this.#deviceId} to sync`);
  }

  disconnect(): void {
    this.socket?.close();
    this.socket = null;
  }

  /** Goes offline as a dropped network does: this side stops using the socket, and the room never hears it close. */
  drop(): TestSocket | null {
    const dropped = this.socket;
    this.socket = null;
    return dropped;
  }

  /** Waits until the room has answered a ping: every frame sent before it has been handled. */
  async settle(): Promise<void> {
    await this.socket?.roundTrip();
  }

  /**
   * Waits until `check` holds over these devices' documents, re-checked on
   * each update any of them applies (wait.ts: events, not the clock).
   */
  static until(devices: YjsDevice[], check: () => boolean, what: string): Promise<void> {
    return whenTrue(
      check,
      (recheck) => {
        for (const d of devices) d.doc.on("update", recheck);
        return () => devices.forEach((d) => d.doc.off("update", recheck));
      },
      () => what,
    );
  }

  tasks(): Y.Map<Y.Map<unknown>> {
    return this.doc.getMap("tasks");
  }

  notes(): Y.Map<Y.Map<unknown>> {
    return this.doc.getMap("notes");
  }

  /** Adds a valid task the way a well-behaved client would. */
  addTask(id: string, title: string): void {
    this.doc.transact(() => {
      const task = new Y.Map<unknown>();
      const now = new Date().toISOString();
      for (const [k, v] of Object.entries({ id, title, status: "open", due: null, tags: [], order: Date.now(), createdAt: now, updatedAt: now, createdBy: `user:${this.#deviceId}` })) task.set(k, v);
      this.tasks().set(id, task);
    });
  }

  addNote(id: string, body: string): void {
    this.doc.transact(() => {
      const note = new Y.Map<unknown>();
      const now = new Date().toISOString();
      for (const [k, v] of Object.entries({ id, title: "Note", pinned: false, createdAt: now, updatedAt: now, createdBy: `user:${this.#deviceId}` })) note.set(k, v);
      note.set("body", new Y.Text(body));
      this.notes().set(id, note);
    });
  }

  noteBody(id: string): string {
    return (this.notes().get(id)?.get("body") as Y.Text | undefined)?.toString() ?? "";
  }
}
