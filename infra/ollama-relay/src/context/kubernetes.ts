import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { ApiException, AppsV1Api, CoreV1Api, type CoreV1Event, KubeConfig, type V1Deployment, type V1Pod, type V1ReplicaSet } from "@kubernetes/client-node";
import { K8sLabelName, K8sObjectName } from "../../../../shared/contracts/action.ts";
import type { ContextPart, ContextRequest, DeploymentContext, EventContext, PodContext } from "../../../../shared/contracts/context.ts";

export interface KubernetesFindings {
  pod?: PodContext;
  deployment?: DeploymentContext;
  events?: EventContext[];
  missing: { part: ContextPart; reason: string }[];
}

const REVISION = "deployment.kubernetes.io/revision";
const MAX_EVENTS = 10;

/**
 * The relay's access to the cluster, found as kubectl finds it: the files in
 * `KUBECONFIG` (merged), then `~/.kube/config`, then the in-cluster service
 * account. Undefined when there is none — the client would otherwise guess
 * localhost:8080.
 */
export function kubernetesAccess(
  env: { KUBECONFIG?: string | undefined; KUBERNETES_SERVICE_HOST?: string | undefined },
  home = homedir(),
): KubeConfig | undefined {
  const kc = new KubeConfig();
  const files = (env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  const own = join(home, ".kube", "config");
  if (files.length === 0 && existsSync(own)) files.push(own);
  if (files.length > 0) {
    kc.loadFromFile(files[0]!);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more);
    }
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    return undefined;
  }
  if (!kc.getCurrentCluster()) return undefined;
  return plainHttpAllowed(kc);
}

/**
 * kubectl talks to an `http://` API server (a local proxy, `kubectl proxy`)
 * as configured; the client library refuses one unless TLS checks are off for
 * it — meaningless without TLS. Mark such clusters so, and no other.
 */
function plainHttpAllowed(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((c) => c.server.startsWith("http://") && !c.skipTLSVerify)) return kc;
  const allowed = new KubeConfig();
  allowed.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.server.startsWith("http://") ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return allowed;
}

/** Which objects an alert is about: its target (pod or deployment) and the usual labels. */
export function objectsOf(request: ContextRequest): { namespace?: string; pod?: string; deployment?: string } {
  const labels = request.labels;
  const namespace = request.namespace ?? labels.namespace;
  const target = request.target_resource;
  const pod = request.resource_type === "pod" || (!request.resource_type && target && !labels.deployment) ? target : labels.pod;
  const deployment = request.resource_type === "deployment" ? target : labels.deployment;
  const valid = (name: string | undefined, schema: typeof K8sObjectName) => (name && schema.safeParse(name).success ? name : undefined);
  return {
    ...(valid(namespace, K8sLabelName) ? { namespace } : {}),
    ...(valid(pod, K8sObjectName) ? { pod } : {}),
    ...(valid(deployment, K8sObjectName) ? { deployment } : {}),
  };
}

/** Why a read failed, in words an on-call engineer can act on. */
export function readFailure(error: unknown): string {
  if (error instanceof ApiException) {
    if (error.code === 401 || error.code === 403) return `no access (HTTP ${error.code})`;
    if (error.code === 404) return "not found";
    return `Kubernetes API answered HTTP ${error.code}`;
  }
  return `Kubernetes API unreachable: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`;
}

/**
 * Reads the pod, its deployment (through the pod's ReplicaSet when the alert
 * names only the pod), the deployment's current revision age and the recent
 * events of both. What fails is named in `missing`; nothing throws.
 */
export async function readKubernetes(kc: KubeConfig, request: ContextRequest, now: Date): Promise<KubernetesFindings> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const found: KubernetesFindings = { missing: [] };
  const objects = objectsOf(request);
  const { namespace, pod: podName } = objects;
  let deploymentName = objects.deployment;
  if (!namespace) {
    found.missing.push({ part: "pod", reason: "the alert names no valid namespace" });
    return found;
  }
  if (podName) {
    try {
      const pod = await core.readNamespacedPod({ name: podName, namespace });
      found.pod = podSummary(pod);
      deploymentName ??= await owningDeployment(apps, pod, namespace);
    } catch (error) {
      // An alert that does not say what its target is may name a deployment.
      const maybeDeployment = !request.resource_type && !deploymentName && error instanceof ApiException && error.code === 404;
      if (maybeDeployment) deploymentName = podName;
      else found.missing.push({ part: "pod", reason: `pod ${podName}: ${readFailure(error)}` });
    }
  }
  const [deployment, events] = await Promise.all([
    deploymentName ? readDeployment(apps, deploymentName, namespace, now).catch((error) => readFailure(error)) : undefined,
    readEvents(
      core,
      namespace,
      [podName, deploymentName].filter((n): n is string => Boolean(n)),
    ).catch((error) => readFailure(error)),
  ]);
  if (typeof deployment === "string") found.missing.push({ part: "deployment", reason: `deployment ${deploymentName}: ${deployment}` });
  else if (deployment) found.deployment = deployment;
  else if (!podName) found.missing.push({ part: "deployment", reason: "the alert names no pod or deployment" });
  if (typeof events === "string") found.missing.push({ part: "events", reason: events });
  else if (events.length > 0) found.events = events;
  return found;
}

export function podSummary(pod: V1Pod): PodContext {
  const containers = pod.status?.containerStatuses ?? [];
  const waiting = containers.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  const terminated = containers
    .map((c) => c.lastState?.terminated)
    .filter((t) => t !== undefined)
    .sort((a, b) => String(b.finishedAt ?? "").localeCompare(String(a.finishedAt ?? "")))[0];
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready: `${containers.filter((c) => c.ready).length}/${containers.length}`,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    ...(waiting ? { waiting_reason: waiting } : {}),
    ...(terminated
      ? {
          last_termination: {
            reason: terminated.reason ?? "Unknown",
            ...(terminated.exitCode !== undefined ? { exit_code: terminated.exitCode } : {}),
            ...(terminated.finishedAt ? { finished_at: isoOf(terminated.finishedAt) } : {}),
          },
        }
      : {}),
  };
}

/** Pod → ReplicaSet → Deployment, by owner references. */
async function owningDeployment(apps: AppsV1Api, pod: V1Pod, namespace: string): Promise<string | undefined> {
  const rsName = pod.metadata?.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name;
  if (!rsName) return undefined;
  const rs = await apps.readNamespacedReplicaSet({ name: rsName, namespace }).catch(() => undefined);
  return rs?.metadata?.ownerReferences?.find((o) => o.kind === "Deployment")?.name;
}

async function readDeployment(apps: AppsV1Api, name: string, namespace: string, now: Date): Promise<DeploymentContext> {
  const deployment = await apps.readNamespacedDeployment({ name, namespace });
  const revision = deployment.metadata?.annotations?.[REVISION];
  const since = revision ? await revisionCreatedAt(apps, deployment, namespace, revision).catch(() => undefined) : undefined;
  return deploymentSummary(deployment, since, now);
}

export function deploymentSummary(deployment: V1Deployment, revisionCreatedAt: Date | undefined, now: Date): DeploymentContext {
  const status = deployment.status ?? {};
  const revision = deployment.metadata?.annotations?.[REVISION];
  return {
    name: deployment.metadata?.name ?? "",
    // Count fields are left out when zero.
    desired: deployment.spec?.replicas ?? 1,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    ...(revision ? { revision } : {}),
    ...(revisionCreatedAt ? { revision_age_seconds: Math.max(0, Math.round((now.getTime() - revisionCreatedAt.getTime()) / 1000)) } : {}),
  };
}

/** The creation time of the ReplicaSet holding the deployment's current revision. */
async function revisionCreatedAt(apps: AppsV1Api, deployment: V1Deployment, namespace: string, revision: string): Promise<Date | undefined> {
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  if (!selector) return undefined;
  const list = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
  const current = list.items.find(
    (rs: V1ReplicaSet) => rs.metadata?.ownerReferences?.some((o) => o.uid === deployment.metadata?.uid) && rs.metadata?.annotations?.[REVISION] === revision,
  );
  const created = current?.metadata?.creationTimestamp;
  return created ? new Date(created) : undefined;
}

async function readEvents(core: CoreV1Api, namespace: string, names: readonly string[]): Promise<EventContext[]> {
  const lists = await Promise.all(names.map((name) => core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}`, limit: 50 })));
  return lists
    .flatMap((list) => list.items)
    .sort((a, b) => lastSeen(b).localeCompare(lastSeen(a)))
    .slice(0, MAX_EVENTS)
    .map(eventSummary);
}

const lastSeen = (event: CoreV1Event) => isoOf(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp) ?? "";

export function eventSummary(event: CoreV1Event): EventContext {
  const seen = lastSeen(event);
  return {
    type: event.type ?? "Normal",
    reason: (event.reason ?? "").slice(0, 128),
    object: `${event.involvedObject?.kind ?? "?"}/${event.involvedObject?.name ?? "?"}`.slice(0, 300),
    message: (event.message ?? "").slice(0, 500),
    count: event.count ?? 1,
    ...(seen ? { last_seen: seen } : {}),
  };
}

function isoOf(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
