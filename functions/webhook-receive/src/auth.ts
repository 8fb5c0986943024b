import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "../../../shared/http/errors.ts";
import { verifyHexHmacSha256 } from "../../../shared/http/signatures.ts";
import { configOf, type Env, type SourceName, tokensFor, type WebhookReceiveConfig } from "./env.ts";

const unauthorized = (message: string) => new AppError("unauthorized", message, { headers: { "WWW-Authenticate": 'Bearer realm="webhook-receive"' } });

/**
 * Authenticates a source before its body is parsed. Sentry and Grafana are
 * verified by HMAC over the raw body bytes when their secret is configured;
 * otherwise, and for every other source, a token is required: `Bearer <token>`
 * or Basic auth with the token as password (SigNoz sends its secret that way).
 */
export function authenticateSource(source: SourceName): MiddlewareHandler {
  return async function authenticate(c, next) {
    const config = configOf(c.env as Env);
    if (source === "sentry" && config.SENTRY_CLIENT_SECRET) {
      await verifySentry(c, config.SENTRY_CLIENT_SECRET);
    } else if (source === "grafana" && config.GRAFANA_WEBHOOK_SECRET) {
      await verifyGrafana(c, config);
    } else {
      await verifyToken(c, tokensFor(config, source));
    }
    await next();
  };
}

async function verifyToken(c: Context, expected: string): Promise<void> {
  const header = c.req.header("Authorization") ?? "";
  if (!header) throw unauthorized("missing Authorization: Bearer <token>");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  let presented: string | undefined;
  if (bearer) presented = bearer[1];
  else if (basic) presented = basicPassword(basic[1]!);
  if (presented === undefined || !(await timingSafeEqual(presented, expected))) throw unauthorized("invalid credentials");
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

async function verifySentry(c: Context, secret: string): Promise<void> {
  const signature = c.req.header("Sentry-Hook-Signature");
  if (!signature) throw unauthorized("missing Sentry-Hook-Signature");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (!(await verifyHexHmacSha256(secret, raw, signature))) throw unauthorized("Sentry-Hook-Signature does not match the body");
}

async function verifyGrafana(c: Context, config: WebhookReceiveConfig): Promise<void> {
  const signature = c.req.header(config.GRAFANA_SIGNATURE_HEADER);
  if (!signature) throw unauthorized(`missing ${config.GRAFANA_SIGNATURE_HEADER}`);
  const raw = new Uint8Array(await c.req.arrayBuffer());
  let message = raw;
  if (config.GRAFANA_TIMESTAMP_HEADER) {
    const timestamp = c.req.header(config.GRAFANA_TIMESTAMP_HEADER) ?? "";
    if (!/^\d{1,12}$/.test(timestamp)) throw unauthorized(`missing or malformed ${config.GRAFANA_TIMESTAMP_HEADER}`);
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > config.SIGNATURE_MAX_AGE_SECONDS)
      throw unauthorized("signature timestamp outside the allowed window");
    const prefix = new TextEncoder().encode(`${timestamp}:`);
    message = new Uint8Array(prefix.length + raw.length);
    message.set(prefix, 0);
    message.set(raw, prefix.length);
  }
  if (!(await verifyHexHmacSha256(config.GRAFANA_WEBHOOK_SECRET!, message, signature)))
    throw unauthorized(`${config.GRAFANA_SIGNATURE_HEADER} does not match the body`);
}
