import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config/env.ts";
import { createLog } from "../logging.ts";
import { AppError, type ErrorCode, errorBody } from "./errors.ts";

export type AppEnv<Bindings extends object> = { Bindings: Bindings; Variables: { requestId: string } };

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "unavailable",
};

/**
 * A Hono app with the shared request id, JSON 404 and one error envelope. 5xx
 * answers carry a generic message; the detail goes to the log with the request id.
 * `app` is a plain Hono unless the function serves typed routes (an OpenAPIHono).
 */
export function newApp<Bindings extends object>(service: string): Hono<AppEnv<Bindings>>;
/** `app`: a Hono with more Variables than requestId (approve's OpenAPIHono). */
export function newApp<App extends Hono<any, any, any>>(service: string, app: App): App;
export function newApp(service: string, app: Hono<AppEnv<object>> = new Hono<AppEnv<object>>()): Hono<AppEnv<object>> {
  // A caller's id (letters, digits, _ - =) becomes the correlation id of what it starts; queue envelopes hold at most 200 characters.
  app.use(requestId({ headerName: "X-Request-Id", limitLength: 200 }));

  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`, c.get("requestId")), 404));

  const log = createLog(service);
  app.onError((err, c) => {
    const id = c.get("requestId") ?? "unknown";
    if (err instanceof AppError) {
      if (err.status >= 500) log("request_failed", { requestId: id, code: err.code, error: String(err.cause ?? err.message) });
      const message = err.status >= 500 ? "the service could not handle this request; retry later" : err.message;
      return c.json(errorBody(err.code, message, id, err.fields), err.status, err.headers);
    }
    if (err instanceof ConfigError) {
      // Named, not an opaque 500: the message lists each bad variable and what is wrong (never a value).
      log("request_failed", { requestId: id, code: "misconfigured", error: err.message });
      return c.json(errorBody("misconfigured", err.message, id), 503);
    }
    if (err instanceof HTTPException) {
      const code = STATUS_CODES[err.status] ?? (err.status >= 500 ? "internal" : "invalid_request");
      const headers: Record<string, string> = {};
      const challenge = err.getResponse().headers.get("WWW-Authenticate");
      if (challenge) headers["WWW-Authenticate"] = challenge;
      return c.json(errorBody(code, err.message || defaultMessage(code), id), err.status as ContentfulStatusCode, headers);
    }
    log("request_failed", { requestId: id, code: "internal", error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return c.json(errorBody("internal", "the service could not handle this request; retry later", id), 500);
  });
  return app;
}

function defaultMessage(code: ErrorCode): string {
  return code === "unauthorized" ? "missing or invalid credentials" : code.replaceAll("_", " ");
}
