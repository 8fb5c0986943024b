import type { ClusterContext } from "../contracts/context.ts";
import { scrubText } from "./scrub.ts";
import { storableDeep } from "./text.ts";

/** Default size cap of a gathered context, in bytes of JSON. */
export const DEFAULT_CONTEXT_BYTES = 8_192;

const sizeOf = (context: ClusterContext) => new TextEncoder().encode(JSON.stringify(context)).length;

/**
 * Cuts a context to `maxBytes` of JSON, dropping the least telling parts first:
 * older events, then extra series, then event messages, then the metrics and
 * events altogether. What was cut is named in `missing`.
 */
export function fitContext(context: ClusterContext, maxBytes = DEFAULT_CONTEXT_BYTES): ClusterContext {
  let fitted = context;
  const cut = (part: "events" | "metrics", change: (c: ClusterContext) => ClusterContext) => {
    fitted = change(fitted);
    if (!fitted.missing.some((m) => m.part === part && m.reason.startsWith("cut"))) {
      fitted = { ...fitted, missing: [...fitted.missing, { part, reason: `cut to fit ${maxBytes} bytes` }] };
    }
  };
  while (sizeOf(fitted) > maxBytes && (fitted.events?.length ?? 0) > 3) {
    cut("events", (c) => ({ ...c, events: c.events!.slice(0, Math.ceil(c.events!.length / 2)) }));
  }
  while (sizeOf(fitted) > maxBytes && (fitted.metrics?.series.length ?? 0) > 3) {
    cut("metrics", (c) => ({ ...c, metrics: { ...c.metrics!, series: c.metrics!.series.slice(0, Math.ceil(c.metrics!.series.length / 2)) } }));
  }
  if (sizeOf(fitted) > maxBytes && fitted.events) {
    cut("events", (c) => ({ ...c, events: c.events!.map((e) => ({ ...e, message: e.message.slice(0, 120) })) }));
  }
  if (sizeOf(fitted) > maxBytes && fitted.metrics) cut("metrics", ({ metrics: _, ...c }) => c);
  if (sizeOf(fitted) > maxBytes && fitted.events) cut("events", ({ events: _, ...c }) => c);
  return fitted;
}

/**
 * Cluster text is as untrusted as the alert (an event message or a label can
 * carry anything a workload writes): every string gets the alert's scrub and
 * becomes storable in Postgres.
 */
export function scrubContext(context: ClusterContext): ClusterContext {
  const clean = (value: unknown): unknown => {
    if (typeof value === "string") return scrubText(value).text;
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubText(k).text, clean(v)]));
    return value;
  };
  return storableDeep(clean(context) as ClusterContext);
}

/** A duration in the largest whole unit ("3d", "5h", "12m", "40s"). */
export function ageOf(seconds: number): string {
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)}d`;
  if (seconds >= 3_600) return `${Math.floor(seconds / 3_600)}h`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m`;
  return `${seconds}s`;
}

const num = (value: number | null | undefined) => (value === null || value === undefined ? "n/a" : String(Math.round(value * 1000) / 1000));

/**
 * The context as plain lines, for the prompt (inside the untrusted-data fence)
 * and for people (the approval page, messages). Empty when nothing was gathered.
 */
export function contextLines(context: ClusterContext | undefined, limits: { events: number; series: number } = { events: 10, series: 10 }): string[] {
  if (!context) return [];
  const lines: string[] = [];
  const { pod, deployment, events, metrics } = context;
  if (pod) {
    const termination = pod.last_termination
      ? `, last terminated ${pod.last_termination.reason}${pod.last_termination.exit_code !== undefined ? ` (exit ${pod.last_termination.exit_code})` : ""}${pod.last_termination.finished_at ? ` at ${pod.last_termination.finished_at}` : ""}`
      : "";
    lines.push(
      `- Pod ${pod.name}: ${pod.phase}${pod.waiting_reason ? ` (${pod.waiting_reason})` : ""}, ready ${pod.ready}, restarts ${pod.restarts}${termination}`,
    );
  }
  if (deployment) {
    const revision = deployment.revision
      ? `, revision ${deployment.revision}${deployment.revision_age_seconds !== undefined ? ` rolled out ${ageOf(deployment.revision_age_seconds)} ago` : ""}`
      : "";
    lines.push(
      `- Deployment ${deployment.name}: ${deployment.ready}/${deployment.desired} ready, ${deployment.available} available, ${deployment.updated} updated${revision}`,
    );
  }
  if (events?.length) {
    lines.push("- Recent events:");
    for (const e of events.slice(0, limits.events)) {
      lines.push(`  - ${e.last_seen ?? "?"} ${e.type} ${e.reason} ${e.object}${e.count > 1 ? ` ×${e.count}` : ""}: ${e.message}`);
    }
  }
  if (metrics?.series.length) {
    lines.push(`- Alert expression ${metrics.query}:`);
    for (const s of metrics.series.slice(0, limits.series)) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== "__name__")
        .map(([k, v]) => `${k}="${v}"`)
        .join(",");
      const hour = s.samples !== undefined ? `; last hour min ${num(s.min)}, max ${num(s.max)} (${s.samples} samples)` : "";
      lines.push(`  - {${labels}} now ${num(s.now)}${hour}`);
    }
  }
  return lines;
}
