import { z } from "zod";
import { RelayCallback } from "../contracts/analysis.ts";
import { ExecutionResult } from "../contracts/execution.ts";
import {
  AckAnswer,
  ApprovalDetail,
  ApprovalPage,
  ChatAnswer,
  DeadLetterPage,
  ExecutionResultAnswer,
  IncidentDetail,
  IncidentPage,
  LearningRecommendation,
  LearningSummary,
  RelayCallbackAnswer,
  SmokeRun,
  StatsAutonomy,
  StatsMttr,
  StatsOverview,
  StatsSlo,
  StatsVolume,
  TelegramWebhookAnswer,
} from "../contracts/ops-api.ts";
import { AlertmanagerWebhook } from "../contracts/sources/alertmanager.ts";
import { CanonicalAlertsBody } from "../contracts/sources/canonical.ts";
import { GrafanaWebhook } from "../contracts/sources/grafana.ts";
import { ScannerReport } from "../contracts/sources/scanner.ts";
import { SentryEventAlert, SentryIssueWebhook } from "../contracts/sources/sentry.ts";
import { ERROR_CODES } from "./errors.ts";

/** Response shapes the API promises; request shapes come from the contracts the handlers parse with. */
const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
const IngestAnswer = z.object({
  results: z.array(
    z.object({ fingerprint: z.string(), incident_id: z.uuid().nullable(), status: z.enum(["accepted", "aggregated", "resolved", "storm", "rate_limited"]) }),
  ),
  truncated: z.number().int().optional(),
  degraded: z.boolean().optional(),
});
const AnyObject = z.record(z.string(), z.unknown());
const DecisionForm = z.object({
  approver: z.string(),
  expires: z.string(),
  sig: z.string(),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(1_000).optional(),
});
const AckBody = z.object({ by: z.string().max(64).optional().describe("who acknowledges (default ops)") });
const ResultForm = z.object({
  approver: z.string(),
  expires: z.string(),
  sig: z.string(),
  outcome: z.enum(["succeeded", "failed"]),
  note: z.string().max(4_000).optional(),
});

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) as Record<string, unknown>;
const json = (s: z.ZodType) => ({ "application/json": { schema: schema(s) } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: "the shared error body", content: json(ErrorBody) }]));

interface Operation {
  readonly summary: string;
  readonly auth?: "webhook" | "ops" | "signed" | "link" | "metrics";
  readonly body?: { readonly type: "json" | "form"; readonly schema: z.ZodType };
  readonly ok: { readonly status: number; readonly description: string; readonly schema?: z.ZodType; readonly contentType?: string };
  readonly errors?: readonly number[];
  readonly query?: ReadonlyArray<{ readonly name: string; readonly description: string }>;
}

const webhook = (source: string, body: z.ZodType, note = ""): Operation => ({
  summary: `Ingest ${source} alerts${note}`,
  auth: "webhook",
  body: { type: "json", schema: body },
  ok: { status: 202, description: "admitted: one result per alert", schema: IngestAnswer },
  errors: [400, 401, 413, 415, 429, 503],
});

const OPS_LIST = [
  { name: "status", description: "filter by status" },
  { name: "priority", description: "P0–P3" },
  { name: "since", description: "ISO 8601 date-time" },
  { name: "limit", description: "1–200 (default 50)" },
  { name: "cursor", description: "next_cursor of the previous page" },
];
const STATS_QUERY = [
  { name: "at", description: "compute as of this ISO 8601 time (default now)" },
  { name: "window", description: "24h | 7d | 30d (default 7d)" },
];

const PATHS: Record<string, Record<string, Operation>> = {
  "/api/v1/webhooks/alertmanager": { post: webhook("Prometheus Alertmanager (webhook v4)", AlertmanagerWebhook) },
  "/api/v1/webhooks/grafana": { post: webhook("Grafana unified alerting", GrafanaWebhook, "; HMAC-signed when GRAFANA_WEBHOOK_SECRET is set") },
  "/api/v1/webhooks/signoz": { post: webhook("SigNoz (Alertmanager format)", AlertmanagerWebhook) },
  "/api/v1/webhooks/sentry": {
    post: webhook(
      "Sentry integration-platform",
      z.union([SentryEventAlert, SentryIssueWebhook]),
      "; `Sentry-Hook-Signature` verified when SENTRY_CLIENT_SECRET is set",
    ),
  },
  "/api/v1/webhooks/scanner": { post: webhook("security-scanner", ScannerReport) },
  "/api/v1/webhooks/alerts": { post: webhook("canonical", CanonicalAlertsBody) },
  "/api/v1/analyze/callback": {
    post: {
      summary: "The Ollama relay's answer to a job (HMAC-signed)",
      auth: "signed",
      body: { type: "json", schema: RelayCallback },
      ok: {
        status: 200,
        description: "used, ignored (late, duplicate or another job) or rejected (unusable: the next provider takes over)",
        schema: RelayCallbackAnswer,
      },
      errors: [400, 401, 404, 413],
    },
  },
  "/approve/{approvalId}": {
    get: {
      summary: "Confirm page behind an approver's signed link (never changes anything)",
      auth: "link",
      ok: { status: 200, description: "HTML page", contentType: "text/html" },
      errors: [403, 404],
    },
    post: {
      summary: "Approve or reject (form POST from the confirm page)",
      auth: "link",
      body: { type: "form", schema: DecisionForm },
      ok: { status: 200, description: "HTML page with the new state", contentType: "text/html" },
      errors: [400, 403, 409, 415],
    },
  },
  "/approve/{approvalId}/result": {
    post: {
      summary: "Mark an approved action done or failed, after running it by hand",
      auth: "link",
      body: { type: "form", schema: ResultForm },
      ok: { status: 200, description: "HTML page", contentType: "text/html" },
      errors: [400, 403, 409, 415],
    },
  },
  "/api/v1/executions/{executionId}/result": {
    post: {
      summary: "The executor's report (HMAC-signed with EXECUTOR_SECRET)",
      auth: "signed",
      body: { type: "json", schema: ExecutionResult },
      ok: { status: 200, description: "recorded (or the same result again)", schema: ExecutionResultAnswer },
      errors: [400, 401, 404, 409, 413],
    },
  },
  "/api/v1/incidents": {
    get: {
      summary: "List incidents, newest first",
      auth: "ops",
      query: OPS_LIST,
      ok: { status: 200, description: "a page", schema: IncidentPage },
      errors: [400, 401],
    },
  },
  "/api/v1/incidents/{incidentId}": {
    get: {
      summary: "One incident with verdict, decision and counts",
      auth: "ops",
      ok: { status: 200, description: "the incident", schema: IncidentDetail },
      errors: [400, 401, 404],
    },
  },
  "/api/v1/incidents/{incidentId}/ack": {
    post: {
      summary: "Acknowledge an incident (someone is on it): its escalation for want of a response stops",
      auth: "ops",
      body: { type: "json", schema: AckBody },
      ok: { status: 200, description: "acknowledged now (`acknowledged: true`), or the first acknowledgement again", schema: AckAnswer },
      errors: [400, 401, 404, 409],
    },
  },
  "/api/v1/telegram/webhook": {
    post: {
      summary: "Telegram updates: Approve/Reject/Acknowledge presses and commands (X-Telegram-Bot-Api-Secret-Token)",
      auth: "signed",
      body: { type: "json", schema: AnyObject },
      ok: { status: 200, description: "handled, or a Bot API method answering a command", schema: TelegramWebhookAnswer },
      errors: [400, 401, 404, 413],
    },
  },
  "/api/v1/slack/interactions": {
    post: {
      summary: "Slack block actions (v0-signed with SLACK_SIGNING_SECRET)",
      auth: "signed",
      body: { type: "form", schema: AnyObject },
      ok: { status: 200, description: "handled", schema: ChatAnswer },
      errors: [400, 401, 404, 413],
    },
  },
  "/api/v1/approvals": {
    get: {
      summary: "List approvals, newest first",
      auth: "ops",
      query: OPS_LIST,
      ok: { status: 200, description: "a page", schema: ApprovalPage },
      errors: [400, 401],
    },
  },
  "/api/v1/approvals/{approvalId}": {
    get: {
      summary: "One approval with signatures, execution and audit trail",
      auth: "ops",
      ok: { status: 200, description: "the approval", schema: ApprovalDetail },
      errors: [400, 401, 404],
    },
  },
  "/api/v1/dead-letters": {
    get: {
      summary: "Messages (or notification recipients) that could not be handled",
      auth: "ops",
      query: [{ name: "queue", description: "filter by queue" }, ...OPS_LIST.slice(2)],
      ok: { status: 200, description: "a page", schema: DeadLetterPage },
      errors: [400, 401],
    },
  },
  "/api/v1/learning/summary/{fingerprint}": {
    get: {
      summary: "What past repairs of an alert taught",
      auth: "ops",
      ok: { status: 200, description: "stats, outcomes, playbook, recommendation", schema: LearningSummary },
      errors: [400, 401],
    },
  },
  "/api/v1/learning/recommendation/{fingerprint}": {
    get: {
      summary: "The recommended action for an alert",
      auth: "ops",
      ok: { status: 200, description: "recommendation or null with a reason", schema: LearningRecommendation },
      errors: [400, 401],
    },
  },
  "/api/v1/stats/overview": {
    get: {
      summary: "Open incidents, pending approvals, 24 h volume and dedup ratio",
      auth: "ops",
      query: STATS_QUERY.slice(0, 1),
      ok: { status: 200, description: "figures", schema: StatsOverview },
      errors: [400, 401],
    },
  },
  "/api/v1/stats/autonomy": {
    get: {
      summary: "The autonomy index (24 h, 7 d, daily)",
      auth: "ops",
      query: STATS_QUERY.slice(0, 1),
      ok: { status: 200, description: "figures", schema: StatsAutonomy },
      errors: [400, 401],
    },
  },
  "/api/v1/stats/mttr": {
    get: {
      summary: "MTTR, automatic vs human, per priority",
      auth: "ops",
      query: STATS_QUERY,
      ok: { status: 200, description: "figures", schema: StatsMttr },
      errors: [400, 401],
    },
  },
  "/api/v1/stats/slo": {
    get: {
      summary: "Share of approvals answered and incidents resolved within SLA",
      auth: "ops",
      query: STATS_QUERY,
      ok: { status: 200, description: "figures", schema: StatsSlo },
      errors: [400, 401],
    },
  },
  "/api/v1/stats/volume": {
    get: {
      summary: "Alert volume and dedup ratio, 24 h and daily for 7 days",
      auth: "ops",
      query: STATS_QUERY.slice(0, 1),
      ok: { status: 200, description: "figures", schema: StatsVolume },
      errors: [400, 401],
    },
  },
  "/api/v1/smoke/{run}": {
    get: {
      summary: "A smoke run's progress through the chain (`latest` for the cron's last)",
      auth: "ops",
      ok: { status: 200, description: "stages with latency", schema: SmokeRun },
      errors: [400, 401, 404],
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus scrape (bearer METRICS_TOKEN when set)",
      auth: "metrics",
      ok: { status: 200, description: "Prometheus text format", contentType: "text/plain" },
      errors: [401, 503],
    },
  },
  "/status": {
    get: {
      summary: "Status page: autonomy index, pending decisions, 7-day charts",
      auth: "ops",
      ok: { status: 200, description: "HTML page", contentType: "text/html" },
      errors: [401],
    },
  },
  "/dev/inbox": {
    get: {
      summary: "Local dev only (DEV_INBOX=on): what notify would have sent",
      ok: { status: 200, description: "messages", schema: AnyObject },
      errors: [404],
    },
  },
  "/health": { get: { summary: "Liveness of a function (locally: of all five)", ok: { status: 200, description: "ok", schema: AnyObject } } },
};

const SECURITY = {
  webhook: [{ webhookBearer: [] }, { webhookBasic: [] }],
  ops: [{ opsBearer: [] }],
  metrics: [{ metricsBearer: [] }, {}],
  signed: [{ hmacSignature: [] }],
  link: [{ signedLink: [] }],
};

/** The OpenAPI 3.0 document of every HTTP route, from the same zod schemas the handlers parse with. */
export function openApiDocument(serverUrl?: string) {
  const paths = Object.fromEntries(
    Object.entries(PATHS).map(([path, operations]) => [
      path,
      Object.fromEntries(
        Object.entries(operations).map(([method, op]) => {
          const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
          const queryParams = (op.query ?? []).map((q) => ({
            name: q.name,
            in: "query",
            required: false,
            description: q.description,
            schema: { type: "string" },
          }));
          return [
            method,
            {
              summary: op.summary,
              ...(op.auth ? { security: SECURITY[op.auth] } : {}),
              ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
              ...(op.body
                ? {
                    requestBody: {
                      required: true,
                      content: op.body.type === "json" ? json(op.body.schema) : { "application/x-www-form-urlencoded": { schema: schema(op.body.schema) } },
                    },
                  }
                : {}),
              responses: {
                [String(op.ok.status)]: {
                  description: op.ok.description,
                  ...(op.ok.schema
                    ? { content: json(op.ok.schema) }
                    : op.ok.contentType
                      ? { content: { [op.ok.contentType]: { schema: { type: "string" } } } }
                      : {}),
                },
                ...errors(...(op.errors ?? [])),
              },
            },
          ];
        }),
      ),
    ]),
  );
  return {
    openapi: "3.0.3",
    info: {
      title: "AWOOOI Edge",
      version: "1",
      description: "AI alert triage on Cloudflare Workers: ingest, analyze, classify, notify, approve. Every refusal is the shared JSON error body.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        webhookBearer: { type: "http", scheme: "bearer", description: "WEBHOOK_TOKEN (or the source's own WEBHOOK_TOKEN_<SOURCE>)" },
        webhookBasic: { type: "http", scheme: "basic", description: "any user name, the webhook token as password" },
        opsBearer: { type: "http", scheme: "bearer", description: "OPS_TOKEN" },
        metricsBearer: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, when set" },
        hmacSignature: { type: "apiKey", in: "header", name: "X-Awoooi-Signature", description: "hex HMAC-SHA-256 of `<X-Awoooi-Timestamp>.<raw body>`" },
        signedLink: { type: "apiKey", in: "query", name: "sig", description: "the per-approver signature in the link (with approver and expires)" },
      },
    },
    paths,
  };
}

/** Every path the document describes, for the tests that keep it honest. */
export const DOCUMENTED_PATHS = Object.keys(PATHS);
