import type { ResourceType } from "../../contracts/alert.ts";

/** Label names that identify the affected resource, most specific first. */
const RESOURCE_LABELS: ReadonlyArray<readonly [label: string, type: ResourceType | undefined]> = [
  ["pod", "pod"],
  ["pod_name", "pod"],
  ["deployment", "deployment"],
  ["statefulset", "deployment"],
  ["daemonset", "deployment"],
  ["service", "service"],
  ["service_name", "service"],
  ["node", "node"],
  ["kubernetes_node", "node"],
  ["instance", undefined],
  ["job", undefined],
];

const NAMESPACE_LABELS = ["namespace", "kubernetes_namespace", "exported_namespace", "k8s_namespace_name"];

/** Infers namespace, target resource and its kind from a label set. */
export function inferResource(labels: Readonly<Record<string, string>>): {
  namespace?: string;
  target_resource?: string;
  resource_type?: ResourceType;
} {
  const namespace = NAMESPACE_LABELS.map((name) => labels[name]).find((value) => value !== undefined && value !== "");
  for (const [label, type] of RESOURCE_LABELS) {
    const value = labels[label];
    if (value) {
      return { namespace, target_resource: value, ...(type ? { resource_type: type } : {}) };
    }
  }
  return { namespace };
}
