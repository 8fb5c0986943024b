/** Every Worker of the bundle: the five functions and the local dev gateway. */
export interface WorkerInfo {
  readonly name: string;
  readonly config: string;
  readonly tsconfig: string;
  readonly typesFile: string;
  readonly envInterface: string;
}

const fn = (name: string, envInterface: string): WorkerInfo => ({
  name,
  config: `functions/${name}/wrangler.toml`,
  tsconfig: `functions/${name}/tsconfig.json`,
  typesFile: `functions/${name}/worker-configuration.d.ts`,
  envInterface,
});

export const FUNCTIONS: readonly WorkerInfo[] = [
  fn("webhook-receive", "WebhookReceiveBindings"),
  fn("analyze", "AnalyzeBindings"),
  fn("classify", "ClassifyBindings"),
  fn("notify", "NotifyBindings"),
  fn("approve", "ApproveBindings"),
];

export const GATEWAY: WorkerInfo = {
  name: "dev-gateway",
  config: "wrangler.toml",
  tsconfig: "infra/gateway/tsconfig.json",
  typesFile: "infra/gateway/worker-configuration.d.ts",
  envInterface: "GatewayBindings",
};

export const WORKERS: readonly WorkerInfo[] = [...FUNCTIONS, GATEWAY];

/** Every queue the functions' wrangler configs name (`npm run deploy` creates them); the last is the dead-letter queue. */
export const QUEUES = ["awoooi-analyze", "awoooi-classify", "awoooi-notify", "awoooi-execute", "awoooi-dead-letter"] as const;
