import { describe, expect, it } from "vitest";
import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { type AnalysisEvent, type AnalysisState, analysisStateOf, nextStep } from "../../../shared/domain/analysis-state.ts";

const NOW = new Date("2026-12-01T00:00:00Z");
const JOB = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const awaiting = (until: Date): AnalysisState => ({ name: "awaiting_relay", jobId: JOB, position: 1, until });
const later = new Date(NOW.getTime() + 60_000);
const earlier = new Date(NOW.getTime() - 1_000);

describe("analysisStateOf", () => {
  it("reads the state from the stored incident", () => {
    expect(analysisStateOf({ hasVerdict: false, classifySent: false, pending: undefined })).toEqual({ name: "open" });
    expect(analysisStateOf({ hasVerdict: false, classifySent: false, pending: { jobId: JOB, position: 1, until: later } })).toEqual(awaiting(later));
    expect(analysisStateOf({ hasVerdict: true, classifySent: false, pending: undefined })).toEqual({ name: "concluded" });
    expect(analysisStateOf({ hasVerdict: true, classifySent: true, pending: undefined })).toEqual({ name: "handed_off" });
  });
});

describe("nextStep: the transition table", () => {
  const cases: Array<[string, AnalysisState, AnalysisEvent, string]> = [
    ["a request starts the chain", { name: "open" }, { kind: "requested" }, "run_chain@0"],
    ["a redelivery leaves a working relay alone", awaiting(later), { kind: "requested" }, "nothing"],
    ["a redelivery past the deadline starts over (the timeout message was lost)", awaiting(earlier), { kind: "requested" }, "run_chain@0"],
    ["the pending job's answer is taken", awaiting(later), { kind: "relay_answered", jobId: JOB }, "take_answer"],
    ["another job's answer is ignored", awaiting(later), { kind: "relay_answered", jobId: OTHER }, "nothing"],
    ["the pending job's timeout gives up on it", awaiting(later), { kind: "job_timed_out", jobId: JOB }, "time_out"],
    ["another job's timeout is ignored", awaiting(later), { kind: "job_timed_out", jobId: OTHER }, "nothing"],
    ["an unusable answer carries on after its position", { name: "open" }, { kind: "answer_unusable", jobId: JOB, position: 1 }, "run_chain@2"],
    ["an unusable answer yields to a newer pending job", awaiting(later), { kind: "answer_unusable", jobId: OTHER, position: 0 }, "nothing"],
    ["a late answer after the timeout took over is ignored", { name: "open" }, { kind: "relay_answered", jobId: JOB }, "nothing"],
    ["a timeout after the answer settled the job is ignored", { name: "open" }, { kind: "job_timed_out", jobId: JOB }, "nothing"],
    ["a concluded analysis re-sends classify on a redelivery", { name: "concluded" }, { kind: "requested" }, "hand_off"],
    ["a concluded analysis ignores a late answer", { name: "concluded" }, { kind: "relay_answered", jobId: JOB }, "nothing"],
    ["a handed-off analysis does nothing more", { name: "handed_off" }, { kind: "requested" }, "nothing"],
  ];
  it.each(cases)("%s", (_name, state, event, expected) => {
    const step = nextStep(state, event, NOW);
    expect(step.do === "run_chain" ? `run_chain@${step.from}` : step.do).toBe(expected);
  });
});

describe("analyze.continue v2", () => {
  const envelope = { type: "analyze.continue", id: "continue:x", occurredAt: NOW.toISOString(), correlationId: "c" };
  const base = { incident_id: JOB, job_id: OTHER, reason: "timeout" };

  it("reads a v1 message still in flight as v2: no resume_after is a timeout, one is an unusable answer at that position", () => {
    expect(AnalyzeQueueMessage.parse({ ...envelope, version: 1, payload: base })).toMatchObject({
      version: 2,
      payload: { ...base, cause: { kind: "timeout" } },
    });
    expect(AnalyzeQueueMessage.parse({ ...envelope, version: 1, payload: { ...base, resume_after: 1 } })).toMatchObject({
      version: 2,
      payload: { cause: { kind: "unusable_answer", position: 1 } },
    });
  });

  it("refuses a cause it does not know", () => {
    const parsed = AnalyzeQueueMessage.safeParse({ ...envelope, version: 2, payload: { ...base, cause: { kind: "bored" } } });
    expect(parsed.success).toBe(false);
  });
});
