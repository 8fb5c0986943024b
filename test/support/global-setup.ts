// Starts real Redis and Postgres once per test run (see
// infra/local/backing-services.ts) and hands their addresses to the workerd
// test projects as bindings, together with the dev defaults.
import type { TestProject } from "vitest/node";
import { MissingServiceError, startBackingServices } from "../../infra/local/backing-services.ts";
import { startPgWsBridge } from "../../infra/local/pg-ws-bridge.ts";
import { startRedisRestServer } from "../../infra/local/redis-rest-server.ts";
import { startReferenceExecutor } from "./fakes/executor-for-tests.ts";
import { startFakeChatServices } from "./fakes/fake-chat-services.ts";
import { startFakeExecutor } from "./fakes/fake-executor.ts";
import { startFakeGitHub } from "./fakes/fake-github.ts";
import { startFakeJira } from "./fakes/fake-jira.ts";
import { startRelay } from "./fakes/relay-for-tests.ts";
import { startSmtpInbox } from "./fakes/smtp-inbox.ts";
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
  // A second endpoint on the same Redis database that only the cost test uses,
  // so its command counts are not disturbed by projects running in parallel.
  const metered = await startRedisRestServer({ redisUrl: services.redis.redisUrl, token: services.redis.restToken, db: services.redis.db });
  // LLM stand-ins speaking the real protocols, and a real relay in front of the fake Ollama.
  const llm = await startRelay();
  const executor = await startFakeExecutor();
  const referenceExecutor = await startReferenceExecutor();
  const chat = await startFakeChatServices();
  // A real SMTP server and a GitHub Issues stand-in for notify's mail and tickets; both read back over HTTP.
  const smtp = await startSmtpInbox();
  const github = await startFakeGitHub();
  const jira = await startFakeJira();
  // Fault injection for the fault matrix: a Redis that answers late, and a Postgres bridge that cuts every 3rd COMMIT.
  const slowRedis = await startRedisRestServer({ redisUrl: services.redis.redisUrl, token: services.redis.restToken, db: services.redis.db, delayMs: 150 });
  // An empty Redis database for fuzz tests whose subject is hostile input, not whatever other tests left behind.
  const emptyRedis = await startRedisRestServer({ redisUrl: services.redis.redisUrl, token: services.redis.restToken, db: 14, flush: true });
  const flakyPg = await startPgWsBridge({ target: services.postgres.target, dropEveryNthCommit: 3 });
  project.provide("workerEnv", {
    ...TEST_VARS,
    ...services.env,
    METERED_REDIS_REST_URL: metered.url,
    ...llm.env,
    ...executor.env,
    ...referenceExecutor.env,
    ...chat.env,
    TEST_SMTP_PORT: String(smtp.port),
    TEST_SMTP_INBOX_URL: smtp.url,
    TEST_GITHUB_URL: github.url,
    TEST_GITHUB_TOKEN: github.token,
    TEST_JIRA_URL: jira.url,
    TEST_JIRA_EMAIL: jira.email,
    TEST_JIRA_TOKEN: jira.token,
    SLOW_REDIS_REST_URL: slowRedis.url,
    EMPTY_REDIS_REST_URL: emptyRedis.url,
    FLAKY_NEON_WS_PROXY: flakyPg.wsProxy,
  });
  project.provide("redisRestUrl", services.redis.restUrl);
  project.provide("redisRestToken", services.redis.restToken);
  return async () => {
    await llm.stop();
    await executor.close();
    await referenceExecutor.close();
    await chat.close();
    await smtp.close();
    await github.close();
    await jira.close();
    await slowRedis.close();
    await emptyRedis.close();
    await flakyPg.close();
    await metered.close();
    await services.stop();
  };
}
