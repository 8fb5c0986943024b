import type { Fingerprint, NormalizedAlert } from "../contracts/alert.ts";

/**
 * Identity of an incident: first 16 hex digits of SHA-256 over
 * `alert_type:namespace:target_resource` (seed 000 §3.4; absent parts are empty).
 * The source's own fingerprint is deliberately not used, so the same failure
 * reported by two tools is one incident.
 */
export async function fingerprintOf(alert: Pick<NormalizedAlert, "alert_type" | "namespace" | "target_resource">): Promise<Fingerprint> {
  const identity = `${alert.alert_type}:${alert.namespace ?? ""}:${alert.target_resource ?? ""}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(identity));
  return toHex(new Uint8Array(digest)).slice(0, 16);
}

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
