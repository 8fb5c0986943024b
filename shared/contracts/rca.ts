import * as z from "zod/v4";

export const RiskLevel = z.enum(["low", "medium", "high", "critical"]);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const DataImpact = z.enum(["none", "read_only", "write", "destructive"]);
export type DataImpact = z.infer<typeof DataImpact>;

/**
 * Remediation operations a verdict may propose. Anything else a model says is
 * rejected at parse time; `INVESTIGATE` means "no safe automatic action".
 */
export const Operation = z.enum([
  "DELETE_POD",
  "RESTART_DEPLOYMENT",
  "SCALE_DEPLOYMENT",
  "ROLLBACK_DEPLOYMENT",
  "INCREASE_MEMORY",
  "INCREASE_CPU",
  "VACUUM_DB",
  "CLEAR_CACHE",
  "RENEW_CERTIFICATE",
  "RERUN_PIPELINE",
  "PATCH_VULNERABILITY",
  "INVESTIGATE",
]);
export type Operation = z.infer<typeof Operation>;

export const RcaProvider = z.enum(["ollama", "gemini", "anthropic", "rules"]);
export type RcaProvider = z.infer<typeof RcaProvider>;

export const BlastRadius = z.object({
  affected_pods: z.number().int().min(0).max(100_000),
  estimated_downtime: z.string().max(64),
  related_services: z.array(z.string().max(200)).max(50),
  data_impact: DataImpact,
});
export type BlastRadius = z.infer<typeof BlastRadius>;

/**
 * What a provider may add to the seed's `suggested_action` to propose the
 * structure of the action directly. Everything here is unvalidated input:
 * the typed action is derived from it (and the alert) in the domain, where a
 * bad name makes the action non-automatic instead of failing the verdict.
 */
export const ProposedTarget = z.object({
  kind: z.enum(["pod", "deployment"]),
  name: z.string().max(253),
  namespace: z.string().max(63),
});
export type ProposedTarget = z.infer<typeof ProposedTarget>;

export const ProposedParameters = z.object({
  replicas: z.number().int().min(0).max(100_000).optional(),
  to_revision: z.number().int().min(1).max(1_000_000_000).optional(),
  container: z.string().max(63).optional(),
  limit: z.string().max(32).optional(),
  request: z.string().max(32).optional(),
});
export type ProposedParameters = z.infer<typeof ProposedParameters>;

/** Seed 000 §4.3's action, plus an optional structured target and parameters. */
export const SuggestedAction = z.object({
  operation: Operation,
  command: z.string().max(2_000),
  description: z.string().max(2_000),
  target: ProposedTarget.optional(),
  parameters: ProposedParameters.optional(),
});
export type SuggestedAction = z.infer<typeof SuggestedAction>;

export const DryRunCheck = z.object({
  name: z.string().max(200),
  passed: z.boolean(),
  message: z.string().max(1_000),
});

/** A root-cause verdict (seed 000 §4.3 response schema) plus who produced it. */
export const Rca = z.object({
  root_cause: z.string().min(1).max(4_000),
  risk_level: RiskLevel,
  blast_radius: BlastRadius,
  suggested_action: SuggestedAction,
  confidence: z.number().min(0).max(100),
  dry_run_checks: z.array(DryRunCheck).max(20),
  provider: RcaProvider,
  model: z.string().min(1).max(128),
});
export type Rca = z.infer<typeof Rca>;
