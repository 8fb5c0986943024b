import type { Fingerprint } from "../contracts/alert.ts";
import type { Operation } from "../contracts/rca.ts";
import type { ActionStats } from "../domain/learning.ts";

export interface RepairOutcome {
  readonly executionId: string;
  readonly fingerprint: Fingerprint;
  readonly operation: Operation;
  readonly success: boolean;
  readonly durationMs: number | undefined;
}

/**
 * Per fingerprint × action outcome counts in Redis: what the trust engine and
 * the recommendation read on the hot path. Postgres keeps the outcomes
 * themselves.
 */
export interface LearningStats {
  /** Idempotent on the execution id; true when this call applied it. Also moves the fingerprint's failure streak. */
  record(outcome: RepairOutcome): Promise<boolean>;
  stats(fingerprint: Fingerprint): Promise<ActionStats[]>;
}

export interface StoredOutcome {
  readonly operation: Operation;
  readonly success: boolean;
  readonly durationMs: number | undefined;
  readonly executionId: string | undefined;
  readonly recordedAt: Date;
}

export interface Playbook {
  readonly fingerprint: Fingerprint;
  readonly alertType: string;
  readonly operation: Operation;
  readonly command: string;
  readonly successRate: number;
  readonly samples: number;
  readonly updatedAt: Date;
}

/** Outcome history and playbooks in Postgres. */
export interface LearningHistory {
  recentOutcomes(fingerprint: Fingerprint, limit: number): Promise<StoredOutcome[]>;
  playbook(fingerprint: Fingerprint): Promise<Playbook | undefined>;
}
