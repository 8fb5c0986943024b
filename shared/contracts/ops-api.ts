import * as z from "zod/v4";
import { ApprovalAction, ApprovalAlternative } from "./action.ts";
import { Priority } from "./alert.ts";
import { ApprovalStatus, Decision, Triage } from "./approval.ts";
import { ClusterContext } from "./context.ts";
import { ExecutionStatus } from "./execution.ts";
import { Operation, Rca, RcaProvider } from "./rca.ts";
import { TicketRef } from "./ticket.ts";

/**
 * The JSON answers of the ops API (`/api/v1/…`), once: `/openapi.json`
 * documents them and the tests parse every answer the routes give with them
 * (strict, so a field added or dropped in a handler fails a test).
 */

const Instant = z.iso.datetime({ offset: true });
const NullableInstant = Instant.nullable();
const Page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), next_cursor: z.string().nullable() });

const IncidentIdentity = {
  id: z.uuid(),
  fingerprint: z.string(),
  status: z.enum(["analyzing", "analyzed", "resolved"]),
  alert_type: z.string(),
  source: z.string(),
  severity: z.enum(["critical", "warning", "info"]),
  priority: Priority,
  namespace: z.string().nullable(),
  target_resource: z.string().nullable(),
};

export const IncidentSummary = z.strictObject({
  ...IncidentIdentity,
  opened_at: NullableInstant,
  analyzed_at: NullableInstant,
  resolved_at: NullableInstant,
  risk_level: z.enum(["low", "medium", "high", "critical"]).nullable(),
  decision: Triage.shape.decision.nullable(),
});
export const IncidentPage = Page(IncidentSummary);

export const EscalationStepJson = z.strictObject({
  level: z.number().int().min(1).max(4),
  role: z.string(),
  reason: z.enum(["approval_pending", "unacknowledged", "unresolved"]),
  at: Instant,
  reached: z.array(z.string()),
});

export const IncidentDetail = z.strictObject({
  ...IncidentIdentity,
  correlation_id: z.string().describe("the ingest request's X-Request-Id, carried by every message and hand-off"),
  message: z.string(),
  trimmed: z.array(z.string()),
  hit_count: z.number().int().min(1),
  first_seen: Instant,
  last_seen: Instant,
  opened_at: NullableInstant,
  analyzed_at: NullableInstant,
  resolved_at: NullableInstant,
  rca: Rca.nullable(),
  analysis: z.strictObject({
    providers_tried: z.array(
      z.strictObject({
        provider: RcaProvider,
        outcome: z.enum(["verdict", "submitted", "skipped", "failed"]),
        reason: z.string().nullable(),
        duration_ms: z.number().int().nullable(),
        input_tokens: z.number().int().nullable(),
        output_tokens: z.number().int().nullable(),
        at: Instant,
      }),
    ),
    duration_ms: z.number().int().nullable(),
    pending_provider: RcaProvider.nullable(),
    cluster_context: ClusterContext.nullable().describe("what the relay read from Kubernetes and Prometheus before the prompt (docs/analyze.md)"),
  }),
  triage: Triage.nullable(),
  ticket: TicketRef.nullable().describe("the tracker ticket notify opened for the incident (TICKET_SYSTEM; docs/notify.md)"),
  approval_id: z.uuid().nullable(),
  approval_status: ApprovalStatus.nullable(),
  acknowledged_at: NullableInstant,
  acknowledged_by: z.string().nullable(),
  escalation: z.strictObject({ level: z.number().int().min(0).max(4), steps: z.array(EscalationStepJson) }),
});

export const AckAnswer = z.strictObject({
  incident_id: z.uuid(),
  acknowledged: z.boolean().describe("false: someone acknowledged it first (named here)"),
  acknowledged_at: NullableInstant,
  acknowledged_by: z.string().nullable(),
});

export const ExecutionJson = z.strictObject({
  id: z.uuid(),
  approval_id: z.uuid(),
  incident_id: z.uuid(),
  status: ExecutionStatus,
  dry_run: z.boolean(),
  automatic: z.boolean(),
  operation: Operation,
  command: z.string(),
  action: z.record(z.string(), z.unknown()).nullable(),
  argv: z.array(z.string()).nullable(),
  digest: z.string().nullable(),
  plan: z.record(z.string(), z.unknown()).nullable(),
  requested_at: NullableInstant,
  dispatched_at: NullableInstant,
  finished_at: NullableInstant,
  duration_ms: z.number().int().nullable(),
  output_excerpt: z.string().nullable(),
  reported_by: z.string().nullable(),
});

export const ExecutionResultAnswer = z.strictObject({
  recorded: z.boolean().describe("false: the same result again"),
  execution: ExecutionJson,
  playbook: z.enum(["update", "remove", "keep"]).optional(),
});

export const ApprovalSummary = z.strictObject({
  id: z.uuid(),
  incident_id: z.uuid(),
  status: ApprovalStatus,
  priority: Priority,
  risk_level: z.enum(["low", "medium", "high", "critical"]),
  required_signatures: z.number().int(),
  approvals: z.number().int(),
  auto_approved: z.boolean(),
  operation: Operation,
  escalation_level: z.number().int(),
  expires_at: NullableInstant,
  created_at: NullableInstant,
  decided_at: NullableInstant,
});
export const ApprovalPage = Page(ApprovalSummary);

export const ApprovalDetail = z.strictObject({
  id: z.uuid(),
  incident_id: z.uuid(),
  status: ApprovalStatus,
  risk_level: z.enum(["low", "medium", "high", "critical"]),
  required_signatures: z.number().int(),
  auto_approved: z.boolean(),
  reasons: z.array(z.string()),
  action: ApprovalAction,
  alternative: ApprovalAlternative.nullable().describe(
    "another action approvers may choose by its digest while nobody has approved this one (the alert's playbook)",
  ),
  expires_at: NullableInstant,
  created_at: NullableInstant,
  decided_at: NullableInstant,
  escalation_level: z.number().int(),
  execution: ExecutionJson.nullable(),
  signatures: z.array(z.strictObject({ approver: z.string(), decision: Decision, comment: z.string().nullable(), signed_at: NullableInstant })),
  audit: z.array(z.strictObject({ at: NullableInstant, actor: z.string(), action: z.string(), details: z.unknown() })),
});

export const DeadLetterPage = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      queue: z.string(),
      message_id: z.string(),
      reason: z.string(),
      attempts: z.number().int(),
      body: z.unknown(),
      received_at: Instant,
    }),
  ),
  next_cursor: z.string().nullable(),
});

const Scored = z.strictObject({
  action: Operation,
  score: z.number(),
  success_rate: z.number(),
  samples: z.number().int(),
  tier: z.number().int(),
  avg_duration_ms: z.number().int().nullable(),
});
const RecommendationJson = Scored.extend({ alternatives: z.array(Scored) }).nullable();

export const LearningSummary = z.strictObject({
  fingerprint: z.string(),
  total_samples: z.number().int(),
  actions: z.array(
    z.strictObject({
      action: Operation,
      samples: z.number().int(),
      successes: z.number().int(),
      success_rate: z.number(),
      avg_duration_ms: z.number().int().nullable(),
      tier: z.number().int(),
    }),
  ),
  recent_outcomes: z.array(
    z.strictObject({
      action: Operation,
      success: z.boolean(),
      duration_ms: z.number().int().nullable(),
      execution_id: z.string().nullable(),
      recorded_at: Instant,
    }),
  ),
  playbook: z.strictObject({ action: Operation, command: z.string(), success_rate: z.number(), samples: z.number().int(), updated_at: Instant }).nullable(),
  recommendation: RecommendationJson,
});

export const LearningRecommendation = z.strictObject({
  fingerprint: z.string(),
  recommendation: RecommendationJson,
  reason: z.string().optional().describe("why there is none yet"),
});

const AutonomyWindow = z.strictObject({ auto_resolved: z.number().int(), human_resolved: z.number().int(), autonomy_index: z.number().nullable() });
export const StatsOverview = z.strictObject({
  at: Instant,
  open_incidents: z.number().int(),
  pending_approvals: z.number().int(),
  alerts_24h: z.number().int(),
  incidents_opened_24h: z.number().int(),
  dedup_ratio_24h: z.number().nullable(),
});
export const StatsAutonomy = z.strictObject({
  at: Instant,
  last_24h: AutonomyWindow,
  last_7d: AutonomyWindow,
  daily: z.array(AutonomyWindow.extend({ date: z.string() })),
});
const MttrFigure = z.strictObject({ incidents: z.number().int(), mttr_seconds: z.number().int().nullable() });
const MttrSplit = MttrFigure.extend({ auto: MttrFigure, human: MttrFigure });
const StatsWindow = z.enum(["24h", "7d", "30d"]);
export const StatsMttr = MttrSplit.extend({ at: Instant, window: StatsWindow, by_priority: z.record(Priority, MttrSplit) });
const SloFigure = z.strictObject({ within: z.number().int(), total: z.number().int(), percent: z.number().nullable() });
const SloSplit = SloFigure.extend({ by_priority: z.record(Priority, SloFigure) });
export const StatsSlo = z.strictObject({
  at: Instant,
  window: StatsWindow,
  response_sla_seconds: z.record(Priority, z.number().int()),
  resolution_sla_seconds: z.record(Priority, z.number().int()),
  approvals_answered_within_sla: SloSplit,
  incidents_resolved_within_sla: SloSplit,
});
const Volume = z.strictObject({
  alerts: z.number().int(),
  incidents_opened: z.number().int(),
  deduplicated: z.number().int(),
  dedup_ratio: z.number().nullable(),
});
export const StatsVolume = z.strictObject({ at: Instant, last_24h: Volume, daily: z.array(Volume.extend({ date: z.string() })) });

export const SmokeRun = z.strictObject({
  run: z.string(),
  state: z.enum(["passed", "running", "failed"]),
  missing: z.string().optional(),
  total_ms: z.number().int().optional(),
  stages: z.array(z.strictObject({ stage: z.string(), at: NullableInstant, ms_from_previous: z.number().int().nullable() })),
});

export const ChatAnswer = z.strictObject({
  ok: z.literal(true),
  handled: z.boolean(),
  outcome: z.enum(["recorded", "repeat", "closed", "refused", "acknowledged"]).optional(),
  text: z.string().optional(),
});

export const RelayCallbackAnswer = z.strictObject({ status: z.enum(["used", "ignored", "rejected"]) });

/** Telegram's webhook: a press or other update is acknowledged; a command is answered with a Bot API method in the reply itself. */
export const TelegramWebhookAnswer = z.union([
  ChatAnswer,
  z.strictObject({
    method: z.literal("sendMessage"),
    chat_id: z.number().int(),
    text: z.string(),
    parse_mode: z.literal("HTML"),
    link_preview_options: z.strictObject({ is_disabled: z.literal(true) }),
  }),
]);

const ProviderUsageJson = z.strictObject({
  calls: z.number().int(),
  failures: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number().describe("estimated from the price table (LLM_PRICES overrides it)"),
  latency_ms: z.strictObject({ p50: z.number().nullable(), p95: z.number().nullable() }),
});
const PriceJson = z.strictObject({ input_per_mtok: z.number(), output_per_mtok: z.number() });

export const StatsLlm = z.strictObject({
  at: Instant,
  window: z.enum(["24h", "7d", "30d"]),
  providers: z.strictObject({ ollama: ProviderUsageJson, gemini: ProviderUsageJson, anthropic: ProviderUsageJson, rules: ProviderUsageJson }),
  total: z.strictObject({ calls: z.number().int(), input_tokens: z.number().int(), output_tokens: z.number().int(), cost_usd: z.number() }),
  prices_usd_per_mtok: z.strictObject({ ollama: PriceJson, gemini: PriceJson, anthropic: PriceJson, rules: PriceJson }),
});
