import type { Fingerprint } from "../contracts/alert.ts";
import type { Operation } from "../contracts/rca.ts";
import type { TrustCounters } from "../domain/trust-engine.ts";

/** The live state the trust engine reads: repair volume, failure streaks, learned outcomes. */
export interface TrustCountersSource {
  /** Never throws: when the state cannot be read, counters that block automation are returned. */
  read(fingerprint: Fingerprint, operation: Operation, nowMs: number): Promise<TrustCounters>;
  /**
   * Takes one automatic repair from the hourly budget for this incident, atomically:
   * concurrent consumers cannot both take the last one. Asking again for the
   * same incident (a redelivery) keeps its reservation. False when the budget is
   * spent or cannot be read. Never throws.
   */
  reserveAutomaticRepair(incidentId: string, nowMs: number, limit: number): Promise<boolean>;
}

/** What the engine assumes when it cannot know: enough to block any automatic action. */
export const UNKNOWN_COUNTERS: TrustCounters = { repairsLastHour: Number.POSITIVE_INFINITY, consecutiveFailures: Number.POSITIVE_INFINITY, learned: undefined };
