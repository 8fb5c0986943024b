import { WorkerEntrypoint } from "cloudflare:workers";
import { ExecuteRequestedV1 } from "../../../shared/contracts/queue.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { createApp } from "./app.ts";
import { recordDeadLetters } from "./dead-letters.ts";
import type { Env } from "./env.ts";
import { dispatchExecution } from "./executions.ts";
import { withServices } from "./services.ts";
import { runSweeps, type SweepReport } from "./sweeps.ts";

const app = createApp();

function sweep(env: Env, scheduledTime: number): Promise<SweepReport> {
  return withServices(env, async (services) => {
    const report = await runSweeps(services, new Date(scheduledTime));
    if (report.expired + report.escalations + report.incidentEscalations + report.handOffsResent + report.ticketRepeats > 0 || report.digestSent) {
      services.log("sweep", { ...report });
    }
    return report;
  });
}

/**
 * The cron's work as an RPC entrypoint, reachable only through a service
 * binding: `wrangler dev` does not fire cron triggers, so the local gateway
 * calls this once a minute instead.
 */
export class Cron extends WorkerEntrypoint<Env> {
  run(scheduledTime: number): Promise<SweepReport> {
    return sweep(this.env, scheduledTime);
  }
}

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    await withServices(env, async (services) => {
      if (batch.queue.startsWith("awoooi-dead-letter")) {
        await recordDeadLetters(batch.messages, services.deadLetters, services.metrics);
        return;
      }
      await consume(batch, {
        schema: ExecuteRequestedV1,
        deadLetters: env.DEAD_LETTER_QUEUE,
        handle: (message) => dispatchExecution(message, services),
        // An executor that is down is usually down for minutes, not seconds.
        backoffSeconds: (attempts) => Math.min(15 * 2 ** attempts, 900),
      });
    });
  },

  async scheduled(controller, env) {
    await sweep(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, unknown>;
