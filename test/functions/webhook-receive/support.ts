import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../../functions/webhook-receive/src/app.ts";
import type { Env, SourceName } from "../../../functions/webhook-receive/src/env.ts";
import type { IngestDeps } from "../../../functions/webhook-receive/src/ingest.ts";
import { servicesFor } from "../../../functions/webhook-receive/src/services.ts";
import type { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { testEnv } from "../../support/worker/env.ts";

export const BEARER = { Authorization: `Bearer ${testEnv.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };

export interface PostOptions {
  readonly headers?: Record<string, string>;
  /** Raw body text, sent as is (for signatures and malformed input). */
  readonly raw?: string;
  readonly queue?: ReturnType<typeof recordingQueue<AnalyzeQueueMessage>>;
  /** Variables to override for this request (limits, secrets, a dead Redis …). */
  readonly env?: Record<string, string>;
  readonly deps?: (env: Env) => IngestDeps;
}

/** Posts to a source's webhook through the app, with a recording (or failing) analyze queue. */
export async function postTo(source: SourceName, body: unknown, options: PostOptions = {}) {
  const queue = options.queue ?? recordingQueue<AnalyzeQueueMessage>();
  const env = { ...testEnv, ...options.env, ANALYZE_QUEUE: queue } as unknown as Env;
  const ctx = createExecutionContext();
  const response = await createApp(options.deps ?? servicesFor).fetch(
    new Request(`https://awoooi.test/api/v1/webhooks/${source}`, {
      method: "POST",
      headers: options.headers ?? BEARER,
      body: options.raw ?? JSON.stringify(body),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { response, json, queue, text };
}

export const analyses = (queue: { sent: unknown[] }) => (queue.sent as AnalyzeQueueMessage[]).filter((m) => m.type === "analyze.requested");
export const resolutions = (queue: { sent: unknown[] }) => (queue.sent as AnalyzeQueueMessage[]).filter((m) => m.type === "incident.resolved");
