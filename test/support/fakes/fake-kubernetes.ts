// A local server speaking the Kubernetes API reads the relay's context uses
// (PROTOCOLS §21): pods, deployments, replicasets (by name and by label
// selector) and core/v1 events by field selector. It checks what the API
// server checks — the bearer token, selectable event fields — and answers
// missing objects and refusals with a `Status` object, as the real one does.

import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startJsonServer } from "./json-server.ts";

type Obj = { metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

export interface FakeKubernetes {
  readonly url: string;
  /** A kubeconfig file pointing at this server with its token. */
  readonly kubeconfig: string;
  readonly requests: string[];
  put(kind: "pods" | "deployments" | "replicasets" | "events", object: Obj): void;
  /** Every read answers 403 (a service account without RBAC for these reads). */
  forbid(on: boolean): void;
  /** Every read waits this long before answering. */
  delay(ms: number): void;
  close(): Promise<void>;
}

const EVENT_FIELDS = new Set([
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
  "metadata.name",
  "metadata.namespace",
]);

const status = (code: number, reason: string, message: string) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason,
  code,
});

function field(object: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
}

export async function startFakeKubernetes(token = "fake-kube-token-0123456789"): Promise<FakeKubernetes> {
  const store = { pods: new Map<string, Obj>(), deployments: new Map<string, Obj>(), replicasets: new Map<string, Obj>(), events: new Map<string, Obj>() };
  const requests: string[] = [];
  let forbidden = false;
  let delayMs = 0;
  const server = await startJsonServer(async (x) => {
    requests.push(`${x.method} ${x.path}`);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (x.headers.authorization !== `Bearer ${token}`) return x.send(401, status(401, "Unauthorized", "Unauthorized"));
    const url = new URL(x.path, "http://k8s");
    const match = /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(pods|deployments|replicasets|events)(?:\/([^/]+))?$/.exec(url.pathname);
    if (x.method !== "GET" || !match) return x.send(404, status(404, "NotFound", "the server could not find the requested resource"));
    const [, namespace, kind, name] = match as unknown as [string, string, keyof typeof store, string | undefined];
    const group = kind === "deployments" || kind === "replicasets" ? "apps" : "";
    if ((group === "apps") !== url.pathname.startsWith("/apis/apps/v1/"))
      return x.send(404, status(404, "NotFound", "the server could not find the requested resource"));
    if (forbidden) {
      return x.send(
        403,
        status(
          403,
          "Forbidden",
          `${kind}${group ? `.${group}` : ""} is forbidden: User "system:serviceaccount:awoooi:relay" cannot get resource "${kind}" in the namespace "${namespace}"`,
        ),
      );
    }
    const inNamespace = [...store[kind].values()].filter((o) => o.metadata.namespace === namespace);
    if (name !== undefined) {
      const found = inNamespace.find((o) => o.metadata.name === name);
      return found ? x.send(200, found) : x.send(404, status(404, "NotFound", `${kind}${group ? `.${group}` : ""} "${name}" not found`));
    }
    let items = inNamespace;
    const fieldSelector = url.searchParams.get("fieldSelector");
    if (fieldSelector) {
      for (const term of fieldSelector.split(",")) {
        const [key, value] = term.split("=") as [string, string | undefined];
        if (kind !== "events" || !EVENT_FIELDS.has(key)) {
          return x.send(400, status(400, "BadRequest", `"${key}" is not a known field selector: only "metadata.name", "metadata.namespace"`));
        }
        items = items.filter((o) => String(field(o, key) ?? "") === value);
      }
    }
    const labelSelector = url.searchParams.get("labelSelector");
    if (labelSelector) {
      const wanted = labelSelector.split(",").map((term) => term.split("=") as [string, string]);
      items = items.filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k] === v));
    }
    const limit = Number(url.searchParams.get("limit") ?? 0);
    if (limit > 0) items = items.slice(0, limit);
    const listKind = kind === "events" ? "EventList" : `${kind[0]!.toUpperCase()}${kind.slice(1, -1)}List`;
    return x.send(200, { kind: listKind, apiVersion: group ? "apps/v1" : "v1", metadata: { resourceVersion: "1" }, items });
  });
  const kubeconfig = join(tmpdir(), `awoooi-kubeconfig-${crypto.randomUUID()}.yaml`);
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: fake",
      "  cluster:",
      // Plain HTTP on loopback, as `kubectl proxy` serves it.
      `    server: ${server.url}`,
      "users:",
      "- name: relay",
      "  user:",
      `    token: ${token}`,
      "contexts:",
      "- name: fake",
      "  context:",
      "    cluster: fake",
      "    user: relay",
      "current-context: fake",
      "",
    ].join("\n"),
  );
  return {
    url: server.url,
    kubeconfig,
    requests,
    put: (kind, object) => void store[kind].set(`${object.metadata.namespace}/${object.metadata.name}`, object),
    forbid: (on) => {
      forbidden = on;
    },
    delay: (ms) => {
      delayMs = ms;
    },
    close: server.close,
  };
}

/** A crash-looping pod of `deployment`, its ReplicaSet, the deployment and their events, as a cluster would hold them. */
export function crashLoopingApp(cluster: FakeKubernetes, options: { namespace: string; deployment: string; pod: string; revisionCreatedAt: Date }) {
  const { namespace, deployment, pod, revisionCreatedAt } = options;
  const rs = `${deployment}-7d4b8c9f5`;
  const uid = crypto.randomUUID();
  cluster.put("deployments", {
    metadata: { name: deployment, namespace, uid, annotations: { "deployment.kubernetes.io/revision": "7" } },
    spec: { replicas: 3, selector: { matchLabels: { app: deployment } } },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 },
  });
  cluster.put("replicasets", {
    metadata: {
      name: rs,
      namespace,
      labels: { app: deployment, "pod-template-hash": "7d4b8c9f5" },
      creationTimestamp: revisionCreatedAt.toISOString(),
      annotations: { "deployment.kubernetes.io/revision": "7" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: deployment, uid, controller: true }],
    },
  });
  cluster.put("replicasets", {
    metadata: {
      name: `${deployment}-5c6d7e8f9`,
      namespace,
      labels: { app: deployment, "pod-template-hash": "5c6d7e8f9" },
      creationTimestamp: new Date(revisionCreatedAt.getTime() - 7 * 86_400_000).toISOString(),
      annotations: { "deployment.kubernetes.io/revision": "6" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: deployment, uid, controller: true }],
    },
  });
  cluster.put("pods", {
    metadata: {
      name: pod,
      namespace,
      labels: { app: deployment },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, controller: true }],
    },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "api",
          ready: false,
          restartCount: 14,
          image: "registry.example/api:2.4.0",
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container" } },
          lastState: { terminated: { reason: "OOMKilled", exitCode: 137, startedAt: "2026-12-01T04:58:00Z", finishedAt: "2026-12-01T04:59:00Z" } },
        },
      ],
    },
  });
  cluster.put("events", {
    metadata: { name: `${pod}.1`, namespace },
    involvedObject: { kind: "Pod", name: pod, namespace },
    type: "Warning",
    reason: "BackOff",
    message: "Back-off restarting failed container api",
    count: 42,
    lastTimestamp: "2026-12-01T05:00:00Z",
  });
  cluster.put("events", {
    metadata: { name: `${deployment}.1`, namespace },
    involvedObject: { kind: "Deployment", name: deployment, namespace },
    type: "Normal",
    reason: "ScalingReplicaSet",
    message: `Scaled up replica set ${rs} to 3`,
    count: 1,
    lastTimestamp: "2026-12-01T04:30:00Z",
  });
}
