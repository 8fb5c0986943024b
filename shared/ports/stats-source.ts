import type { AnalysisAttempt } from "../contracts/analysis.ts";
import type { HumanApproval, OpenedIncident, Resolution, Settlement } from "../domain/stats.ts";

/** What the stats endpoints read from Postgres, as of a point in time. */
export interface StatsSource {
  /** Incidents open and approvals pending at `at`. */
  counts(at: Date): Promise<{ openIncidents: number; pendingApprovals: number }>;
  /** Automatic settlements (real, successful auto-approved runs) and human decisions in [from, to). */
  settlements(from: Date, to: Date): Promise<Settlement[]>;
  /** Incidents resolved in [from, to). */
  resolutions(from: Date, to: Date): Promise<Resolution[]>;
  /** Approvals that needed people, created in [from, to). */
  humanApprovals(from: Date, to: Date): Promise<HumanApproval[]>;
  /** Incidents opened in [from, to). */
  openedIncidents(from: Date, to: Date): Promise<OpenedIncident[]>;
  /** Every provider turn of the analyses of incidents opened in [from, to). */
  analysisAttempts(from: Date, to: Date): Promise<AnalysisAttempt[]>;
}

/** Alert volume per UTC hour, from the ingest path's counters in Redis. */
export interface VolumeSource {
  /** `alerts` = firing alerts received, `opened` = new incidents they opened; one row per hour in [fromHour, toHour]. */
  hourly(fromHour: number, toHour: number): Promise<Array<{ hour: number; alerts: number; opened: number }>>;
}
