/**
 * K4, G9: every request a calendar sync or write sends goes through here. The
 * URL is checked by the endpoint guard (party/push/endpoint-guard.ts) before
 * each request and again at every redirect hop (redirects are followed by
 * hand, `redirect: "manual"`), credentials are never carried to another
 * origin, each request has a deadline, and an answer's body is read
 * incrementally and cut off past a cap — the server is outside content.
 *
 * The result is a `fetch`-shaped function, so tsdav takes it as its `fetch`
 * option and ICS reads use it directly.
 */
import { checkEndpoint } from "../push/endpoint-guard.ts";

/** An answer's body is read to this many bytes at most (K4). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** A calendar server that has not answered in this long is a failed sync (K4). */
export const REQUEST_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 5;

/** A refusal of ours (guard, cap, deadline): its message is fit to show as a source's status. */
export class OutboundError extends Error {
  override readonly name = "OutboundError";
}

export type OutboundOptions = { development: boolean; maxBytes?: number; timeoutMs?: number };

export function guardedFetch(port: typeof fetch, options: OutboundOptions): typeof fetch {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const guarded = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let request = new Request(input, init);
    const deadline = AbortSignal.timeout(timeoutMs);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const verdict = checkEndpoint(request.url, options.development);
      if (!verdict.ok) throw new OutboundError(verdict.reason.replace(/^endpoint/, "the calendar URL"));
      let response: Response;
      try {
        response = await port(new Request(request, { redirect: "manual", signal: deadline }));
      } catch {
        if (deadline.aborted) throw new OutboundError(`the calendar server did not answer within ${Math.round(timeoutMs / 1000)} s`);
        throw new OutboundError("the calendar server could not be reached");
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
        await response.body?.cancel();
        const next = new URL(location, request.url);
        const sameOrigin = next.origin === new URL(request.url).origin;
        const headers = new Headers(request.headers);
        // Credentials stay with the origin they were given for.
        if (!sameOrigin) headers.delete("authorization");
        const keepBody = response.status === 307 || response.status === 308;
        const method = keepBody ? request.method : request.method === "HEAD" ? "HEAD" : "GET";
        const body = keepBody && request.body !== null ? await request.arrayBuffer() : null;
        request = new Request(next.href, { method, headers, body });
        continue;
      }
      const bytes = await readCapped(response, maxBytes, deadline);
      return new Response(response.status === 204 || response.status === 304 ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    throw new OutboundError("the calendar server redirected too many times");
  };
  return guarded;
}

async function readCapped(response: Response, maxBytes: number, deadline: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new OutboundError(`the calendar is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  }
  if (!response.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new OutboundError(`the calendar is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof OutboundError) throw error;
    if (deadline.aborted) throw new OutboundError("the calendar server stopped answering");
    throw new OutboundError("the calendar server's answer was cut off");
  }
  const out = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A failure in words for a source's status (K9): ours as they are, anything else generic (no server text). */
export function describeFailure(error: unknown, fallback: string): string {
  if (error instanceof OutboundError) return error.message;
  return fallback;
}
