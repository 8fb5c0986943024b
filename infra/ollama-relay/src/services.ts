import type { Hono } from "hono";
import type { Log } from "../../../shared/logging.ts";
import { createRelayApp } from "./app.ts";
import type { RelayConfig } from "./config.ts";
import { JobRunner } from "./jobs.ts";

export interface RelayServices {
  readonly runner: JobRunner;
  readonly app: Hono;
}

/** The relay's composition root: what `main.ts`, the dev stack and the tests all run. */
export function relayServices(config: RelayConfig, log: Log): RelayServices {
  const runner = new JobRunner(config, log);
  return { runner, app: createRelayApp(config, runner) };
}
