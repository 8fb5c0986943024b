import type { NormalizedAlert } from "../contracts/alert.ts";

/** Alert type of the one incident an alert storm is absorbed into. */
export const STORM_ALERT_TYPE = "AlertStorm";
/** Alert type of the one incident a source's over-limit alerts are absorbed into. */
export const OVERFLOW_ALERT_TYPE = "AlertRateLimitExceeded";

/** Identity of a storm group's incident: one per alert_type + namespace. */
export function stormIdentity(alert: Pick<NormalizedAlert, "alert_type" | "namespace">) {
  return { alert_type: STORM_ALERT_TYPE, namespace: alert.namespace, target_resource: alert.alert_type };
}

/** Identity of a source's overflow incident. */
export function overflowIdentity(source: string) {
  return { alert_type: OVERFLOW_ALERT_TYPE, namespace: undefined, target_resource: source };
}

/** The incident a storm opens: it stands for every further new alert of the group until they resolve. */
export function stormAlert(trigger: NormalizedAlert, threshold: number, now: Date): NormalizedAlert {
  return {
    alert_type: STORM_ALERT_TYPE,
    severity: trigger.severity,
    priority: trigger.priority,
    source: trigger.source,
    status: "firing",
    ...(trigger.namespace !== undefined ? { namespace: trigger.namespace } : {}),
    target_resource: trigger.alert_type,
    message: `Alert storm: more than ${threshold} new ${trigger.alert_type} alerts${trigger.namespace ? ` in ${trigger.namespace}` : ""} within a minute; further ones are absorbed into this incident.`,
    labels: { storm_alert_type: trigger.alert_type, ...(trigger.namespace ? { storm_namespace: trigger.namespace } : {}) },
    fired_at: now.toISOString(),
  };
}

/** The incident a source's over-limit alerts are absorbed into. */
export function overflowAlert(trigger: NormalizedAlert, limit: number, now: Date): NormalizedAlert {
  return {
    alert_type: OVERFLOW_ALERT_TYPE,
    severity: "warning",
    priority: "P2",
    source: trigger.source,
    status: "firing",
    target_resource: trigger.source,
    message: `${trigger.source} opened more than ${limit} new incidents within a minute; further new alerts are absorbed into this incident.`,
    labels: { rate_limited_source: trigger.source },
    fired_at: now.toISOString(),
  };
}
