import type { NormalizedAlert } from "../../contracts/alert.ts";
import { scrubText } from "../scrub.ts";
import { storableDeep } from "../text.ts";

/**
 * Scrubs every free-text field of a normalized alert that can reach a prompt or
 * a chat message. `raw_payload` keeps what the source sent, for humans. Then,
 * the one storability pass at the boundary: every string of the alert, the raw
 * payload included, becomes storable in Postgres (no NUL, no lone surrogate),
 * so an alert answered 202 can always become an incident row.
 */
export function scrubAlert(alert: NormalizedAlert): NormalizedAlert {
  let redacted = false;
  const clean = (value: string): string => {
    const result = scrubText(value);
    redacted ||= result.redacted;
    return result.text;
  };
  const optional = (value: string | undefined) => (value === undefined ? undefined : clean(value));
  const scrubbed: NormalizedAlert = {
    ...alert,
    // Required fields must stay non-empty even when they held nothing but invisible characters.
    alert_type: clean(alert.alert_type).trim() || "unnamed-alert",
    message: clean(alert.message).trim() || "(no message)",
    source: clean(alert.source).trim() || "unknown",
    ...(alert.description !== undefined ? { description: optional(alert.description) } : {}),
    ...(alert.namespace !== undefined ? { namespace: optional(alert.namespace) } : {}),
    ...(alert.target_resource !== undefined ? { target_resource: optional(alert.target_resource) } : {}),
    ...(alert.labels ? { labels: Object.fromEntries(Object.entries(alert.labels).map(([k, v]) => [clean(k), clean(v)])) } : {}),
    ...(alert.metrics ? { metrics: Object.fromEntries(Object.entries(alert.metrics).map(([k, v]) => [clean(k), typeof v === "string" ? clean(v) : v])) } : {}),
  };
  return storableDeep(redacted ? { ...scrubbed, scrubbed: true } : scrubbed);
}
