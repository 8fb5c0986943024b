import type { SmokeStage, SmokeStamps } from "../domain/smoke.ts";

/** Where each stage of the chain stamps a smoke run as it passes (the smoke sink). */
export interface SmokeLedger {
  /** Records when `stage` saw the run (first stamp wins). Never throws: a smoke stamp is not worth failing real work. */
  stamp(runId: string, stage: SmokeStage, atMs: number): Promise<void>;
  read(runId: string): Promise<SmokeStamps | undefined>;
  /** The run most recently started by the cron, if any. */
  latest(): Promise<string | undefined>;
  setLatest(runId: string): Promise<void>;
  /** True for the first caller only: the verdict on a run is acted on once. */
  claimVerdict(runId: string): Promise<boolean>;
}
