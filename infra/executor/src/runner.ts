import type { ExecutionRequest, ExecutionResult } from "../../../shared/contracts/execution.ts";
import { clip } from "../../../shared/domain/text.ts";
import { postSigned } from "../../../shared/http/signed-delivery.ts";
import type { Log } from "../../../shared/logging.ts";
import type { ExecutorConfig } from "./config.ts";
import type { Journal } from "./journal.ts";
import type { Kubectl } from "./kubectl.ts";
import { planAction } from "./plan.ts";

export interface RunnerStats {
  readonly running: number;
  readonly waiting: number;
  readonly capacity: number;
  readonly queueLimit: number;
  readonly accepting: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs accepted executions with bounded concurrency: first the server dry run
 * (the plan), then — unless the request is a dry run or the dry run failed —
 * the real command, and reports a signed result naming the execution id to
 * its callback URL, retrying until the receiver answers.
 */
export class ExecutionRunner {
  readonly #config: ExecutorConfig;
  readonly #journal: Journal;
  readonly #kubectl: Kubectl;
  readonly #log: Log;
  readonly #fetch: typeof fetch;
  readonly #waiting: ExecutionRequest[] = [];
  readonly #active = new Set<Promise<void>>();
  #running = 0;
  #accepting = true;

  constructor(config: ExecutorConfig, journal: Journal, kubectl: Kubectl, log: Log, fetchImpl: typeof fetch = fetch) {
    this.#config = config;
    this.#journal = journal;
    this.#kubectl = kubectl;
    this.#log = log;
    this.#fetch = fetchImpl;
  }

  /** Reports executions the last process accepted but never finished: they are not run again. */
  recover(): void {
    for (const request of this.#journal.unfinished()) {
      const result: ExecutionResult = {
        execution_id: request.execution_id,
        status: "failed",
        digest: request.digest,
        output_excerpt: "interrupted: the executor stopped while this ran; its effect is unknown and it is not run again — check the cluster",
      };
      this.#journal.finish(result);
      this.#log("execution_interrupted", { executionId: request.execution_id });
      this.#track(this.#report(request, result));
    }
  }

  /** Takes an execution (journaled first) or refuses it at once. */
  offer(request: ExecutionRequest): "accepted" | "full" | "draining" {
    if (!this.#accepting) return "draining";
    if (this.#running >= this.#config.EXECUTOR_CONCURRENCY && this.#waiting.length >= this.#config.EXECUTOR_QUEUE_LIMIT) return "full";
    this.#journal.accept(request);
    if (this.#running >= this.#config.EXECUTOR_CONCURRENCY) this.#waiting.push(request);
    else this.#start(request);
    return "accepted";
  }

  stats(): RunnerStats {
    return {
      running: this.#running,
      waiting: this.#waiting.length,
      capacity: this.#config.EXECUTOR_CONCURRENCY,
      queueLimit: this.#config.EXECUTOR_QUEUE_LIMIT,
      accepting: this.#accepting,
    };
  }

  /** Stops taking executions and waits up to `ms` for the running and waiting ones; true when all finished. */
  async drain(ms: number): Promise<boolean> {
    this.#accepting = false;
    const deadline = Date.now() + ms;
    while ((this.#running > 0 || this.#waiting.length > 0 || this.#active.size > 0) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#active]), sleep(Math.max(0, Math.min(250, deadline - Date.now())))]);
    }
    return this.#running === 0 && this.#waiting.length === 0;
  }

  #track(work: Promise<void>): void {
    const tracked = work.finally(() => this.#active.delete(tracked));
    this.#active.add(tracked);
  }

  #start(request: ExecutionRequest): void {
    this.#running += 1;
    this.#track(
      this.#run(request).finally(() => {
        this.#running -= 1;
        const next = this.#waiting.shift();
        if (next) this.#start(next);
      }),
    );
  }

  async #run(request: ExecutionRequest): Promise<void> {
    const started = Date.now();
    const plan = await planAction(request, this.#kubectl, this.#config.EXECUTOR_PLAN_TIMEOUT_SECONDS * 1000);
    let result: ExecutionResult;
    if (!plan.dry_run.ok) {
      result = {
        execution_id: request.execution_id,
        status: "failed",
        digest: request.digest,
        plan,
        output_excerpt: `server dry run failed: ${plan.dry_run.output}`,
      };
    } else if (request.dry_run) {
      result = { execution_id: request.execution_id, status: "succeeded", digest: request.digest, plan, output_excerpt: plan.dry_run.output };
    } else {
      const run = await this.#kubectl(request.argv.slice(1), this.#config.EXECUTOR_TIMEOUT_SECONDS * 1000);
      const output = `${run.stdout}${run.stderr}`.trim();
      result = {
        execution_id: request.execution_id,
        status: run.exitCode === 0 && !run.timedOut ? "succeeded" : "failed",
        digest: request.digest,
        plan,
        output_excerpt: clip(run.timedOut ? `timed out after ${this.#config.EXECUTOR_TIMEOUT_SECONDS}s\n${output}` : output || `exit ${run.exitCode}`, 4_000),
      };
    }
    result = { ...result, duration_ms: Date.now() - started };
    this.#journal.finish(result);
    this.#log("execution_finished", {
      executionId: request.execution_id,
      correlationId: request.correlation_id,
      argv: request.argv,
      dryRun: request.dry_run,
      status: result.status,
      durationMs: result.duration_ms,
    });
    await this.#report(request, result);
  }

  /** Delivers a signed result; a final 4xx (409 included: already recorded differently) ends it. */
  async #report(request: ExecutionRequest, result: ExecutionResult): Promise<void> {
    await postSigned({
      url: request.callback_url,
      body: JSON.stringify(result),
      secret: this.#config.EXECUTOR_SECRET,
      attempts: this.#config.EXECUTOR_CALLBACK_ATTEMPTS,
      backoffMs: this.#config.EXECUTOR_CALLBACK_BACKOFF_MS,
      headers: request.correlation_id ? { "X-Correlation-Id": request.correlation_id } : {},
      fetch: this.#fetch,
      log: (event, details) => this.#log(`result_${event}`, { executionId: request.execution_id, ...details }),
    });
  }
}
