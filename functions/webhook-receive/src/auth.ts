import type { Context, MiddlewareHandler } from "hono";
import { checkToken, unauthorized as sharedUnauthorized } from "../../../shared/http/auth.ts";
import { verifyHexHmacSha256 } from "../../../shared/http/signatures.ts";
import { configOf, type Env, type SourceName, tokensFor, type WebhookReceiveConfig } from "./env.ts";

const REALM = "webhook-receive";
const unauthorized = (message: string) => sharedUnauthorized(REALM, message);

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
      await verifySentry(c, config.SENTRY_CLIENT_SECRET, config.SIGNATURE_MAX_AGE_SECONDS);
    } else if (source === "grafana" && config.GRAFANA_WEBHOOK_SECRET) {
      await verifyGrafana(c, config);
    } else {
      await checkToken(c.req.header("Authorization"), tokensFor(config, source), { realm: REALM, allowBasic: true });
    }
    await next();
  };
}

async function verifySentry(c: Context, secret: string, maxAgeSeconds: number): Promise<void> {
  const signature = c.req.header("Sentry-Hook-Signature");
  if (!signature) throw unauthorized("missing Sentry-Hook-Signature");
  // Sentry sends its send time (seconds) beside the signature. Its MAC does not cover it, so this stops a
  // captured request replayed as it was sent; repeats that get through are aggregated by dedup anyway.
  const timestamp = c.req.header("Sentry-Hook-Timestamp");
  if (timestamp !== undefined) {
    if (!/^\d{1,12}(\.\d+)?$/.test(timestamp)) throw unauthorized("malformed Sentry-Hook-Timestamp");
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) throw unauthorized("Sentry-Hook-Timestamp outside the allowed window");
  }
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
