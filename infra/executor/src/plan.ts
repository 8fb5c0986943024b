import type { ActionPlan, PlanFacts, RemediationAction } from "../../../shared/contracts/action.ts";
import { clip } from "../../../shared/domain/text.ts";
import type { Kubectl } from "./kubectl.ts";

type Json = Record<string, any>;

/** `argv` of a server-side dry run of the action: the same command, nothing persisted. */
export const dryRunArgs = (argv: readonly string[]) => [...argv.slice(1), "--dry-run=server"];

/**
 * Reads what the guardrails need from the cluster and runs the action as a
 * server-side dry run, within `budgetMs`. A read that fails is named in
 * `errors` (the guardrails that need it then fail), never thrown.
 */
export async function planAction(
  input: { action: RemediationAction; argv: readonly string[]; digest: string },
  kubectl: Kubectl,
  budgetMs: number,
  now: () => Date = () => new Date(),
): Promise<ActionPlan> {
  const deadline = Date.now() + budgetMs;
  const left = () => Math.max(1, deadline - Date.now());
  const errors: string[] = [];
  const get = async (args: string[]): Promise<Json | undefined> => {
    const run = await kubectl(["get", ...args, "-o", "json"], left());
    if (run.exitCode !== 0) {
      errors.push(clip(`kubectl get ${args.join(" ")}: ${run.timedOut ? "timed out" : run.stderr.trim() || `exit ${run.exitCode}`}`, 500));
      return undefined;
    }
    try {
      return JSON.parse(run.stdout) as Json;
    } catch {
      errors.push(`kubectl get ${args.join(" ")}: not JSON`);
      return undefined;
    }
  };

  const { action } = input;
  const ns = action.target.namespace;
  const facts: PlanFacts = {};
  if (action.operation === "DELETE_POD") {
    const pod = await get(["pod", action.target.name, "-n", ns]);
    if (pod) {
      Object.assign(facts, { target_ready: podReady(pod) });
      const owner = (pod.metadata?.ownerReferences ?? []).find((o: Json) => o.kind === "ReplicaSet" || o.kind === "StatefulSet");
      if (!owner) errors.push(`pod ${action.target.name} has no ReplicaSet or StatefulSet owner: nothing would replace it`);
      else {
        const kind = owner.kind === "ReplicaSet" ? "replicaset" : "statefulset";
        const parent = await get([kind, String(owner.name), "-n", ns]);
        if (parent) Object.assign(facts, { desired_replicas: count(parent.spec?.replicas), ready_replicas: count(parent.status?.readyReplicas) });
      }
    }
  } else {
    const deployment = await get(["deployment", action.target.name, "-n", ns]);
    if (deployment) {
      const revision = Number(deployment.metadata?.annotations?.["deployment.kubernetes.io/revision"]);
      Object.assign(facts, {
        desired_replicas: count(deployment.spec?.replicas),
        ready_replicas: count(deployment.status?.readyReplicas),
        containers: (deployment.spec?.template?.spec?.containers ?? []).slice(0, 50).map((c: Json) => ({
          name: String(c.name),
          limits: quantities(c.resources?.limits),
          requests: quantities(c.resources?.requests),
        })),
        ...(Number.isInteger(revision) ? { current_revision: revision } : {}),
      });
      if (action.operation === "ROLLBACK_DEPLOYMENT") {
        const target = await rollbackTarget(deployment, action.params.to_revision, get, ns);
        if (target) Object.assign(facts, { rollback_revision: target.revision, rollback_revision_created_at: target.createdAt });
        else errors.push(`no revision ${action.params.to_revision ?? "before the current one"} in the deployment's history`);
      }
    }
  }

  const dry = await kubectl(dryRunArgs(input.argv), left());
  const output = clip(`${dry.stdout}${dry.stderr}`.trim() || (dry.timedOut ? "timed out" : ""), 4_000);
  return {
    digest: input.digest,
    planned_at: now().toISOString(),
    facts,
    dry_run: { ok: dry.exitCode === 0 && !dry.timedOut, exit_code: dry.exitCode, output },
    errors: errors.slice(0, 10),
  };
}

const count = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0);

function quantities(map: Json | undefined): { memory?: string; cpu?: string } {
  return {
    ...(typeof map?.memory === "string" ? { memory: clip(map.memory, 32) } : {}),
    ...(typeof map?.cpu === "string" ? { cpu: clip(map.cpu, 32) } : {}),
  };
}

function podReady(pod: Json): boolean {
  return (pod.status?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True");
}

/**
 * The revision `kubectl rollout undo` would return to: the one asked for, or
 * the highest below the current. Revisions are the Deployment's ReplicaSets.
 */
async function rollbackTarget(
  deployment: Json,
  wanted: number | null,
  get: (args: string[]) => Promise<Json | undefined>,
  ns: string,
): Promise<{ revision: number; createdAt: string } | undefined> {
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const list = await get(["replicasets", "-n", ns, ...(selector ? ["-l", selector] : [])]);
  const current = Number(deployment.metadata?.annotations?.["deployment.kubernetes.io/revision"]);
  const owned = (list?.items ?? [])
    .filter((rs: Json) => (rs.metadata?.ownerReferences ?? []).some((o: Json) => o.uid === deployment.metadata?.uid))
    .map((rs: Json) => ({
      revision: Number(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"]),
      createdAt: String(rs.metadata?.creationTimestamp),
    }))
    .filter((r: { revision: number }) => Number.isInteger(r.revision));
  const candidates =
    wanted !== null ? owned.filter((r: { revision: number }) => r.revision === wanted) : owned.filter((r: { revision: number }) => r.revision < current);
  return candidates.sort((a: { revision: number }, b: { revision: number }) => b.revision - a.revision)[0];
}
