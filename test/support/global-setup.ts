// Starts real Redis and Postgres once per test run (see
// infra/local/backing-services.ts) and hands their addresses to the workerd
// test projects as bindings, together with the dev defaults.
import type { TestProject } from "vitest/node";
import { MissingServiceError, startBackingServices } from "../../infra/local/backing-services.ts";
import { TEST_VARS } from "./test-vars.ts";

declare module "vitest" {
  export interface ProvidedContext {
    workerEnv: Record<string, string>;
    redisRestUrl: string;
    redisRestToken: string;
  }
}

export default async function setup(project: TestProject) {
  let services: Awaited<ReturnType<typeof startBackingServices>>;
  try {
    services = await startBackingServices({ purpose: "test" });
  } catch (error) {
    if (error instanceof MissingServiceError) {
      console.error(`\n${error.message}\n`);
    }
    throw error;
  }
  project.provide("workerEnv", { ...TEST_VARS, ...services.env });
  project.provide("redisRestUrl", services.redis.restUrl);
  project.provide("redisRestToken", services.redis.restToken);
  return async () => {
    await services.stop();
  };
}
