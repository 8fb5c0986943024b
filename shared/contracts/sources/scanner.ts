import * as z from "zod/v4";

/**
 * One finding of a security scan (nmap/ZAP-style). Either `severity` or `cvss`
 * (or both) rate it; `cve` or `id` name it when the scanner knows what it is.
 */
export const ScannerFinding = z.object({
  host: z.string().min(1).max(253),
  port: z.number().int().min(0).max(65_535).optional(),
  protocol: z.string().max(16).optional(),
  service: z.string().max(100).optional(),
  finding: z.string().min(1).max(500),
  id: z.string().max(100).optional(),
  cve: z
    .string()
    .regex(/^CVE-\d{4}-\d{4,}$/, "must look like CVE-2024-12345")
    .optional(),
  cvss: z.number().min(0).max(10).optional(),
  severity: z.enum(["critical", "high", "medium", "low", "info", "informational"]).optional(),
  description: z.string().max(20_000).optional(),
  solution: z.string().max(20_000).optional(),
  url: z.string().max(2_000).optional(),
  evidence: z.string().max(20_000).optional(),
});
export type ScannerFinding = z.infer<typeof ScannerFinding>;

/** `POST /api/v1/webhooks/scanner`: one report, one alert per finding. */
export const ScannerReport = z.object({
  scanner: z.string().min(1).max(64),
  scan_id: z.string().max(200).optional(),
  /** Where the scanned systems live; default `security`. */
  namespace: z.string().min(1).max(253).optional(),
  finished_at: z.iso.datetime({ offset: true }).optional(),
  findings: z.array(ScannerFinding).max(2_000),
});
export type ScannerReport = z.infer<typeof ScannerReport>;
