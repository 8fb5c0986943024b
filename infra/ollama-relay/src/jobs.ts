import { Ollama } from "ollama/browser";
import type { RelayCallback, RelayJob } from "../../../shared/contracts/analysis.ts";
import { postSigned } from "../../../shared/http/signed-delivery.ts";
import type { Log } from "../../../shared/logging.ts";
import type { RelayConfig } from "./config.ts";

export interface JobRunnerStats {
  readonly running: number;
  readonly waiting: number;
  readonly capacity: number;
  readonly queueLimit: number;
  readonly accepting: boolean;
}

/**
 * Runs analysis jobs against Ollama with bounded concurrency (GPU slots) and a
 * bounded waiting line, and delivers each result — or error — to the job's
 * callback URL, signed, retrying with backoff until the receiver answers 2xx.
 */
/** How long a job id is remembered: well past the signed request's 5-minute window. */
const SEEN_JOB_MS = 15 * 60_000;
const MAX_SEEN_JOBS = 100_000;

export class JobRunner {
  readonly #config: RelayConfig;
  readonly #log: Log;
  readonly #fetch: typeof fetch;
  readonly #waiting: RelayJob[] = [];
  readonly #active = new Set<Promise<void>>();
  #running = 0;
  #accepting = true;
  /** Job ids taken, with when they may be forgotten: a replayed signed job must not run twice. */
  readonly #seen = new Map<string, number>();

  constructor(config: RelayConfig, log: Log, fetchImpl: typeof fetch = fetch) {
    this.#config = config;
    this.#log = log;
    this.#fetch = fetchImpl;
  }

  /**
   * Takes a job or refuses at once: `full` when every slot and waiting place is
   * taken, `draining` after SIGTERM, `duplicate` for a job id already taken
   * (within the signature's replay window and then some).
   */
  offer(job: RelayJob, nowMs = Date.now()): "accepted" | "full" | "draining" | "duplicate" {
    if (!this.#accepting) return "draining";
    this.#forgetBefore(nowMs);
    if (this.#seen.has(job.job_id)) return "duplicate";
    if (this.#running >= this.#config.RELAY_CONCURRENCY) {
      if (this.#waiting.length >= this.#config.RELAY_QUEUE_LIMIT) return "full";
      this.#waiting.push(job);
    } else {
      this.#start(job);
    }
    this.#seen.set(job.job_id, nowMs + SEEN_JOB_MS);
    return "accepted";
  }

  #forgetBefore(nowMs: number): void {
    // Insertion order is expiry order: drop from the front while expired (or while over the cap).
    for (const [id, until] of this.#seen) {
      if (until > nowMs && this.#seen.size < MAX_SEEN_JOBS) break;
      this.#seen.delete(id);
    }
  }

  stats(): JobRunnerStats {
    return {
      running: this.#running,
      waiting: this.#waiting.length,
      capacity: this.#config.RELAY_CONCURRENCY,
      queueLimit: this.#config.RELAY_QUEUE_LIMIT,
      accepting: this.#accepting,
    };
  }

  /** Stops taking jobs and waits up to `ms` for running and waiting ones to finish; true when all did. */
  async drain(ms: number): Promise<boolean> {
    this.#accepting = false;
    const deadline = Date.now() + ms;
    while ((this.#running > 0 || this.#waiting.length > 0) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#active]), sleep(Math.max(0, Math.min(250, deadline - Date.now())))]);
    }
    return this.#running === 0 && this.#waiting.length === 0;
  }

  #start(job: RelayJob): void {
    this.#running += 1;
    const work = this.#run(job).finally(() => {
      this.#running -= 1;
      this.#active.delete(work);
      const next = this.#waiting.shift();
      if (next) this.#start(next);
    });
    this.#active.add(work);
  }

  async #run(job: RelayJob): Promise<void> {
    const started = Date.now();
    const model = job.model ?? this.#config.OLLAMA_MODEL;
    let callback: RelayCallback;
    try {
      const { content, tokens } = await this.#chat(job, model);
      callback = { job_id: job.job_id, incident_id: job.incident_id, ok: true, content, model, duration_ms: Date.now() - started, ...tokens };
    } catch (error) {
      const reason =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
          ? `timed out after ${job.timeout_seconds}s`
          : String(error instanceof Error ? error.message : error);
      callback = { job_id: job.job_id, incident_id: job.incident_id, ok: false, error: reason.slice(0, 2_000), model, duration_ms: Date.now() - started };
    }
    this.#log("job_finished", {
      jobId: job.job_id,
      ...(job.correlation_id ? { correlationId: job.correlation_id } : {}),
      ok: callback.ok,
      durationMs: callback.duration_ms,
      ...(callback.ok ? {} : { error: callback.error }),
    });
    await this.#deliver(job.callback_url, callback);
  }

  /** One chat with the verdict's JSON Schema as `format`; one repair turn when the answer is not JSON at all. */
  async #chat(job: RelayJob, model: string): Promise<{ content: string; tokens: { input_tokens: number; output_tokens: number } }> {
    const deadline = AbortSignal.timeout(job.timeout_seconds * 1000);
    const ollama = new Ollama({ host: this.#config.OLLAMA_URL, fetch: (input, init) => this.#fetch(input, { ...init, signal: deadline }) });
    const messages = [
      { role: "system", content: job.system },
      { role: "user", content: job.user },
    ];
    const tokens = { input_tokens: 0, output_tokens: 0 };
    const ask = async () => {
      const response = await this.#retryingTransient(job, deadline, () =>
        ollama.chat({
          model,
          messages,
          format: job.format,
          stream: false,
          keep_alive: this.#config.RELAY_KEEP_ALIVE,
          options: { temperature: 0 },
        }),
      );
      tokens.input_tokens += response.prompt_eval_count ?? 0;
      tokens.output_tokens += response.eval_count ?? 0;
      return response.message.content;
    };
    const first = await ask();
    if (isJson(first)) return { content: first, tokens };
    messages.push(
      { role: "assistant", content: first },
      { role: "user", content: "That was not valid JSON. Reply with the JSON object only, exactly in the requested format." },
    );
    return { content: await ask(), tokens };
  }

  /**
   * Ollama restarting, loading a model or briefly overloaded answers with a
   * refused connection, 429 or 5xx: up to OLLAMA_MAX_RETRIES more tries with
   * doubling delays, inside the job's own deadline (which still ends it).
   */
  async #retryingTransient<T>(job: RelayJob, deadline: AbortSignal, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= this.#config.OLLAMA_MAX_RETRIES || deadline.aborted || !isTransient(error)) throw error;
        const delayMs = this.#config.OLLAMA_RETRY_BACKOFF_MS * 2 ** attempt;
        this.#log("ollama_retry", {
          jobId: job.job_id,
          attempt: attempt + 1,
          delayMs,
          error: String(error instanceof Error ? error.message : error).slice(0, 200),
        });
        await sleep(delayMs);
      }
    }
  }

  async #deliver(url: string, callback: RelayCallback): Promise<void> {
    await postSigned({
      url,
      body: JSON.stringify(callback),
      secret: this.#config.RELAY_HMAC_SECRET,
      attempts: this.#config.RELAY_CALLBACK_ATTEMPTS,
      backoffMs: this.#config.RELAY_CALLBACK_BACKOFF_MS,
      fetch: this.#fetch,
      log: (event, details) => this.#log(`callback_${event}`, { jobId: callback.job_id, ...details }),
    });
  }
}

/** A failure worth another try: no connection (fetch's TypeError), or Ollama's 429 or 5xx. Never a timeout or a 4xx. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "TimeoutError" || error.name === "AbortError") return false;
  const status = (error as { status_code?: unknown }).status_code;
  if (error.name === "ResponseError" && typeof status === "number") return status === 429 || status >= 500;
  return error instanceof TypeError;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
