import { clip } from "../text.ts";
import { type NotificationView, titleOf } from "./view.ts";

export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: "trigger" | "resolve";
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: "critical" | "error" | "warning" | "info";
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly client?: string;
  readonly client_url?: string;
  readonly links?: ReadonlyArray<{ readonly href: string; readonly text: string }>;
}

/**
 * Events API v2 (PROTOCOLS.md §7). The dedup key is the alert fingerprint, so
 * the page opened for an incident is the one its resolution closes. Approval
 * links are never sent: they carry a signature meant for one person.
 */
export function renderPagerDuty(
  v: NotificationView,
  routingKey: string,
  action: "trigger" | "resolve",
  firedAt: string,
  namespace: string | undefined,
  target: string | undefined,
): PagerDutyEvent {
  if (action === "resolve") return { routing_key: routingKey, event_action: "resolve", dedup_key: v.fingerprint };
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: v.fingerprint,
    payload: {
      summary: clip(`${titleOf(v)} — ${v.rootCause}`, 1_024),
      source: clip(target ?? namespace ?? v.source, 255),
      severity: v.severity,
      timestamp: firedAt,
      ...(target ? { component: clip(target, 255) } : {}),
      ...(namespace ? { group: clip(namespace, 255) } : {}),
      class: clip(v.alertType, 255),
      custom_details: {
        headline: v.headline,
        root_cause: v.rootCause,
        risk: v.risk,
        confidence: v.confidence,
        verdict_by: v.verdictBy,
        blast_radius: v.blastRadius,
        proposed: `${v.operation}: ${v.command}`,
        seen: v.seen,
        approval: v.approval ?? null,
        incident_id: v.incidentId,
        approval_id: v.approvalId ?? null,
      },
    },
    client: "AWOOOI Edge",
    ...(v.sourceLink ? { client_url: v.sourceLink.url, links: [{ href: v.sourceLink.url, text: v.sourceLink.label }] } : {}),
  };
}
