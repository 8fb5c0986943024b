import { neonConfig, Pool } from "@neondatabase/serverless";
import { type ColumnType, type Generated, type JSONColumnType, Kysely, PostgresDialect } from "kysely";
import type { ActionPlan, ApprovalAction, ApprovalAlternative, RemediationAction } from "../contracts/action.ts";
import type { NormalizedAlert } from "../contracts/alert.ts";
import type { AnalysisAttempt } from "../contracts/analysis.ts";
import type { ApprovalStatus, Decision, Triage } from "../contracts/approval.ts";
import type { ClusterContext } from "../contracts/context.ts";
import type { ExecutionStatus } from "../contracts/execution.ts";
import type { Operation, Rca, RcaProvider, RiskLevel } from "../contracts/rca.ts";
import type { EscalationStep, IncidentStatus } from "../ports/incident-store.ts";
import type { TicketRef } from "../ports/ticket-tracker.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface IncidentsTable {
  id: string;
  fingerprint: string;
  status: IncidentStatus;
  alert_type: string;
  source: string;
  severity: string;
  priority: string;
  namespace: string | null;
  target_resource: string | null;
  alert: JSONColumnType<NormalizedAlert>;
  rca: JSONColumnType<Rca, string | null, string | null> | null;
  rca_provider: string | null;
  rca_model: string | null;
  correlation_id: string;
  opened_at: Timestamp;
  analyzed_at: Timestamp | null;
  resolved_at: Timestamp | null;
  analysis_attempts: ColumnType<AnalysisAttempt[], string | undefined, string>;
  analysis_started_at: Timestamp | null;
  analysis_duration_ms: number | null;
  pending_job_id: string | null;
  pending_provider: RcaProvider | null;
  pending_position: number | null;
  pending_until: Timestamp | null;
  classify_sent_at: Timestamp | null;
  triage: JSONColumnType<Triage, string | null, string | null> | null;
  cluster_context: JSONColumnType<ClusterContext, string | null, string | null> | null;
  ticket: JSONColumnType<TicketRef, string | null, string | null> | null;
  ticket_hits: ColumnType<number, number | undefined, number>;
  ticket_commented_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  escalation_level: ColumnType<number, number | undefined, number>;
  escalations: ColumnType<EscalationStep[], string | undefined, string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface IncidentAliasesTable {
  alias_id: string;
  incident_id: string;
  created_at: DefaultTimestamp;
}

export interface ApprovalsTable {
  id: string;
  incident_id: string;
  status: ApprovalStatus;
  risk_level: RiskLevel;
  required_signatures: number;
  auto_approved: boolean;
  reasons: JSONColumnType<string[]>;
  /** Read through `ApprovalAction.parse`: rows from before typed actions lack the newer fields. */
  action: JSONColumnType<ApprovalAction>;
  action_digest: string | null;
  alternative: JSONColumnType<ApprovalAlternative, string | null, string | null> | null;
  expires_at: Timestamp;
  decided_at: Timestamp | null;
  escalation_level: ColumnType<number, number | undefined, number>;
  escalated_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ExecutionsTable {
  id: string;
  approval_id: string;
  incident_id: string;
  status: ExecutionStatus;
  dry_run: boolean;
  automatic: ColumnType<boolean, boolean | undefined, boolean>;
  operation: Operation;
  command: string;
  action: JSONColumnType<RemediationAction, string | null, string | null> | null;
  argv: JSONColumnType<string[], string | null, string | null> | null;
  action_digest: string | null;
  plan: JSONColumnType<ActionPlan, string | null, string | null> | null;
  requested_at: DefaultTimestamp;
  dispatched_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  output_excerpt: string | null;
  reported_by: string | null;
}

export interface RepairOutcomesTable {
  id: Generated<string>;
  fingerprint: string;
  alert_type: string;
  operation: Operation;
  success: boolean;
  duration_ms: number | null;
  execution_id: string | null;
  recorded_at: DefaultTimestamp;
}

export interface PlaybooksTable {
  fingerprint: string;
  alert_type: string;
  operation: Operation;
  command: string;
  success_rate: number;
  samples: number;
  updated_at: DefaultTimestamp;
}

export interface ApprovalSignaturesTable {
  approval_id: string;
  approver: string;
  decision: Decision;
  comment: string | null;
  signed_at: DefaultTimestamp;
  action_digest: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: JSONColumnType<Record<string, unknown>>;
}

export interface DeadLettersTable {
  id: Generated<string>;
  queue: string;
  message_id: string;
  reason: string;
  attempts: number;
  body: ColumnType<unknown, string | null, string | null>;
  received_at: DefaultTimestamp;
}

export interface Database {
  incidents: IncidentsTable;
  incident_aliases: IncidentAliasesTable;
  approvals: ApprovalsTable;
  approval_signatures: ApprovalSignaturesTable;
  audit_log: AuditLogTable;
  dead_letters: DeadLettersTable;
  executions: ExecutionsTable;
  repair_outcomes: RepairOutcomesTable;
  playbooks: PlaybooksTable;
}

export interface DatabaseConnection {
  /** postgres:// connection string (Neon in production; any Postgres through the local bridge in dev). */
  readonly url: string;
  /**
   * host:port/path of a WebSocket-to-TCP bridge, for plain Postgres in dev and
   * tests (Neon's documented local route). Unset in production.
   */
  readonly wsProxy?: string | undefined;
  /** Pool size. Default 1: a Worker invocation runs its queries one after another. */
  readonly poolMax?: number | undefined;
}

/**
 * A Kysely instance over Neon's WebSocket Pool (interactive transactions need
 * it). On Workers a WebSocket cannot outlive its request: build one per
 * request or batch and `destroy()` it at the end (`ctx.waitUntil`).
 */
export function createDb(connection: DatabaseConnection): Kysely<Database> {
  if (connection.wsProxy) {
    neonConfig.wsProxy = connection.wsProxy;
    neonConfig.useSecureWebSocket = false;
    // Local Postgres authenticates with SCRAM, which pipelined connect cannot do.
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: connection.url, max: connection.poolMax ?? 1 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** jsonb parameters must be sent as JSON text: node-postgres would turn arrays into Postgres arrays. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** Runs `work` with a fresh database handle and always closes it (Workers: one pool per invocation). */
export async function withDb<T>(connection: DatabaseConnection, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = createDb(connection);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** The connection described by a function's DatabaseEnv variables. */
export function databaseConnectionOf(config: {
  DATABASE_URL: string;
  NEON_WS_PROXY?: string | undefined;
  DB_POOL_MAX?: number | undefined;
}): DatabaseConnection {
  return { url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY, poolMax: config.DB_POOL_MAX };
}
