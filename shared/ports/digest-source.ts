import type { DigestIncidentRow, DigestInput } from "../domain/digest.ts";

/** What the daily digest reads from Postgres for a window (smoke incidents excluded). */
export interface DigestSource {
  /** Incidents opened in [from, to). */
  incidents(from: Date, to: Date): Promise<DigestIncidentRow[]>;
  /** Automatic executions finished in [from, to). */
  automaticRuns(from: Date, to: Date): Promise<DigestInput["automaticRuns"]>;
  /** Approvals waiting for people at `at`. */
  pending(at: Date): Promise<DigestInput["pending"]>;
}
