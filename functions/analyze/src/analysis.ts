import type { AnalysisAttempt, ProviderOrder, RelayCallback } from "../../../shared/contracts/analysis.ts";
import { type ClusterContext, hasContext } from "../../../shared/contracts/context.ts";
import { analyzeContinue, classifyRequested } from "../../../shared/contracts/envelopes.ts";
import type { AnalyzeContinueV2, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import type { Rca, RcaProvider } from "../../../shared/contracts/rca.ts";
import { type AnalysisEvent, type AnalysisStep, analysisStateOf, nextStep } from "../../../shared/domain/analysis-state.ts";
import { scrubContext } from "../../../shared/domain/cluster-context.ts";
import { learnedRecord } from "../../../shared/domain/learning.ts";
import { parseVerdictText, rcaVerdictJsonSchema } from "../../../shared/domain/rca-parse.ts";
import { composeRcaPrompt } from "../../../shared/domain/rca-prompt.ts";
import type { Log } from "../../../shared/logging.ts";
import type { AlertIndex } from "../../../shared/ports/alert-index.ts";
import type { IncidentRecord, IncidentStore } from "../../../shared/ports/incident-store.ts";
import type { LearningStats } from "../../../shared/ports/learning.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import type { RelayClient, SyncRcaProvider } from "../../../shared/ports/rca-provider.ts";

/** The slow provider behind the relay, when configured. */
export interface RelaySetup {
  readonly client: RelayClient;
  readonly model: string | undefined;
  readonly timeoutSeconds: number;
  /** Where the relay posts its answer (this function's `/api/v1/analyze/callback`). */
  readonly callbackUrl: string;
  /** How long the relay may gather cluster context before the prompt is composed; 0: not asked. */
  readonly contextBudgetMs: number;
}

export interface AnalysisDeps {
  readonly incidents: IncidentStore;
  /** The chain; rules always last. A provider without configuration is skipped. */
  readonly order: ProviderOrder;
  readonly providers: Partial<Record<Exclude<RcaProvider, "ollama">, SyncRcaProvider>>;
  readonly relay: RelaySetup | undefined;
  /** History for the prompt; analysis goes on without it when Redis is unavailable. */
  readonly alertIndex: AlertIndex | undefined;
  /** What past repairs of each fingerprint taught, for the prompt; absent without Redis. */
  readonly learning: LearningStats | undefined;
  readonly publishClassify: (message: ClassifyRequestedV1) => Promise<void>;
  readonly publishContinue: (message: AnalyzeContinueV2, delaySeconds: number) => Promise<void>;
  readonly metrics: Metrics;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly log: Log;
}

/** Extra time beyond the relay's own timeout before analyze gives up on a job. */
const TIMEOUT_GRACE_SECONDS = 5;

/**
 * Walks the provider chain from `position` until one produces a verdict or a
 * slow provider takes the job. Every provider passed over is recorded with why.
 */
export async function runChain(incident: IncidentRecord, position: number, deps: AnalysisDeps, correlationId: string): Promise<void> {
  await deps.incidents.startAnalysis(incident.id, deps.now());
  const context = incident.clusterContext ?? (await gatherContext(incident, deps, correlationId));
  const prompt = await promptFor(incident, context, deps);
  for (let i = position; i < deps.order.length; i++) {
    const name = deps.order[i]!;
    const started = Date.now();
    if (name === "ollama") {
      if (!deps.relay) {
        await attempt(deps, incident, { provider: name, outcome: "skipped", reason: "not configured" });
        continue;
      }
      const jobId = deps.newId();
      const submitted = await deps.relay.client.submit({
        job_id: jobId,
        incident_id: incident.id,
        ...(deps.relay.model ? { model: deps.relay.model } : {}),
        system: prompt.system,
        user: prompt.user,
        format: rcaVerdictJsonSchema(),
        callback_url: deps.relay.callbackUrl,
        timeout_seconds: deps.relay.timeoutSeconds,
        correlation_id: correlationId,
      });
      if (!submitted.accepted) {
        await attempt(deps, incident, { provider: name, outcome: "failed", reason: submitted.reason, duration_ms: Date.now() - started });
        continue;
      }
      const until = new Date(deps.now().getTime() + (deps.relay.timeoutSeconds + TIMEOUT_GRACE_SECONDS) * 1000);
      await deps.incidents.setPending(incident.id, { jobId, provider: name, position: i, until });
      await attempt(deps, incident, { provider: name, outcome: "submitted", duration_ms: Date.now() - started });
      // The timeout: if no usable callback claimed the job by then, this carries on with the next provider.
      await deps.publishContinue(
        continueMessage(incident.id, jobId, "timeout", { kind: "timeout" }, deps, correlationId),
        deps.relay.timeoutSeconds + TIMEOUT_GRACE_SECONDS,
      );
      return;
    }
    const provider = deps.providers[name];
    if (!provider) {
      await attempt(deps, incident, { provider: name, outcome: "skipped", reason: "not configured" });
      continue;
    }
    const outcome = await provider.analyze(prompt, incident.alert);
    const tokens = outcome.usage ? { input_tokens: outcome.usage.input, output_tokens: outcome.usage.output } : {};
    if (!outcome.ok) {
      await attempt(deps, incident, { provider: name, outcome: "failed", reason: outcome.reason, duration_ms: Date.now() - started, ...tokens });
      continue;
    }
    await attempt(deps, incident, { provider: name, outcome: "verdict", duration_ms: Date.now() - started, ...tokens });
    await conclude(incident, { ...outcome.verdict, provider: name, model: outcome.model }, deps, correlationId);
    return;
  }
  throw new Error(`no provider produced a verdict for incident ${incident.id}`);
}

/**
 * The relay's answer. Only the answer to the job still pending counts: a late
 * or duplicate callback finds nothing to claim and is ignored. An unusable
 * answer hands over to the next provider through the queue.
 */
export async function acceptRelayAnswer(callback: RelayCallback, deps: AnalysisDeps, correlationId: string): Promise<"used" | "ignored" | "rejected"> {
  const incident = await deps.incidents.get(callback.incident_id);
  if (!incident) return "ignored";
  const step = stepFor(incident, { kind: "relay_answered", jobId: callback.job_id }, deps);
  if (step.do !== "take_answer") return "ignored";
  const parsed = callback.ok && callback.content !== undefined ? parseVerdictText(callback.content) : undefined;
  // The claim decides between a racing answer and timeout: only one gets the job.
  const position = await deps.incidents.claimPending(incident.id, callback.job_id);
  if (position === undefined) return "ignored";
  const measured = {
    ...(callback.duration_ms !== undefined ? { duration_ms: callback.duration_ms } : {}),
    ...(callback.input_tokens !== undefined ? { input_tokens: callback.input_tokens } : {}),
    ...(callback.output_tokens !== undefined ? { output_tokens: callback.output_tokens } : {}),
  };
  if (parsed?.ok) {
    await attempt(deps, incident, { provider: "ollama", outcome: "verdict", ...measured });
    await conclude(incident, { ...parsed.verdict, provider: "ollama", model: callback.model ?? "ollama" }, deps, correlationId);
    return "used";
  }
  const reason = parsed ? `invalid answer: ${parsed.reason}` : `relay error: ${callback.error ?? "no content"}`;
  await attempt(deps, incident, { provider: "ollama", outcome: "failed", reason, ...measured });
  // Carry on with the next provider in the consumer, where slow providers may take their time.
  await deps.publishContinue(continueMessage(incident.id, callback.job_id, reason, { kind: "unusable_answer", position }, deps, correlationId), 0);
  return "rejected";
}

/** A job's timeout, or its unusable answer: carry on after it, unless the job was settled meanwhile. */
export async function continueAfterJob(message: AnalyzeContinueV2, deps: AnalysisDeps): Promise<void> {
  const incident = await deps.incidents.get(message.payload.incident_id);
  if (!incident) return;
  const { cause, job_id: jobId } = message.payload;
  const event: AnalysisEvent = cause.kind === "timeout" ? { kind: "job_timed_out", jobId } : { kind: "answer_unusable", jobId, position: cause.position };
  const step = stepFor(incident, event, deps);
  let position: number;
  if (step.do === "time_out") {
    const claimed = await deps.incidents.claimPending(incident.id, jobId);
    if (claimed === undefined) return;
    await attempt(deps, incident, { provider: incident.pending?.provider ?? "ollama", outcome: "failed", reason: message.payload.reason });
    position = claimed + 1;
  } else if (step.do === "run_chain") {
    position = step.from;
  } else {
    return;
  }
  const fresh = (await deps.incidents.get(incident.id)) ?? incident;
  // Another entry point may have moved it meanwhile: only an open analysis runs the chain.
  if (analysisStateOf(storedAnalysis(fresh)).name !== "open") return;
  await runChain(fresh, position, deps, message.correlationId);
}

/** The incident as the state machine reads it. */
export function storedAnalysis(incident: IncidentRecord) {
  return { hasVerdict: incident.rca !== undefined, classifySent: incident.classifySentAt !== undefined, pending: incident.pending };
}

/** Asks the state machine, and logs what it declined. */
export function stepFor(incident: IncidentRecord, event: AnalysisEvent, deps: Pick<AnalysisDeps, "now" | "log">): AnalysisStep {
  const state = analysisStateOf(storedAnalysis(incident));
  const step = nextStep(state, event, deps.now());
  if (step.do === "nothing") deps.log("analysis_step_skipped", { incidentId: incident.id, state: state.name, on: event.kind, why: step.why });
  return step;
}

/** Stores the verdict (first one wins) and tells classify once. */
export async function conclude(
  incident: IncidentRecord,
  rca: Rca,
  deps: Pick<AnalysisDeps, "incidents" | "publishClassify" | "now">,
  correlationId: string,
): Promise<void> {
  const analyzed = await deps.incidents.recordVerdict(incident.id, rca, deps.now());
  await handOff(analyzed, deps, correlationId);
}

/** Publishes the classify message unless it was already sent; marks it sent afterwards (at least once, normally once). */
export async function handOff(
  incident: IncidentRecord,
  deps: Pick<AnalysisDeps, "incidents" | "publishClassify" | "now">,
  correlationId: string,
): Promise<void> {
  if (!incident.rca || incident.classifySentAt) return;
  await deps.publishClassify(
    classifyRequested(
      { incident_id: incident.id, fingerprint: incident.fingerprint, alert: incident.alert, rca: incident.rca },
      { id: `classify:${incident.id}`, at: deps.now(), correlationId },
    ),
  );
  await deps.incidents.markClassifySent(incident.id, deps.now());
}

/** The labels that name the alert's objects: all the relay reads (an alert may carry dozens of others). */
const OBJECT_LABELS = ["namespace", "pod", "deployment", "container", "alertname"] as const;

function objectLabelsOf(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(OBJECT_LABELS.flatMap((name) => (labels?.[name] ? [[name, labels[name].slice(0, 1_000)]] : [])));
}

/**
 * Asks the relay what the cluster and Prometheus say about the alert and keeps
 * it on the incident. Advice only: without it the prompt has no such section.
 */
async function gatherContext(incident: IncidentRecord, deps: AnalysisDeps, correlationId: string): Promise<ClusterContext | undefined> {
  if (!deps.relay || deps.relay.contextBudgetMs === 0) return undefined;
  const { alert } = incident;
  const answer = await deps.relay.client.context(
    {
      incident_id: incident.id,
      ...(alert.namespace ? { namespace: alert.namespace } : {}),
      ...(alert.target_resource ? { target_resource: alert.target_resource } : {}),
      ...(alert.resource_type ? { resource_type: alert.resource_type } : {}),
      labels: objectLabelsOf(alert.labels),
      ...(alert.generator_url ? { generator_url: alert.generator_url } : {}),
      budget_ms: deps.relay.contextBudgetMs,
    },
    correlationId,
  );
  if (!answer.ok) {
    deps.log("context_unavailable", { incidentId: incident.id, reason: answer.reason });
    return undefined;
  }
  const context = scrubContext(answer.context);
  if (context.missing.length > 0) deps.log("context_partial", { incidentId: incident.id, missing: context.missing });
  // Kept even when empty: people see why there is none (no access, not found, timed out).
  await deps.incidents.recordContext(incident.id, context);
  return context;
}

async function promptFor(incident: IncidentRecord, context: ClusterContext | undefined, deps: AnalysisDeps) {
  const [occurrences, counters, learned] = await Promise.all([
    deps.alertIndex?.occurrences(incident.fingerprint, deps.now().getTime() + 1).catch(() => undefined),
    deps.alertIndex?.counters(incident.id).catch(() => undefined),
    // The history is advice: without it the prompt simply has no learned line.
    deps.learning?.stats(incident.fingerprint).catch(() => undefined),
  ]);
  const recommendation = learned ? learnedRecord(learned) : undefined;
  return composeRcaPrompt({
    alert: incident.alert,
    ...(occurrences ? { occurrences } : {}),
    ...(counters ? { hitCount: counters.hitCount } : {}),
    ...(recommendation ? { recommendation } : {}),
    ...(hasContext(context) ? { cluster: context } : {}),
  });
}

async function attempt(deps: AnalysisDeps, incident: IncidentRecord, entry: Omit<AnalysisAttempt, "at">): Promise<void> {
  const record = { ...entry, at: deps.now().toISOString() };
  await deps.incidents.recordAttempt(incident.id, record);
  if (entry.outcome === "failed" || entry.outcome === "skipped") {
    deps.log("provider_passed_over", { incidentId: incident.id, ...entry });
    await deps.metrics.increment("awoooi_ollama_fallback_total", { provider: entry.provider, reason: reasonClass(entry) });
  }
  for (const [direction, count] of [
    ["input", entry.input_tokens],
    ["output", entry.output_tokens],
  ] as const) {
    if (count) await deps.metrics.increment("awoooi_llm_tokens_total", { provider: entry.provider, direction }, count);
  }
  if (entry.outcome === "verdict" && entry.duration_ms !== undefined) {
    await deps.metrics.observe("awoooi_ollama_analysis_duration_seconds", entry.duration_ms / 1000, { provider: entry.provider });
  }
}

/** A small, fixed set of label values for why a provider was passed over. */
export function reasonClass(entry: Pick<AnalysisAttempt, "outcome" | "reason">): string {
  const reason = entry.reason ?? "";
  if (entry.outcome === "skipped") return "not_configured";
  if (/timeout|timed out|in time/i.test(reason)) return "timeout";
  if (/unreachable/i.test(reason)) return "unreachable";
  if (/busy|HTTP 429|HTTP 529/i.test(reason)) return "busy";
  if (/invalid answer|not allowed|schema|JSON/i.test(reason)) return "invalid_answer";
  if (/HTTP \d|relay answered|relay error/i.test(reason)) return "error";
  return "other";
}

function continueMessage(
  incidentId: string,
  jobId: string,
  reason: string,
  cause: AnalyzeContinueV2["payload"]["cause"],
  deps: AnalysisDeps,
  correlationId: string,
): AnalyzeContinueV2 {
  return analyzeContinue(
    { incident_id: incidentId, job_id: jobId, reason: reason.slice(0, 500), cause },
    // The ids v1 used, so a v1 message still in flight and its v2 successor are one message to the queue's consumers.
    { id: `continue:${jobId}:${cause.kind === "timeout" ? "timeout" : "rejected"}`, at: deps.now(), correlationId },
  );
}
