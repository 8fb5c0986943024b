import type { Fingerprint } from "../contracts/alert.ts";
import type { Operation } from "../contracts/rca.ts";
import type { TrustCounters } from "../domain/trust-engine.ts";

/** The live state the trust engine reads: repair volume, failure streaks, learned outcomes. */
export interface TrustCountersSource {
  /** Never throws: when the state cannot be read, counters that block automation are returned. */
  read(fingerprint: Fingerprint, operation: Operation, nowMs: number): Promise<TrustCounters>;
  /** Counts an automatic repair against the hourly budget. Never throws. */
  countAutomaticRepair(nowMs: number): Promise<void>;
}

/** What the engine assumes when it cannot know: enough to block any automatic action. */
export const UNKNOWN_COUNTERS: TrustCounters = { repairsLastHour: Number.POSITIVE_INFINITY, consecutiveFailures: Number.POSITIVE_INFINITY, learned: undefined };
