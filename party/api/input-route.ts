/**
 * Write routes made from the inputs the socket also takes (party/core/inputs.ts):
 * the route declares only its method, path and how it answers; the body, the
 * ids and what the input does come from the one input table (G2).
 */
import type { Result } from "../../shared/errors.ts";
import type { Applied } from "../core/commands.ts";
import { applySpec, type BodySpec, type IdsSpec, type InputKind } from "../core/inputs.ts";
import { errorResponse, json } from "../http.ts";
import { type ParamNames, type Route, write } from "./route-table.ts";

export type Answer<B> = {
  /** 201 when a fresh command creates something (H4, H11, S1); its repeat is 200 (H7). */
  created?: (body: B) => boolean;
  /** 202: accepted to run later (C1); a repeat is 202 too (C2). */
  accepted?: true;
};

export function inputRoute<const P extends string, B, K extends ParamNames<P>>(
  method: "POST" | "PUT",
  path: P,
  spec: BodySpec<B, K>,
  answer?: Answer<B>,
): Route;
export function inputRoute<const P extends string, K extends ParamNames<P>>(method: "POST" | "PUT", path: P, spec: IdsSpec<K>): Route;
export function inputRoute<const P extends string, B, K extends ParamNames<P>>(
  method: "POST" | "PUT",
  path: P,
  spec: BodySpec<B, K> | IdsSpec<K>,
  answer: Answer<B> = {},
): Route {
  if (spec.body === null) {
    const bodiless = spec;
    return write({
      method,
      path,
      body: null,
      handle: ({ deps, params, action }) => respond(spec.kind, applySpec(deps, bodiless, params, action), deps.requestId, 200),
    });
  }
  const withBody = spec;
  return write<P, B>({
    method,
    path,
    body: withBody.body,
    handle: ({ deps, params, body, action }) => {
      const status = answer.accepted ? 202 : answer.created?.(body) ? 201 : 200;
      return respond(spec.kind, applySpec(deps, withBody, { ...params, command: body }, action), deps.requestId, status);
    },
  });
}

/** H7: writes answer with the seq of their event and mark a replay; chat operations have no event of their own. */
export function respond(kind: InputKind, applied: Result<Applied>, requestId: string, status: number): Response {
  if (!applied.ok) return errorResponse(applied.error.code, applied.error.message, requestId, applied.error.retryAfter);
  const { result, duplicate, seq } = applied.value;
  const replayed: Record<string, string> = duplicate ? { "idempotent-replayed": "true" } : {};
  if (kind === "chat") return json(result, status, requestId, replayed);
  return json(result, duplicate ? 200 : status, requestId, { "x-event-seq": String(seq), ...replayed });
}
