import type { OpenAPIHono } from "@hono/zod-openapi";
import { METRICS_KEY } from "../../../shared/adapters/upstash-metrics.ts";
import { checkToken } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, refusals, SECURITY, serveDescribed, textAnswer } from "../../../shared/http/route-docs.ts";
import { configOf } from "./env.ts";
import { prometheusText } from "./prometheus.ts";
import type { ApproveEnv } from "./services.ts";

/** Prometheus scrape endpoint: the counters every function keeps in Redis, summed. Bearer `METRICS_TOKEN` (open only with METRICS_PUBLIC). */
const METRICS_ROUTE = describeRoute({
  method: "get",
  path: "/metrics",
  summary: "Prometheus scrape (bearer METRICS_TOKEN when set)",
  tags: ["operations"],
  security: SECURITY.metrics,
  responses: { 200: textAnswer("Prometheus text format", "text/plain"), ...refusals(401, 503) },
});

export function mountMetricsRoute(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, METRICS_ROUTE, async (c) => {
    const token = configOf(c.env).METRICS_TOKEN;
    if (token) await checkToken(c.req.header("Authorization"), token, { realm: "metrics", allowBasic: true });
    let stored: Record<string, string>;
    try {
      stored = asRecord(await c.get("services").redis.hgetall(METRICS_KEY));
    } catch (error) {
      throw new AppError("unavailable", `metrics store unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { contentType, body } = await prometheusText(stored);
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
}

/** Without automatic deserialisation HGETALL answers the flat [field, value, …] array. */
function asRecord(reply: unknown): Record<string, string> {
  if (Array.isArray(reply)) {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = String(reply[i + 1]);
    return record;
  }
  return (reply as Record<string, string> | null) ?? {};
}
