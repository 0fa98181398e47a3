/**
 * The room's data port for the HTTP routes (docs/PROTOCOL.md U1–U17): export,
 * import and the account's deletion, built from the room's public parts and
 * its host ports. room.ts wires it with one line.
 */
import type { PendingProposal } from "../../shared/api.ts";
import type { Actor } from "../../shared/domain.ts";
import { ok, type Result } from "../../shared/errors.ts";
import type { ImportResult } from "../../shared/export.ts";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { localDate } from "../../shared/dates.ts";
import type { Room } from "../room.ts";
import type { RoomPorts } from "../room-ports.ts";
import { proposeAccountDelete } from "./account-delete.ts";
import { buildExport, exportableEvents, exportNotes, exportZip } from "./export.ts";
import { roomEpoch } from "./epoch.ts";
import { importArchive, readArchive } from "./import.ts";

export type DataPort = {
  /** U1: the archive's bytes and its file name. */
  exportArchive(): Result<{ bytes: Uint8Array; filename: string; events: number }>;
  /** U6–U12: the zip's bytes into this room, when it is empty. */
  importArchive(zip: Uint8Array, requestId: string): Result<ImportResult>;
  /** U17: the room's epoch (made on first ask). */
  epoch(): string;
  /** U13: the deletion, as a proposal. */
  proposeDelete(actor: Actor, requestId: string): PendingProposal;
};

export function roomData(room: Pick<Room, "ledger" | "chat" | "schedule">, ports: RoomPorts): DataPort {
  const { doc, now, userId, sql } = ports;
  const store = () => room.chat.store;
  return {
    exportArchive() {
      const count = exportableEvents(sql);
      if (!count.ok) return count;
      const data = buildExport({ ledger: room.ledger, doc, store: store(), sql, userId, now });
      const date = localDate(data.preferences.timezone, new Date(now()));
      const bytes = exportZip(data, exportNotes(doc));
      return bytes.ok ? ok({ bytes: bytes.value, filename: `micro-cos-${date}.zip`, events: data.ledger.length }) : bytes;
    },
    importArchive(zip, requestId) {
      const archive = readArchive(zip);
      if (!archive.ok) return archive;
      const done = importArchive({ ledger: room.ledger, doc, store: store(), sql, now, correlationId: requestId, log: ports.log }, archive.value.data, archive.value.update, archive.value.data.userId);
      if (!done.ok) return done;
      ports.log("info", { event: "account.imported", requestId, userId, detail: `${done.value.events} events` });
      room.schedule.reschedule();
      // U11: every device reloads its state (the close code tells it why; it reconnects at once).
      for (const client of ports.clients()) client.close(CLOSE_CODES.dataReplaced, "account imported: reload");
      return done;
    },
    epoch: () => roomEpoch(sql),
    proposeDelete: (actor, requestId) => proposeAccountDelete({ store: store(), ledger: room.ledger, now, newId: ports.newId }, actor, requestId),
  };
}
