import * as z from "zod/v4";
import { K8sLabelName } from "../../../shared/contracts/action.ts";

/** Executor settings, from the environment (docs/executor.md lists them). */
export const ExecutorConfig = z.object({
  /** Shared with approve and classify: requests must be signed with it; results and plans are signed with it. */
  EXECUTOR_SECRET: z.string().min(16, "must be at least 16 characters"),
  /** The kubectl binary, run with argv only (never a shell). Default `kubectl` from PATH. */
  EXECUTOR_KUBECTL: z.string().min(1).default("kubectl"),
  /** kubeconfig context to use (`--context`); unset: kubectl's current context. */
  EXECUTOR_KUBE_CONTEXT: K8sLabelName.optional(),
  /** Namespaces this executor acts in, comma-separated. Required: the executor's own allow-list, checked again here. */
  EXECUTOR_NAMESPACES: z
    .string()
    .min(1, "must list at least one namespace")
    .transform((text, ctx) => {
      const names = text
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !K8sLabelName.safeParse(n).success);
      if (names.length === 0 || bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `must be DNS-1123 namespace names${bad.length ? ` (bad: ${bad.join(", ")})` : ""}` });
        return z.NEVER;
      }
      return new Set(names);
    }),
  /** The journal of executions (JSON lines): a repeated execution id never runs twice, across restarts. */
  EXECUTOR_JOURNAL: z.string().min(1).default("executor-journal.jsonl"),
  PORT: z.coerce.number().int().min(1).max(65_535).default(8791),
  HOST: z.string().default("0.0.0.0"),
  /** Executions running at once. Default 2. */
  EXECUTOR_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Executions that may wait for a slot; beyond it new ones get 503. Default 20. */
  EXECUTOR_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(20),
  /** Time limit of one kubectl run, in seconds. Default 60. */
  EXECUTOR_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  /** Time budget of a whole plan (reads and server dry run), in seconds. Default 10. */
  EXECUTOR_PLAN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  /** On SIGTERM: how long running executions may still finish. Default 90. */
  EXECUTOR_DRAIN_SECONDS: z.coerce.number().int().min(0).max(3_600).default(90),
  /** Result delivery attempts. Default 6 (backoff 1, 2, 4, 8, 16 s). */
  EXECUTOR_CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  EXECUTOR_CALLBACK_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
});
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;

export function loadExecutorConfig(env: Record<string, string | undefined>): ExecutorConfig {
  const result = ExecutorConfig.safeParse(env);
  if (!result.success) {
    throw new Error(`executor: invalid configuration — ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
