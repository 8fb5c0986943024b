/** Every Worker of the bundle: the five functions and the local dev gateway. */
export interface WorkerInfo {
  readonly name: string;
  readonly config: string;
  readonly tsconfig: string;
  readonly typesFile: string;
  readonly envInterface: string;
  /** Secrets the function cannot start without; `npm run deploy` refuses to deploy it while one is unset. */
  readonly requiredSecrets: readonly string[];
  /** The zod schema its `src/env.ts` exports for its settings (checked by `npm run deploy`). */
  readonly configSchema?: string;
}

const fn = (name: string, envInterface: string, requiredSecrets: readonly string[]): WorkerInfo => ({
  name,
  configSchema: `${envInterface.replace(/Bindings$/, "")}Config`,
  config: `functions/${name}/wrangler.toml`,
  tsconfig: `functions/${name}/tsconfig.json`,
  typesFile: `functions/${name}/worker-configuration.d.ts`,
  envInterface,
  requiredSecrets,
});

const REDIS = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"];

export const FUNCTIONS: readonly WorkerInfo[] = [
  fn("webhook-receive", "WebhookReceiveBindings", [...REDIS, "WEBHOOK_TOKEN"]),
  fn("analyze", "AnalyzeBindings", ["DATABASE_URL"]),
  fn("classify", "ClassifyBindings", ["DATABASE_URL", ...REDIS]),
  fn("notify", "NotifyBindings", [...REDIS, "LINK_SIGNING_KEY", "APPROVERS"]),
  fn("approve", "ApproveBindings", ["DATABASE_URL", ...REDIS, "LINK_SIGNING_KEY", "APPROVERS", "OPS_TOKEN", "METRICS_TOKEN"]),
];

export const GATEWAY: WorkerInfo = {
  name: "dev-gateway",
  config: "wrangler.toml",
  tsconfig: "infra/gateway/tsconfig.json",
  typesFile: "infra/gateway/worker-configuration.d.ts",
  envInterface: "GatewayBindings",
  requiredSecrets: [],
};

export const WORKERS: readonly WorkerInfo[] = [...FUNCTIONS, GATEWAY];

/** Every queue the functions' wrangler configs name (`npm run deploy` creates them); the last is the dead-letter queue. */
export const QUEUES = ["awoooi-analyze", "awoooi-classify", "awoooi-notify", "awoooi-execute", "awoooi-dead-letter"] as const;

/** Required secrets `wrangler secret list` (its JSON: `[{ "name": … }]`) does not show as set. */
export function missingSecrets(required: readonly string[], listed: unknown): string[] {
  const names = new Set(Array.isArray(listed) ? listed.flatMap((entry) => (typeof entry?.name === "string" ? [entry.name] : [])) : []);
  return required.filter((name) => !names.has(name));
}
