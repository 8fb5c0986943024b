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
  /**
   * Its bundle's budget, KiB gzip, as `wrangler deploy` uploads it: `npm run build:check` fails past it.
   * Cold starts and per-request parse time grow with the bundle; raise a budget on purpose, never by drift.
   */
  readonly gzipBudgetKib?: number;
}

const fn = (name: string, envInterface: string, requiredSecrets: readonly string[], gzipBudgetKib: number): WorkerInfo => ({
  name,
  gzipBudgetKib,
  configSchema: `${envInterface.replace(/Bindings$/, "")}Config`,
  config: `functions/${name}/wrangler.toml`,
  tsconfig: `functions/${name}/tsconfig.json`,
  typesFile: `functions/${name}/worker-configuration.d.ts`,
  envInterface,
  requiredSecrets,
});

const REDIS = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"];

export const FUNCTIONS: readonly WorkerInfo[] = [
  // The hot path: issue #19 holds it to 150 KiB (79 today).
  fn("webhook-receive", "WebhookReceiveBindings", [...REDIS, "WEBHOOK_TOKEN"], 150),
  fn("analyze", "AnalyzeBindings", ["DATABASE_URL"], 320),
  fn("classify", "ClassifyBindings", ["DATABASE_URL", ...REDIS], 200),
  fn("notify", "NotifyBindings", [...REDIS, "LINK_SIGNING_KEY", "APPROVERS"], 210),
  fn("approve", "ApproveBindings", ["DATABASE_URL", ...REDIS, "LINK_SIGNING_KEY", "APPROVERS", "OPS_TOKEN", "METRICS_TOKEN"], 360),
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
