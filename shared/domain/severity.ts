import type { Priority, Severity } from "../contracts/alert.ts";

/**
 * Maps a source's severity word onto (severity, priority): critical → P0,
 * high/error → P1, warning → P2, info → P3. Unknown or missing words are treated
 * as warning/P2 so nothing is silently downgraded to informational.
 */
export function classifySeverity(word: string | undefined): { severity: Severity; priority: Priority } {
  switch (word?.trim().toLowerCase()) {
    case "critical":
    case "crit":
    case "fatal":
    case "emergency":
    case "page":
    case "p0":
      return { severity: "critical", priority: "P0" };
    case "high":
    case "error":
    case "err":
    case "major":
    case "p1":
      return { severity: "critical", priority: "P1" };
    case "info":
    case "informational":
    case "low":
    case "none":
    case "debug":
    case "p3":
      return { severity: "info", priority: "P3" };
    default:
      return { severity: "warning", priority: "P2" };
  }
}
