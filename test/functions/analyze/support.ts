import { expect } from "vitest";
import type { Env } from "../../../functions/analyze/src/env.ts";
import worker from "../../../functions/analyze/src/index.ts";
import type { ClassifyRequestedV1, DeadLetterV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";

/** The analyze consumer with recording classify and dead-letter queues. */
export function consumerHarness(vars: Record<string, string> = {}) {
  const classify = recordingQueue<ClassifyRequestedV1>();
  const deadLetters = recordingQueue<DeadLetterV1>();
  const notify = recordingQueue<NotifyRequestedV2>();
  const env = { ...testEnv, ...vars, CLASSIFY_QUEUE: classify, NOTIFY_QUEUE: notify, DEAD_LETTER_QUEUE: deadLetters } as unknown as Env;
  return { env, classify, notify, deadLetters, run: (bodies: unknown[], attempts = 1) => deliver(worker, env, "awoooi-analyze", bodies, attempts) };
}

/** The user message of the one prompt the Anthropic stand-in received about an alert type. */
export async function anthropicPromptAbout(alertType: string): Promise<string> {
  const { bodies } = (await (await fetch(`${testEnv.TEST_FAKE_ANTHROPIC_URL}/_test/requests`)).json()) as {
    bodies: Array<{ messages?: Array<{ content: unknown }> }>;
  };
  const prompts = bodies.map((b) => JSON.stringify(b.messages ?? [])).filter((text) => text.includes(alertType));
  expect(prompts, `prompts for ${alertType}`).toHaveLength(1);
  return JSON.parse(prompts[0]!)[0].content as string;
}
