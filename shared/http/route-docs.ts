import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Env, Handler, MiddlewareHandler } from "hono";
import * as z from "zod/v4";
import { ERROR_CODES } from "./errors.ts";

/**
 * The pieces every route description is made of. Each route's description
 * (request and answer schemas) is declared next to its handler; this module
 * holds only what they share, and no generator, so a function that merely
 * describes its routes (webhook-receive) carries none of the OpenAPI code.
 */

export type { RouteConfig };

/** The one error body of every function (shared/http/errors.ts). */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** A JSON request body. */
export const jsonBody = <S extends z.ZodType>(schema: S) => ({ required: true, content: { "application/json": { schema } } }) as const;

/** A form (`application/x-www-form-urlencoded`) request body. */
export const formBody = <S extends z.ZodType>(schema: S) => ({ required: true, content: { "application/x-www-form-urlencoded": { schema } } }) as const;

/** A JSON answer and what it means. */
export const jsonAnswer = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { "application/json": { schema } } }) as const;

/** An answer that is not JSON (an HTML page, Prometheus text). */
export const textAnswer = (description: string, contentType: "text/html" | "text/plain") =>
  ({ description, content: { [contentType]: { schema: z.string() } } }) as const;

/** The shared error body for each status a route may refuse with. */
export function refusals<const C extends ReadonlyArray<keyof typeof REFUSALS>>(...codes: C) {
  return Object.fromEntries(codes.map((code) => [code, { description: REFUSALS[code], content: { "application/json": { schema: ErrorBody } } }])) as {
    [K in C[number]]: { description: string; content: { "application/json": { schema: typeof ErrorBody } } };
  };
}

const REFUSALS = {
  400: "a field is invalid (named in error.fields)",
  401: "missing or invalid credentials",
  403: "the link is not valid for this approver",
  404: "no such resource (or the feature is not configured)",
  409: "the state no longer allows this",
  413: "the body is larger than this route accepts",
  415: "the body is not of a type this route accepts",
  429: "rate limited (Retry-After)",
  503: "a dependency or a setting is unusable (named); retry later",
} as const;

/** Who may call a route: the OpenAPI security requirement of each kind of credential. */
export const SECURITY: Record<"webhook" | "ops" | "metrics" | "signed" | "telegram" | "slack" | "link", Array<Record<string, string[]>>> = {
  webhook: [{ webhookBearer: [] }, { webhookBasic: [] }],
  ops: [{ opsBearer: [] }],
  metrics: [{ metricsBearer: [] }, {}],
  signed: [{ hmacSignature: [] }],
  telegram: [{ telegramSecret: [] }],
  slack: [{ slackSignature: [] }],
  link: [{ signedLink: [] }],
};

/** The security schemes SECURITY names. */
export const SECURITY_SCHEMES = {
  webhookBearer: { type: "http", scheme: "bearer", description: "WEBHOOK_TOKEN (or the source's own WEBHOOK_TOKEN_<SOURCE>)" },
  webhookBasic: { type: "http", scheme: "basic", description: "any user name, the webhook token as password" },
  opsBearer: { type: "http", scheme: "bearer", description: "OPS_TOKEN" },
  metricsBearer: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, when set" },
  hmacSignature: { type: "apiKey", in: "header", name: "X-Awoooi-Signature", description: "hex HMAC-SHA-256 of `<X-Awoooi-Timestamp>.<raw body>`" },
  telegramSecret: { type: "apiKey", in: "header", name: "X-Telegram-Bot-Api-Secret-Token", description: "TELEGRAM_WEBHOOK_SECRET, as given to setWebhook" },
  slackSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Slack-Signature",
    description: "v0 HMAC-SHA-256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` with SLACK_SIGNING_SECRET",
  },
  signedLink: { type: "apiKey", in: "query", name: "sig", description: "the per-approver signature in the link (with approver and expires)" },
} as const;

/** A route description checked against RouteConfig without importing the OpenAPI runtime. */
export const describeRoute = <const R extends RouteConfig>(route: R): R => route;

/** Hono's form of a described route's path (`/approve/{id}` → `/approve/:id`). */
const honoPath = (route: RouteConfig): string => route.path.replaceAll(/\{(\w+)\}/g, ":$1");

/**
 * A route that reads its raw request itself (a signed body, an HTML form):
 * described for /openapi.json beside the typed ones, served as plain Hono.
 */
export function serveDescribed<E extends Env>(
  app: OpenAPIHono<E>,
  route: RouteConfig,
  ...handlers: [...Array<MiddlewareHandler<NoInfer<E>>>, Handler<NoInfer<E>>]
): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), honoPath(route), ...(handlers as [Handler<E>]));
}
