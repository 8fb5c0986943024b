import * as z from "zod/v4";

/** Relay settings, from the environment (README in this folder lists them). */
export const RelayConfig = z.object({
  /** Ollama's base URL. Default http://127.0.0.1:11434. */
  OLLAMA_URL: z.url().default("http://127.0.0.1:11434"),
  /** Retries of a transient Ollama failure (connection refused or reset, 429, 5xx) within the job's timeout. Default 2. */
  OLLAMA_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** First delay before such a retry in ms; doubles each time, never past the job's deadline. Default 500. */
  OLLAMA_RETRY_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  /** Model used when a job names none. Default llama3.2. */
  OLLAMA_MODEL: z.string().min(1).default("llama3.2"),
  /** Shared with analyze: jobs must be signed with it, callbacks are signed with it. */
  RELAY_HMAC_SECRET: z.string().min(16, "must be at least 16 characters"),
  PORT: z.coerce.number().int().min(1).max(65_535).default(8790),
  HOST: z.string().default("0.0.0.0"),
  /** Jobs run at once (GPU slots). Default 1. */
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Jobs that may wait for a slot; beyond it new jobs get 503 at once. Default 8. */
  RELAY_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(8),
  /** How long Ollama keeps the model loaded after a job. Default 10m. */
  RELAY_KEEP_ALIVE: z.string().default("10m"),
  /** On SIGTERM: how long in-flight and waiting jobs may still finish. Default 120. */
  RELAY_DRAIN_SECONDS: z.coerce.number().int().min(0).max(3_600).default(120),
  /** Callback delivery attempts before giving up. Default 6 (backoff 1, 2, 4, 8, 16 s). */
  RELAY_CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** First callback retry delay in ms; doubles each time. Default 1000. */
  RELAY_CALLBACK_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
  /** Prometheus the relay evaluates alert expressions against (`POST /v1/context`); no metric context without it. */
  PROMETHEUS_URL: z.url().optional(),
  /** Kubeconfig file(s) for cluster context, as kubectl reads them; else ~/.kube/config, else the in-cluster service account. */
  KUBECONFIG: z.string().optional(),
  /** Set by Kubernetes inside a pod: the relay then reads the cluster with its service account. */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** Time budget for gathering an alert's context, in ms. Default 2000. */
  RELAY_CONTEXT_BUDGET_MS: z.coerce.number().int().min(100).max(10_000).default(2_000),
  /** Size cap of a gathered context, in bytes of JSON. Default 8192. */
  RELAY_CONTEXT_MAX_BYTES: z.coerce.number().int().min(1_024).max(65_536).default(8_192),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

export function loadRelayConfig(env: Record<string, string | undefined>): RelayConfig {
  const result = RelayConfig.safeParse(env);
  if (!result.success) {
    throw new Error(`ollama-relay: invalid configuration — ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
