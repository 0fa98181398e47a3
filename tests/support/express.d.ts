/**
 * The part of Express 5 (a dependency of @modelcontextprotocol/sdk, shipped without
 * types here) that the MCP test server uses to mount the SDK's OAuth helpers
 * (`mcpAuthRouter`, `requireBearerAuth`, both Express middleware).
 */
declare module "express" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
  export type Request = IncomingMessage & { auth?: AuthInfo };
  export type Response = ServerResponse & { redirect(url: string): void; status(code: number): Response; json(body: unknown): void };
  export type NextFunction = (err?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => void;
  export type Router = RequestHandler;
  export interface Express {
    (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
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
