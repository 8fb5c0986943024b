import type { Hono } from "hono";
import type { Log } from "../../../shared/logging.ts";
import { createRelayApp } from "./app.ts";
import type { RelayConfig } from "./config.ts";
import { kubernetesAccess } from "./context/kubernetes.ts";
import { JobRunner } from "./jobs.ts";

export interface RelayServices {
  readonly runner: JobRunner;
  readonly app: Hono;
}

/** The relay's composition root: what `main.ts`, the dev stack and the tests all run. */
export function relayServices(config: RelayConfig, log: Log): RelayServices {
  const runner = new JobRunner(config, log);
  const context = {
    kube: kubernetesAccess(config),
    prometheusUrl: config.PROMETHEUS_URL,
    budgetMs: config.RELAY_CONTEXT_BUDGET_MS,
    maxBytes: config.RELAY_CONTEXT_MAX_BYTES,
  };
  return { runner, app: createRelayApp(config, runner, context) };
}
