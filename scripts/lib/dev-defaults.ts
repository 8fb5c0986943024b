/**
 * Documented dev defaults (README "Local dev"). Any of them can be overridden
 * by setting the variable in the environment of `npm run dev`.
 */
export const DEV_DEFAULTS: Readonly<Record<string, string>> = {
  WEBHOOK_TOKEN: "dev-webhook-token",
  OPS_TOKEN: "dev-ops-token",
  APPROVERS: JSON.stringify([{ id: "alice" }, { id: "bob" }]),
  LINK_SIGNING_KEY: "dev-link-signing-key-0123456789abcdef",
  DEV_INBOX: "on",
  // Local only: production requires METRICS_TOKEN unless METRICS_PUBLIC is set on purpose.
  METRICS_PUBLIC: "true",
};

/** Variables a developer may pass through from their shell to the functions. */
export const PASS_THROUGH = [
  "WEBHOOK_TOKEN",
  "OPS_TOKEN",
  "APPROVERS",
  "LINK_SIGNING_KEY",
  "LINK_SIGNING_KEY_PREVIOUS",
  "DEDUP_WINDOW_SECONDS",
  "DEV_INBOX",
  "METRICS_TOKEN",
  "METRICS_PUBLIC",
  "RATE_LIMIT_PER_MINUTE",
  "STORM_THRESHOLD",
  "GRAFANA_WEBHOOK_SECRET",
  "GRAFANA_SIGNATURE_HEADER",
  "GRAFANA_TIMESTAMP_HEADER",
  "SENTRY_CLIENT_SECRET",
  "SIGNATURE_MAX_AGE_SECONDS",
  "WEBHOOK_TOKEN_ALERTMANAGER",
  "WEBHOOK_TOKEN_GRAFANA",
  "WEBHOOK_TOKEN_SIGNOZ",
  "WEBHOOK_TOKEN_SENTRY",
  "WEBHOOK_TOKEN_SCANNER",
  "WEBHOOK_TOKEN_ALERTS",
  "AI_FALLBACK_ORDER",
  "AUTO_APPROVE_NAMESPACES",
  "AUTO_APPROVE_OPERATIONS",
  "AUTO_APPROVE_MIN_CONFIDENCE",
  "MAX_REPAIRS_PER_HOUR",
  "MAX_CONSECUTIVE_FAILURES",
  "MAX_REPLICAS",
  "APPROVAL_EXPIRY",
  "SLA_RESPONSE",
  "SLA_RESOLUTION",
  "EXECUTOR_URL",
  "EXECUTOR_SECRET",
  "EXECUTOR_DRY_RUN",
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_API_BASE",
  "TELEGRAM_CHAT_ID",
  "TELEGRAM_P0_CHAT_ID",
  "TELEGRAM_SECURITY_CHAT_ID",
  "TELEGRAM_WEBHOOK_SECRET",
  "SLACK_WEBHOOK_URL",
  "SLACK_WEBHOOK_URL_CRITICAL",
  "SLACK_WEBHOOK_URL_WARNING",
  "SLACK_WEBHOOK_URL_INFO",
  "SLACK_BOT_TOKEN",
  "SLACK_CHANNEL_ID",
  "SLACK_API_BASE",
  "SLACK_SIGNING_SECRET",
  "PAGERDUTY_ROUTING_KEY",
  "PAGERDUTY_EVENTS_URL",
  "PAGERDUTY_PRIORITIES",
  "SENTRY_API_URL",
  "SENTRY_API_TOKEN",
  "SENTRY_ORG",
  "NOTIFY_WEBHOOK_URL",
  "NOTIFY_WEBHOOK_SECRET",
  "GEMINI_API_KEY",
  "GEMINI_MODEL",
  "GEMINI_BASE_URL",
  "GEMINI_TIMEOUT_SECONDS",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_TIMEOUT_SECONDS",
  "OLLAMA_MODEL",
  "OLLAMA_TIMEOUT_SECONDS",
] as const;

/** Signs relay jobs and callbacks between analyze and the relay the dev stack starts. */
export const DEV_RELAY_SECRET = "dev-relay-hmac-secret-0123456789";

/** A sample Alertmanager v4 webhook body: a crash-looping pod in production. */
export function sampleAlertmanagerBody(): Record<string, unknown> {
  return {
    version: "4",
    groupKey: '{}:{alertname="PodCrashLoopBackOff"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "awoooi",
    groupLabels: { alertname: "PodCrashLoopBackOff" },
    commonLabels: { alertname: "PodCrashLoopBackOff", severity: "critical" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "PodCrashLoopBackOff", severity: "critical", namespace: "production", pod: "api-server-7d4b8c9f5-xk2m3" },
        annotations: {
          summary: "Pod api-server-7d4b8c9f5-xk2m3 is crash looping",
          description: "Container api restarted 6 times in 10 minutes",
          restart_count: "6",
        },
        startsAt: "2026-11-22T03:00:00Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example:9090/graph?g0.expr=kube_pod_container_status_waiting_reason",
        fingerprint: "c0ffee0ddba11ad5",
      },
    ],
  };
}
