import type { NormalizedAlert } from "../../contracts/alert.ts";
import { TEXT_LIMITS } from "../../contracts/alert.ts";
import type { CanonicalAlertInput } from "../../contracts/sources/canonical.ts";
import { classifySeverity } from "../severity.ts";
import { capPayload, clip } from "../text.ts";
import { clipLabels } from "./alertmanager.ts";
import { inferResource } from "./resource.ts";

export function normalizeCanonicalAlert(input: CanonicalAlertInput, now: Date): NormalizedAlert {
  const { severity, priority } = classifySeverity(input.severity);
  const inferred = input.labels ? inferResource(input.labels) : {};
  const namespace = input.namespace ?? inferred.namespace;
  const target = input.target_resource ?? inferred.target_resource;
  const resourceType = input.resource_type ?? (input.target_resource ? undefined : inferred.resource_type);
  return {
    alert_type: input.alert_type,
    severity,
    priority,
    source: input.source,
    status: input.status ?? "firing",
    ...(namespace !== undefined ? { namespace: clip(namespace, TEXT_LIMITS.name) } : {}),
    ...(target !== undefined ? { target_resource: clip(target, TEXT_LIMITS.name) } : {}),
    ...(resourceType !== undefined ? { resource_type: resourceType } : {}),
    message: clip(input.message, TEXT_LIMITS.message),
    ...(input.description !== undefined ? { description: clip(input.description, TEXT_LIMITS.description) } : {}),
    ...(input.metrics ? { metrics: input.metrics } : {}),
    ...(input.labels ? { labels: clipLabels(input.labels) } : {}),
    fired_at: input.fired_at ?? now.toISOString(),
    ...(input.source_fingerprint ? { source_fingerprint: input.source_fingerprint } : {}),
    ...(input.generator_url ? { generator_url: input.generator_url } : {}),
    raw_payload: capPayload(input.raw_payload ?? input, TEXT_LIMITS.rawPayloadBytes),
  };
}
