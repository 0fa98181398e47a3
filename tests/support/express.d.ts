/**
 * The part of Express 5 (a dependency of @modelcontextprotocol/sdk, shipped without
 * types here) that the MCP test server uses to mount the SDK's OAuth helpers
 * (`mcpAuthRouter`, `requireBearerAuth`, both Express middleware).
 */
declare module "express" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  export type Request = IncomingMessage & { body?: unknown; auth?: unknown; query: Record<string, unknown> };
  export type Response = ServerResponse & { redirect(url: string): void; status(code: number): Response; json(body: unknown): void };
  export type NextFunction = (err?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => void;
  export type Router = RequestHandler;
  export interface Express extends RequestHandler {
    use(...handlers: RequestHandler[]): Express;
    use(path: string, ...handlers: RequestHandler[]): Express;
    all(path: string, ...handlers: ((req: Request, res: Response, next: NextFunction) => unknown)[]): Express;
    set(setting: string, value: unknown): Express;
  }
  interface ExpressFactory {
    (): Express;
    json(options?: { limit?: string }): RequestHandler;
    urlencoded(options?: { extended?: boolean }): RequestHandler;
  }
  const express: ExpressFactory;
  export default express;
}
