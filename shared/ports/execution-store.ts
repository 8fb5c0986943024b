import type { ActionPlan, RemediationAction } from "../contracts/action.ts";
import type { Fingerprint, IncidentId, NormalizedAlert } from "../contracts/alert.ts";
import type { ExecutionOutcome, ExecutionStatus } from "../contracts/execution.ts";
import type { Operation, RiskLevel } from "../contracts/rca.ts";

export interface ExecutionRecord {
  readonly id: string;
  readonly approvalId: string;
  readonly incidentId: IncidentId;
  readonly status: ExecutionStatus;
  readonly dryRun: boolean;
  readonly automatic: boolean;
  readonly operation: Operation;
  /** The display form of `argv` (typed) or the text a person runs (untyped). */
  readonly command: string;
  /** The approved typed action, its argv and digest; absent: a person runs `command` by hand. */
  readonly action: RemediationAction | undefined;
  readonly argv: readonly string[] | undefined;
  readonly digest: string | undefined;
  /** The executor's plan reported with the result. */
  readonly plan: ActionPlan | undefined;
  readonly requestedAt: Date;
  readonly dispatchedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  readonly durationMs: number | undefined;
  readonly outputExcerpt: string | undefined;
  readonly reportedBy: string | undefined;
}

/** What an execution was for: enough to learn from it and to tell people. */
export interface ExecutionSubject {
  readonly execution: ExecutionRecord;
  readonly fingerprint: Fingerprint;
  readonly alert: NormalizedAlert;
  /** The incident's correlation id (the ingest request's `X-Request-Id`): the executor request carries it. */
  readonly correlationId: string;
  readonly riskLevel: RiskLevel;
  /** The approved action's description, for the executor's logs. */
  readonly description: string;
  readonly approvedBy: readonly string[];
}

export type ResultOutcome =
  | { readonly kind: "recorded"; readonly subject: ExecutionSubject; readonly learned: boolean; readonly playbook: "update" | "remove" | "keep" }
  /** The same result again (a retrying executor): nothing changes. */
  | { readonly kind: "repeat"; readonly subject: ExecutionSubject; readonly learned: boolean }
  /** A different result for an execution that already finished. */
  | { readonly kind: "conflict"; readonly execution: ExecutionRecord }
  /** A result for an execution nobody handed off yet: refused. */
  | { readonly kind: "not_dispatched"; readonly execution: ExecutionRecord }
  /** A result for another argv than the approved one: refused. */
  | { readonly kind: "digest_mismatch"; readonly execution: ExecutionRecord }
  | { readonly kind: "not_found" };

/**
 * Executions in Postgres. A row is written in the same transaction that
 * approves the action (the outbox); hand-off and result move it forward once.
 */
export interface ExecutionStore {
  get(id: string): Promise<ExecutionRecord | undefined>;
  getByApproval(approvalId: string): Promise<ExecutionRecord | undefined>;
  subject(id: string): Promise<ExecutionSubject | undefined>;
  /**
   * requested → dispatched, before the hand-off is sent (so a fast result is
   * never refused as early); false when it was already dispatched.
   */
  markDispatched(id: string): Promise<boolean>;
  /** The executor accepted the hand-off: stamps `dispatched_at` once (redeliveries then send nothing). */
  markHandedOff(id: string, at: Date): Promise<boolean>;
  /** requested → manual (no executor configured): a person runs the command and reports. */
  markManual(id: string, at: Date): Promise<boolean>;
  /**
   * Stores a result once, in one transaction: the execution, the approval's
   * EXECUTED/FAILED status, the audit row, the repair outcome (not for dry
   * runs) and any playbook change.
   */
  recordResult(input: {
    executionId: string;
    result: ExecutionOutcome & { readonly digest?: string | undefined; readonly plan?: ActionPlan | undefined };
    reportedBy: string;
    at: Date;
  }): Promise<ResultOutcome>;
  /** Outbox rows still `requested` (or claimed but never accepted) since before `olderThan`: their hand-off may have been lost. */
  staleRequested(olderThan: Date, limit: number): Promise<ExecutionRecord[]>;
}
