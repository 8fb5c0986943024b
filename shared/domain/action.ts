import {
  type ActionPlan,
  type ApprovalAction,
  type GuardrailCheck,
  K8sLabelName,
  K8sObjectName,
  RemediationAction,
  TYPED_OPERATIONS,
  type TypedOperation,
} from "../contracts/action.ts";
import type { NormalizedAlert } from "../contracts/alert.ts";
import type { SuggestedAction } from "../contracts/rca.ts";
import { workloadOfPod } from "./rules-provider.ts";
import { clip } from "./text.ts";

/**
 * A verdict's action made concrete: the typed action (when one can be derived
 * at all), its exact argv and digest, and every reason it may not run by itself.
 */
export interface ActionProposal {
  readonly typed: RemediationAction | null;
  readonly argv: readonly string[] | null;
  readonly display: string | null;
  readonly digest: string | null;
  readonly issues: readonly string[];
}

const TARGET_KIND: Record<TypedOperation, "pod" | "deployment"> = {
  DELETE_POD: "pod",
  RESTART_DEPLOYMENT: "deployment",
  SCALE_DEPLOYMENT: "deployment",
  ROLLBACK_DEPLOYMENT: "deployment",
  INCREASE_MEMORY: "deployment",
  INCREASE_CPU: "deployment",
};

const quoted = (text: string) => JSON.stringify(clip(text, 80));

/**
 * Derives the typed action from a verdict and its alert. The target is the
 * alert's own object unless the provider named one, which must then be one the
 * alert names. Parameters come from structured fields; the command text is
 * read only as a proposal, and text that says two things is not used at all.
 */
export async function proposeAction(suggested: SuggestedAction, alert: NormalizedAlert): Promise<ActionProposal> {
  const { operation } = suggested;
  const none = (issues: string[]): ActionProposal => ({ typed: null, argv: null, display: null, digest: null, issues });
  if (operation === "INVESTIGATE") return none([]);
  if (!TYPED_OPERATIONS.has(operation)) return none([`${operation} has no typed form: a person runs it by hand`]);
  const op = operation as TypedOperation;
  const issues: string[] = [];

  const target = targetOf(op, suggested, alert, issues);
  if (!target) return none(issues);
  const params = paramsOf(op, suggested, issues);
  if (params === undefined) return none(issues);
  const parsed = RemediationAction.safeParse({ version: 1, operation: op, target, ...(params === null ? {} : { params }) });
  if (!parsed.success) {
    return none([...issues, `the action is not well-formed: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`]);
  }
  const { argv, display } = renderAction(parsed.data);
  return { typed: parsed.data, argv, display, digest: await actionDigest(argv), issues };
}

function targetOf(op: TypedOperation, suggested: SuggestedAction, alert: NormalizedAlert, issues: string[]) {
  const kind = TARGET_KIND[op];
  const owned = ownedObjects(alert);
  const namespace = suggested.target?.namespace ?? alert.namespace;
  let name: string | undefined;
  if (suggested.target) {
    name = suggested.target.name;
    if (suggested.target.kind !== kind) {
      issues.push(`${op} acts on a ${kind}, not a ${suggested.target.kind}`);
      return undefined;
    }
    if (suggested.target.namespace !== alert.namespace) issues.push(`namespace ${quoted(suggested.target.namespace)} is not the alert's own namespace`);
    if (!owned[kind].includes(suggested.target.name)) issues.push(`${kind} ${quoted(suggested.target.name)} is not a resource the alert names`);
  } else {
    name = owned[kind][0];
  }
  if (!namespace) {
    issues.push("the alert names no namespace");
    return undefined;
  }
  if (!name) {
    issues.push(`the alert names no ${kind} to act on`);
    return undefined;
  }
  const badNamespace = !K8sLabelName.safeParse(namespace).success;
  const badName = !K8sObjectName.safeParse(name).success;
  if (badNamespace) issues.push(`namespace ${quoted(namespace)} is not a valid Kubernetes name`);
  if (badName) issues.push(`${kind} name ${quoted(name)} is not a valid Kubernetes name`);
  return badNamespace || badName ? undefined : { kind, name, namespace };
}

/** The pods and deployments an alert names: its target, and the `pod`/`deployment` labels. */
function ownedObjects(alert: NormalizedAlert): { pod: string[]; deployment: string[] } {
  const pods: string[] = [];
  const deployments: string[] = [];
  const resource = alert.target_resource;
  // Without a stated type, a name with a ReplicaSet hash and pod suffix is a pod; any other, a deployment.
  const type = alert.resource_type ?? (resource && workloadOfPod(resource) !== resource ? "pod" : "deployment");
  if (resource && type === "pod") pods.push(resource);
  if (resource && type === "deployment") deployments.push(resource);
  if (alert.labels?.pod) pods.push(alert.labels.pod);
  if (alert.labels?.deployment) deployments.push(alert.labels.deployment);
  for (const pod of pods) deployments.push(workloadOfPod(pod));
  return { pod: [...new Set(pods)], deployment: [...new Set(deployments)] };
}

/** Every value of `--flag=v` / `--flag v` in the text. */
function flagValues(text: string, flag: string): string[] {
  const pattern = new RegExp(`(?:^|\\s)--${flag}(?:=|\\s+)(\\S*)`, "g");
  return [...text.matchAll(pattern)].map((match) => match[1] ?? "");
}

/**
 * The operation's parameters: `null` when it has none, `undefined` when they
 * cannot be known (the reason is pushed to `issues`).
 */
function paramsOf(op: TypedOperation, suggested: SuggestedAction, issues: string[]): Record<string, unknown> | null | undefined {
  const given = suggested.parameters ?? {};
  const text = suggested.command;
  switch (op) {
    case "DELETE_POD":
    case "RESTART_DEPLOYMENT":
      return null;
    case "SCALE_DEPLOYMENT": {
      const replicas = numberParam("replicas", given.replicas, flagValues(text, "replicas"), issues);
      if (replicas === undefined) return undefined;
      return { replicas };
    }
    case "ROLLBACK_DEPLOYMENT": {
      const fromText = flagValues(text, "to-revision");
      if (given.to_revision === undefined && fromText.length === 0) return { to_revision: null };
      const revision = numberParam("to-revision", given.to_revision, fromText, issues);
      if (revision === undefined) return undefined;
      return { to_revision: revision === 0 ? null : revision };
    }
    case "INCREASE_MEMORY":
    case "INCREASE_CPU": {
      const resource = op === "INCREASE_MEMORY" ? "memory" : "cpu";
      const limit = resourceParam("limits", resource, given.limit, text, issues);
      if (limit === undefined) return undefined;
      const request = given.request ?? resourceFromText("requests", resource, text, issues, false);
      if (request === undefined) return undefined;
      const containers = flagValues(text, "container").concat([...text.matchAll(/(?:^|\s)-c(?:=|\s+)(\S*)/g)].map((m) => m[1] ?? ""));
      let container: string | null = given.container ?? null;
      if (container === null && containers.length > 1) {
        issues.push("the command names the container more than once");
        return undefined;
      }
      if (container === null && containers.length === 1) container = containers[0] ?? null;
      return { container, limit, request };
    }
  }
}

function numberParam(flag: string, structured: number | undefined, fromText: string[], issues: string[]): number | undefined {
  if (structured !== undefined) {
    const disagree = fromText.filter((value) => value !== String(structured));
    if (disagree.length > 0) issues.push(`the command text says --${flag}=${disagree.map((v) => clip(v, 20)).join(", ")} but the parameters say ${structured}`);
    return structured;
  }
  if (fromText.length === 0) {
    issues.push(`no --${flag} value was proposed`);
    return undefined;
  }
  if (fromText.length > 1) {
    issues.push(`ambiguous: the command gives --${flag} ${fromText.length} times (${fromText.map((v) => clip(v, 20)).join(", ")})`);
    return undefined;
  }
  const value = fromText[0] ?? "";
  if (!/^\d{1,9}$/.test(value)) {
    issues.push(`--${flag}=${quoted(value)} is not a whole number`);
    return undefined;
  }
  return Number(value);
}

function resourceParam(flag: "limits", resource: "memory" | "cpu", structured: string | undefined, text: string, issues: string[]): string | undefined {
  if (structured !== undefined) return structured;
  const value = resourceFromText(flag, resource, text, issues, true);
  return value === null ? undefined : value;
}

/** `--limits=cpu=500m,memory=1Gi` → the one resource's quantity; null when absent; undefined when ambiguous. */
function resourceFromText(
  flag: "limits" | "requests",
  resource: "memory" | "cpu",
  text: string,
  issues: string[],
  required: boolean,
): string | null | undefined {
  const values = flagValues(text, flag).flatMap((list) =>
    list
      .split(",")
      .map((pair) => pair.split("="))
      .filter(([name]) => name === resource)
      .map(([, value]) => value ?? ""),
  );
  if (values.length > 1) {
    issues.push(`ambiguous: the command sets the ${resource} ${flag} ${values.length} times`);
    return undefined;
  }
  if (values.length === 0) {
    if (required) issues.push(`no new ${resource} limit was proposed`);
    return null;
  }
  return values[0] ?? null;
}

/** The one rendering of an action: the argv the executor runs and the command people read. */
export function renderAction(action: RemediationAction): { argv: string[]; display: string } {
  const { name, namespace } = action.target;
  const deployment = `deployment/${name}`;
  let argv: string[];
  switch (action.operation) {
    case "DELETE_POD":
      argv = ["kubectl", "delete", "pod", name, "-n", namespace, "--wait=false"];
      break;
    case "RESTART_DEPLOYMENT":
      argv = ["kubectl", "rollout", "restart", deployment, "-n", namespace];
      break;
    case "SCALE_DEPLOYMENT":
      argv = ["kubectl", "scale", deployment, "-n", namespace, `--replicas=${action.params.replicas}`];
      break;
    case "ROLLBACK_DEPLOYMENT":
      argv = ["kubectl", "rollout", "undo", deployment, "-n", namespace];
      if (action.params.to_revision !== null) argv.push(`--to-revision=${action.params.to_revision}`);
      break;
    case "INCREASE_MEMORY":
    case "INCREASE_CPU": {
      const resource = action.operation === "INCREASE_MEMORY" ? "memory" : "cpu";
      argv = ["kubectl", "set", "resources", deployment, "-n", namespace];
      if (action.params.container !== null) argv.push("-c", action.params.container);
      argv.push(`--limits=${resource}=${action.params.limit}`);
      if (action.params.request !== null) argv.push(`--requests=${resource}=${action.params.request}`);
      break;
    }
  }
  return { argv, display: argv.map(shellQuote).join(" ") };
}

/** For display only (nothing is ever run through a shell): quotes what a shell would read specially. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** SHA-256 (hex) of the exact argv: what signatures and the executor request are bound to. */
export async function actionDigest(argv: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(["awoooi.action.v1", argv]));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

const MEMORY_UNITS: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes memory quantity in bytes; undefined when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ""] ?? Number.NaN);
}

/** A Kubernetes CPU quantity in millicores; undefined when it is not one. */
export function cpuMillis(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return match[2] ? Number(match[1]) : Number(match[1]) * 1000;
}

/** The action as an approval stores it and every channel shows it. */
export function approvalActionOf(
  suggested: SuggestedAction,
  proposal: ActionProposal,
  plan: ActionPlan | undefined,
  guardrails: readonly GuardrailCheck[],
): ApprovalAction {
  return {
    operation: suggested.operation,
    command: proposal.display ?? suggested.command,
    description: suggested.description,
    typed: proposal.typed,
    argv: proposal.argv ? [...proposal.argv] : null,
    digest: proposal.digest,
    note: suggested.command,
    issues: [...proposal.issues],
    plan: plan ?? null,
    guardrails: [...guardrails],
  };
}
