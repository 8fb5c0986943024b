import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <token>` matching the token the function is
 * configured with, compared in constant time. Anything else — no header, another
 * scheme, a wrong token — is 401 with a JSON error, before the body is read.
 */
export function requireBearer<C extends Context>(expectedToken: (c: C) => string, realm: string): MiddlewareHandler {
  return async function requireBearerToken(c, next) {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !(await timingSafeEqual(match[1]!, expectedToken(c as C)))) {
      throw new AppError("unauthorized", header ? "invalid credentials" : "missing Authorization: Bearer <token>", {
        headers: { "WWW-Authenticate": `Bearer realm="${realm}"` },
      });
    }
    await next();
  };
}
