/**
 * After a device's Yjs frame: repair what it left invalid (and tell it), then
 * record readable ledger events for what it changed (docs/PROTOCOL.md D6, D8).
 */
import { v7 as uuidv7 } from "uuid";
import type { AppError } from "../../shared/errors.ts";
import type { NewEventBody } from "../../shared/events.ts";
import type { Batch, DocWatch } from "./doc-watch.ts";
import type { Ledger } from "./ledger.ts";

/** One body-only `note.updated` ledger event per note and device per this many ms of typing (D8). */
export const NOTE_EDIT_COALESCE_MS = 30_000;

export type DeviceEditDeps = {
  watch: DocWatch;
  ledger: Ledger;
  now: () => number;
  /** The device behind a batch's origin (a connection), if still connected. */
  deviceOf: (batch: Batch) => { deviceId: string; reject: (error: AppError, requestId: string) => void } | null;
  log: (event: string, requestId: string, detail: string) => void;
};

export class DeviceEdits {
  #deps: DeviceEditDeps;
  #noteEdits = new Map<string, number>();

  constructor(deps: DeviceEditDeps) {
    this.#deps = deps;
  }

  record(): void {
    const { watch, ledger } = this.#deps;
    for (const batch of watch.take()) {
      const device = this.#deps.deviceOf(batch);
      const requestId = uuidv7();
      const repairs = watch.repair(batch);
      if (repairs.length > 0) {
        const what = repairs.map((r) => `${r.kind} ${r.id} ${r.action}: ${r.reason}`).join("; ");
        device?.reject({ code: "invalid_request", message: `invalid document edit — ${what}` }, requestId);
        this.#deps.log("doc.repaired", requestId, what.slice(0, 300));
      }
      const now = this.#deps.now();
      const derived = watch.describe(batch).filter((d) => this.#worthRecording(d, device?.deviceId, now));
      if (derived.length === 0) continue;
      ledger.transaction(() => {
        for (const body of derived) {
          ledger.append({ ...body, actor: device ? { kind: "user", deviceId: device.deviceId } : { kind: "system" }, correlationId: requestId });
        }
      });
    }
  }

  /**
   * Typing in a note sends an update per keystroke; the ledger keeps one
   * body-only `note.updated` per note and device per NOTE_EDIT_COALESCE_MS.
   * Title and pinned changes are always recorded; the document rows keep
   * every update with its actor regardless.
   */
  #worthRecording(derived: NewEventBody, deviceId: string | undefined, now: number): boolean {
    if (derived.type !== "note.updated" || derived.payload.fields.some((f) => f !== "body")) return true;
    const key = `${derived.payload.noteId}|${deviceId ?? "system"}`;
    const last = this.#noteEdits.get(key);
    if (last !== undefined && now - last < NOTE_EDIT_COALESCE_MS) return false;
    this.#noteEdits.set(key, now);
    return true;
  }
}
