/**
 * The "Your data" calls (docs/PROTOCOL.md U1, U6, U13, W110–W113): the
 * archive's bytes in and out (not JSON, so not through api.ts's JSON call),
 * and the account deletion's proposal. Errors are the server's typed ones, in
 * its words.
 */
import { z } from "zod";
import { PendingProposalReadSchema } from "../../shared/api.ts";
import { ErrorBodySchema } from "../../shared/errors.ts";
import { ImportResultSchema } from "../../shared/export.ts";
import { ApiError, session } from "./api.ts";
import { DEVICE_KEY } from "./device.ts";

const DeleteProposedSchema = z.object({ proposal: PendingProposalReadSchema });

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (session.token) h.authorization = `Bearer ${session.token}`;
  const device = localStorage.getItem(DEVICE_KEY);
  if (device) h["x-device-id"] = device;
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  const body = ErrorBodySchema.safeParse(await res.json().catch(() => undefined));
  return new ApiError(res.status, body.success ? body.data.error : { code: "internal", message: "unexpected response from the server", requestId: res.headers.get("x-request-id") ?? "" });
}

/** The file name the server gave (`Content-Disposition`), or a plain one. */
export function fileNameOf(disposition: string | null): string {
  const match = /filename="([A-Za-z0-9._-]{1,100})"/.exec(disposition ?? "");
  return match?.[1] ?? "micro-cos-export.zip";
}

/** U1: the archive as a Blob and its file name. */
export async function downloadExport(): Promise<{ blob: Blob; filename: string }> {
  const res = await fetch("/api/v1/export", { headers: headers() });
  if (!res.ok) throw await failure(res);
  return { blob: await res.blob(), filename: fileNameOf(res.headers.get("content-disposition")) };
}

/** U6–U9: the zip into this (empty) account. */
export async function importArchive(file: Blob) {
  const res = await fetch("/api/v1/import", { method: "POST", headers: headers({ "content-type": "application/zip" }), body: file });
  if (!res.ok) throw await failure(res);
  return ImportResultSchema.parse(await res.json());
}

/** U13: the deletion's proposal (confirmed with the usual proposal confirm). */
export async function proposeAccountDelete() {
  const res = await fetch("/api/v1/account", { method: "DELETE", headers: headers() });
  if (!res.ok) throw await failure(res);
  return DeleteProposedSchema.parse(await res.json()).proposal;
}

/** W112: the account holds nothing of the user's yet (an import is offered only then). */
export function isEmptyAccount(state: { tasks: unknown[]; notes: unknown[]; recentMessages: unknown[]; memories: unknown[]; conversations?: unknown[] | undefined }): boolean {
  return state.tasks.length === 0 && state.notes.length === 0 && state.recentMessages.length === 0 && state.memories.length === 0 && (state.conversations ?? []).length === 0;
}
