import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "./errors.ts";

export function unauthorized(realm: string, message: string): AppError {
  return new AppError("unauthorized", message, { headers: { "WWW-Authenticate": `Bearer realm="${realm}"` } });
}

/**
 * Checks an Authorization header against the expected token, in constant time:
 * `Bearer <token>`, or with `allowBasic` Basic auth carrying the token as
 * password (any user name). Anything else is a 401 with a JSON error.
 */
export async function checkToken(header: string | undefined, expected: string, options: { realm: string; allowBasic?: boolean }): Promise<void> {
  if (!header) throw unauthorized(options.realm, "missing Authorization: Bearer <token>");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = options.allowBasic ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  const presented = bearer ? bearer[1] : basic ? basicPassword(basic[1]!) : undefined;
  if (presented === undefined || !(await timingSafeEqual(presented, expected))) throw unauthorized(options.realm, "invalid credentials");
}

/** Middleware form of `checkToken` (Bearer only), run before the body is read. */
export function requireBearer<C extends Context>(expectedToken: (c: C) => string, realm: string): MiddlewareHandler {
  return async function requireBearerToken(c, next) {
    await checkToken(c.req.header("Authorization"), expectedToken(c as C), { realm });
    await next();
  };
}

function basicPassword(encoded: string): string | undefined {
  try {
    const decoded = atob(encoded);
    const colon = decoded.indexOf(":");
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  } catch {
    return undefined;
  }
}
