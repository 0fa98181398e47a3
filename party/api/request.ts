/**
 * Reading what an HTTP request says, for the route table's one dispatcher:
 * its JSON body (H2, H3), its query (H8, C12, S6), its idempotency key (H7)
 * and the device it names (H13).
 */
import type { z } from "zod";
import { ClientActionIdSchema } from "../../shared/commands.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { parseJson, readBody } from "../http.ts";

/** H2, H3: a JSON body of at most 64 KiB, valid against a strict schema. */
export async function readInput<T>(request: Request, schema: z.ZodType<T>, empty?: { value: T }): Promise<Result<T>> {
  const type = request.headers.get("content-type") ?? "";
  // H14: a route whose body is optional reads it (capped) first; nothing there stands for `empty`.
  if (empty) {
    const text = await readBody(request);
    if (!text.ok) return text;
    if (text.value.trim() === "") return ok(empty.value);
    if (!/^application\/json\b/i.test(type)) return fail("invalid_request", "content-type must be application/json");
    return parseInput(text.value, schema);
  }
  if (!/^application\/json\b/i.test(type)) return fail("invalid_request", "content-type must be application/json");
  const text = await readBody(request);
  if (!text.ok) return text;
  return parseInput(text.value, schema);
}

function parseInput<T>(text: string, schema: z.ZodType<T>): Result<T> {
  const body = parseJson(text);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return fail("invalid_request", `${issue?.message ?? "invalid body"}${where}`);
  }
  return ok(parsed.data);
}

/**
 * The query, validated; the message is the first issue's own (query schemas
 * word their messages whole, e.g. "limit must be an integer from 1 to 1000").
 * A repeated parameter counts by its first value, as `URLSearchParams.get` does.
 */
export function readQuery<T>(url: URL, schema: z.ZodType<T>): Result<T> {
  const first = new Map<string, string>();
  for (const [name, value] of url.searchParams) if (!first.has(name)) first.set(name, value);
  const parsed = schema.safeParse(Object.fromEntries(first));
  if (parsed.success) return ok(parsed.data);
  return fail("invalid_request", parsed.error.issues[0]?.message ?? "invalid query");
}

/** H7: `Idempotency-Key` works like `clientActionId`; giving both with different values is an error. */
export function idempotencyKey(request: Request, bodyKey: string | undefined): Result<string | undefined> {
  const header = request.headers.get("idempotency-key");
  if (header === null) return ok(bodyKey);
  const parsed = ClientActionIdSchema.safeParse(header);
  if (!parsed.success) return fail("invalid_request", "Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -");
  if (bodyKey !== undefined && bodyKey !== parsed.data) {
    return fail("invalid_request", "Idempotency-Key and clientActionId differ");
  }
  return ok(parsed.data);
}

/**
 * H13: the caller's device, if it names one (`X-Device-Id`), so HTTP changes are
 * attributed like socket ones. A claim within the user's own room: it labels, it grants nothing.
 */
export function userActor(request: Request): { kind: "user"; deviceId?: string } {
  const deviceId = request.headers.get("x-device-id");
  return deviceId && /^[A-Za-z0-9_-]{1,128}$/.test(deviceId) ? { kind: "user", deviceId } : { kind: "user" };
}
