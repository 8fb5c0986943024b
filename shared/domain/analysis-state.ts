/**
 * The analysis of one incident as a state machine (docs/analyze.md "States").
 * Three entry points move it — the queue's request, the relay's answer and
 * the delayed continue message — and each asks `nextStep` what to do, so the
 * rules live here, once, free of I/O.
 */

/** Where an incident's analysis stands, read from the stored incident. */
export type AnalysisState =
  /** No verdict and no provider holding the job: the chain may run. */
  | { readonly name: "open" }
  /** A slow provider (the relay) holds the job until `until`; `position` is its place in the chain. */
  | { readonly name: "awaiting_relay"; readonly jobId: string; readonly position: number; readonly until: Date }
  /** The verdict is stored; classify has not been told yet (a crash between the two). */
  | { readonly name: "concluded" }
  /** The verdict is stored and classify was told: nothing more to do. */
  | { readonly name: "handed_off" };

/** What moves an analysis. */
export type AnalysisEvent =
  /** `analyze.requested`: the first delivery or a redelivery. */
  | { readonly kind: "requested" }
  /** The relay's callback for a job. */
  | { readonly kind: "relay_answered"; readonly jobId: string }
  /** `analyze.continue` with cause `timeout`: the job's deadline passed. */
  | { readonly kind: "job_timed_out"; readonly jobId: string }
  /** `analyze.continue` with cause `unusable_answer`: the job was settled with an unusable answer at `position`. */
  | { readonly kind: "answer_unusable"; readonly jobId: string; readonly position: number };

/** What the entry point does next. */
export type AnalysisStep =
  /** Walk the provider chain from `from`. */
  | { readonly do: "run_chain"; readonly from: number }
  /** Tell classify (the verdict exists, the message was never sent). */
  | { readonly do: "hand_off" }
  /** Take the relay's answer: claim the job, then conclude or pass over the provider. */
  | { readonly do: "take_answer"; readonly jobId: string; readonly position: number }
  /** Give up on the job: claim it, record the timeout, then run the chain after it. */
  | { readonly do: "time_out"; readonly jobId: string; readonly position: number }
  | { readonly do: "nothing"; readonly why: string };

export interface StoredAnalysis {
  readonly hasVerdict: boolean;
  readonly classifySent: boolean;
  readonly pending: { readonly jobId: string; readonly position: number; readonly until: Date } | undefined;
}

export function analysisStateOf(incident: StoredAnalysis): AnalysisState {
  if (incident.hasVerdict) return incident.classifySent ? { name: "handed_off" } : { name: "concluded" };
  if (incident.pending) return { name: "awaiting_relay", ...incident.pending };
  return { name: "open" };
}

/** The transition table: every (state, event) pair and what it leads to. */
export function nextStep(state: AnalysisState, event: AnalysisEvent, now: Date): AnalysisStep {
  switch (state.name) {
    case "handed_off":
      return { do: "nothing", why: "the verdict was handed to classify" };
    case "concluded":
      return event.kind === "requested" ? { do: "hand_off" } : { do: "nothing", why: "the verdict is already stored" };
    case "awaiting_relay":
      switch (event.kind) {
        case "requested":
          // A redelivery while the relay works. Past the deadline the timeout message was lost: start over.
          return state.until > now ? { do: "nothing", why: "a slow provider holds the job" } : { do: "run_chain", from: 0 };
        case "relay_answered":
          return event.jobId === state.jobId
            ? { do: "take_answer", jobId: state.jobId, position: state.position }
            : { do: "nothing", why: "an answer to another job" };
        case "job_timed_out":
          return event.jobId === state.jobId
            ? { do: "time_out", jobId: state.jobId, position: state.position }
            : { do: "nothing", why: "a timeout of another job" };
        case "answer_unusable":
          return { do: "nothing", why: "another job is pending" };
      }
      break;
    case "open":
      switch (event.kind) {
        case "requested":
          return { do: "run_chain", from: 0 };
        case "answer_unusable":
          return { do: "run_chain", from: event.position + 1 };
        default:
          return { do: "nothing", why: "no job is pending (settled already)" };
      }
  }
}
