import type { NormalizedAlert } from "../contracts/alert.ts";
import { clip } from "./text.ts";

/** Cloudflare Queues: one message at most 128 KB, counted in serialized UTF-8 bytes. */
export const QUEUE_MESSAGE_MAX_BYTES = 128_000;
/** What an envelope adds around its alert (type, ids, fingerprint, correlation id), with room to spare. */
const ENVELOPE_HEADROOM_BYTES = 4_096;
/** The alert's share of one message. */
export const ALERT_MESSAGE_BUDGET_BYTES = QUEUE_MESSAGE_MAX_BYTES - ENVELOPE_HEADROOM_BYTES;

const encoder = new TextEncoder();

/** Serialized UTF-8 size, as the queue counts it. */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value) ?? "null").length;
}

/** Labels a person needs to find the object; kept when the others must go. */
const KEY_LABELS = ["alertname", "severity", "priority", "namespace", "pod", "deployment", "service", "node", "container", "job", "instance"];

/**
 * Makes an alert fit one queue message, trimming in a fixed order and naming
 * what was trimmed in `trimmed`: the raw payload first (kept for humans only),
 * then label values, then labels other than the key ones, then the description,
 * then the message. An alert that already fits is returned as it is.
 */
export function fitAlertToMessage(alert: NormalizedAlert, budgetBytes = ALERT_MESSAGE_BUDGET_BYTES): NormalizedAlert {
  if (jsonBytes(alert) <= budgetBytes) return alert;
  const trimmed: NonNullable<NormalizedAlert["trimmed"]> = [];
  let fitted: NormalizedAlert = { ...alert };
  const fits = () => jsonBytes({ ...fitted, trimmed }) <= budgetBytes;

  if (fitted.raw_payload !== undefined) {
    fitted = { ...fitted, raw_payload: { truncated: true, original_bytes: jsonBytes(alert.raw_payload), reason: "queue message size limit" } };
    trimmed.push("raw_payload");
  }
  for (const max of [200, 40]) {
    if (fits() || !fitted.labels) break;
    fitted = { ...fitted, labels: mapValues(fitted.labels, (value) => clip(value, max)) };
    if (!trimmed.includes("labels")) trimmed.push("labels");
  }
  if (!fits() && fitted.labels) {
    fitted = { ...fitted, labels: Object.fromEntries(Object.entries(fitted.labels).filter(([key]) => KEY_LABELS.includes(key))) };
  }
  if (!fits() && fitted.metrics) {
    fitted = { ...fitted, metrics: Object.fromEntries(Object.entries(fitted.metrics).filter(([, value]) => typeof value !== "string")) };
    trimmed.push("metrics");
  }
  for (const max of [2_000, 200]) {
    if (fits() || fitted.description === undefined) break;
    fitted = { ...fitted, description: clip(fitted.description, max) };
    if (!trimmed.includes("description")) trimmed.push("description");
  }
  if (!fits()) {
    fitted = { ...fitted, message: clip(fitted.message, 500) };
    trimmed.push("message");
  }
  if (!fits()) {
    // Only short fields are left; the caps in TEXT_LIMITS keep them far below the budget.
    const { generator_url, ...rest } = fitted;
    fitted = { ...rest, labels: {}, metrics: {}, ...(generator_url ? { generator_url: clip(generator_url, 200) } : {}) };
  }
  return { ...fitted, trimmed };
}

function mapValues(record: Record<string, string>, fn: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
