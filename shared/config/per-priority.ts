import * as z from "zod/v4";
import { Priority } from "../contracts/alert.ts";

/**
 * A duration per priority written as `P0=30m,P1=24h` (units s, m, h, d).
 * Priorities left out keep their defaults, so one override is one entry.
 */
export function perPriorityDuration(defaults: Readonly<Record<Priority, number>>) {
  return z
    .string()
    .optional()
    .transform((text, ctx): Record<Priority, number> => {
      const result = { ...defaults };
      for (const entry of (text ?? "")
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const match = /^(P[0-3])\s*=\s*(\d+)\s*([smhd])$/.exec(entry);
        if (!match) {
          ctx.addIssue({ code: "custom", message: `"${entry}" must look like P0=30m (units s, m, h, d)` });
          return z.NEVER;
        }
        const [, priority, amount, unit] = match;
        result[Priority.parse(priority)] = Number(amount) * { s: 1, m: 60, h: 3_600, d: 86_400 }[unit as "s" | "m" | "h" | "d"];
      }
      for (const [priority, seconds] of Object.entries(result)) {
        if (seconds <= 0) {
          ctx.addIssue({ code: "custom", message: `${priority} must be longer than 0` });
          return z.NEVER;
        }
      }
      return result;
    });
}

/**
 * A level per priority written as `P0=4,P3=1` (or one number for all), 0–4.
 * Priorities left out keep their defaults.
 */
export function perPriorityLevel(defaults: Readonly<Record<Priority, number>>) {
  return z
    .string()
    .optional()
    .transform((text, ctx): Record<Priority, number> => {
      const trimmed = (text ?? "").trim();
      if (/^[0-4]$/.test(trimmed)) return { P0: Number(trimmed), P1: Number(trimmed), P2: Number(trimmed), P3: Number(trimmed) };
      const result = { ...defaults };
      for (const entry of trimmed
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const match = /^(P[0-3])\s*=\s*([0-4])$/.exec(entry);
        if (!match) {
          ctx.addIssue({ code: "custom", message: `"${entry}" must look like P0=4 (levels 0–4), or be one level for all` });
          return z.NEVER;
        }
        result[Priority.parse(match[1])] = Number(match[2]);
      }
      return result;
    });
}
