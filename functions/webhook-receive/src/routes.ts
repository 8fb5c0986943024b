import * as z from "zod/v4";
import { describeRoute, jsonAnswer, jsonBody, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import { SOURCE_ROUTES, SOURCES, type SourceName } from "./sources.ts";

/** The answer to every webhook post: one result per alert, in the order received. */
export const IngestAnswer = z.strictObject({
  results: z.array(
    z.strictObject({
      fingerprint: z.string(),
      incident_id: z.uuid().nullable().describe("the incident this alert opened or joined; null when it closed or was refused"),
      status: z.enum(["accepted", "aggregated", "resolved", "storm", "rate_limited"]),
    }),
  ),
  degraded: z.literal(true).optional().describe("Redis was unusable: admitted without dedup, analyze dedupes in Postgres"),
  truncated_alerts: z.number().int().min(1).optional().describe("alerts the sender left out of this body (Alertmanager truncatedAlerts)"),
});
export type IngestAnswer = z.infer<typeof IngestAnswer>;

export const webhookPath = (source: SourceName) => `/api/v1/webhooks/${source}` as const;

/** One route per alert source: what it accepts and every answer it gives. */
export const WEBHOOK_ROUTES = SOURCES.map((source) => {
  const route = SOURCE_ROUTES[source];
  return describeRoute({
    method: "post",
    path: webhookPath(source),
    summary: route.summary,
    tags: ["ingest"],
    security: SECURITY.webhook,
    request: { body: jsonBody(route.documentedBody ?? route.schema) },
    responses: { 202: jsonAnswer("admitted: one result per alert", IngestAnswer), ...refusals(400, 401, 413, 415, 429, 503) },
  });
});
