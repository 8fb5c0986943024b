import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterContext, ContextPart, ContextRequest } from "../../../../shared/contracts/context.ts";
import { fitContext } from "../../../../shared/domain/cluster-context.ts";
import { type KubernetesFindings, readKubernetes } from "./kubernetes.ts";
import { promqlOf, readMetrics } from "./prometheus.ts";

export interface ContextSources {
  /** Cluster access; undefined when the relay has none (no kubeconfig, not in a cluster). */
  readonly kube: KubeConfig | undefined;
  readonly prometheusUrl: string | undefined;
  readonly budgetMs: number;
  readonly maxBytes: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

const TIMED_OUT = Symbol("timed out");

/**
 * Gathers what the cluster and Prometheus say about an alert, within the time
 * budget and the size cap. Kubernetes and Prometheus are read at once; a part
 * not done by the deadline is named missing and the rest is still answered.
 */
export async function gatherContext(request: ContextRequest, sources: ContextSources): Promise<ClusterContext> {
  const now = sources.now?.() ?? new Date();
  const started = Date.now();
  const budgetMs = Math.min(request.budget_ms ?? sources.budgetMs, sources.budgetMs);
  const deadline = AbortSignal.timeout(budgetMs);
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => deadline.addEventListener("abort", () => resolve(TIMED_OUT), { once: true }));
  const missing: { part: ContextPart; reason: string }[] = [];

  const kubernetes: Promise<KubernetesFindings> = sources.kube
    ? Promise.race([readKubernetes(sources.kube, request, now), timedOut]).then((found) =>
        found === TIMED_OUT ? { missing: [{ part: "pod", reason: `Kubernetes did not answer within ${budgetMs} ms` }] } : found,
      )
    : Promise.resolve({ missing: [{ part: "pod", reason: "the relay has no Kubernetes access (no kubeconfig, not in a cluster)" }] });

  const query = promqlOf(request.generator_url);
  const metrics = !sources.prometheusUrl
    ? Promise.resolve("PROMETHEUS_URL is not set on the relay")
    : !query
      ? Promise.resolve("the alert carries no PromQL expression (generator_url without g0.expr)")
      : readMetrics(sources.prometheusUrl, query, now, deadline, sources.fetch).catch((error: unknown) =>
          deadline.aborted ? `Prometheus did not answer within ${budgetMs} ms` : error instanceof Error ? error.message : String(error),
        );

  const [found, metricContext] = await Promise.all([kubernetes, metrics]);
  missing.push(...found.missing);
  if (typeof metricContext === "string") missing.push({ part: "metrics", reason: metricContext.slice(0, 300) });
  return fitContext(
    {
      collected_at: now.toISOString(),
      duration_ms: Date.now() - started,
      ...(found.pod ? { pod: found.pod } : {}),
      ...(found.deployment ? { deployment: found.deployment } : {}),
      ...(found.events ? { events: found.events } : {}),
      ...(typeof metricContext === "object" ? { metrics: metricContext } : {}),
      missing,
    },
    sources.maxBytes,
  );
}
