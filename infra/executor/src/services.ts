import type { Hono } from "hono";
import type { Log } from "../../../shared/logging.ts";
import { createExecutorApp } from "./app.ts";
import type { ExecutorConfig } from "./config.ts";
import { Journal } from "./journal.ts";
import { type Kubectl, kubectlAt } from "./kubectl.ts";
import { ExecutionRunner } from "./runner.ts";

export interface ExecutorServices {
  readonly journal: Journal;
  readonly kubectl: Kubectl;
  readonly runner: ExecutionRunner;
  readonly app: Hono;
}

/** The executor's composition root: what `main.ts`, the dev stack and the tests all run. */
export function executorServices(config: ExecutorConfig, log: Log): ExecutorServices {
  const journal = new Journal(config.EXECUTOR_JOURNAL);
  const kubectl = kubectlAt(config.EXECUTOR_KUBECTL, config.EXECUTOR_KUBE_CONTEXT);
  const runner = new ExecutionRunner(config, journal, kubectl, log);
  return { journal, kubectl, runner, app: createExecutorApp(config, runner, journal, kubectl) };
}
