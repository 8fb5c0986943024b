import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ExecutionRequest, ExecutionResult } from "../../../shared/contracts/execution.ts";

export type JournalEntry =
  | { readonly kind: "accepted"; readonly id: string; readonly at: string; readonly request: ExecutionRequest }
  | { readonly kind: "finished"; readonly id: string; readonly at: string; readonly result: ExecutionResult };

export interface JournalState {
  readonly request: ExecutionRequest;
  readonly result: ExecutionResult | undefined;
}

/**
 * An append-only JSON-lines file of accepted and finished executions. It is
 * what makes an execution id run at most once, across restarts: an id in the
 * journal is never run again, and one accepted but never finished (the
 * process died mid-run) is reported as interrupted rather than re-run.
 */
export class Journal {
  readonly #path: string;
  readonly #entries = new Map<string, JournalState>();

  constructor(path: string) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a torn last line after a crash: the entry before it stands
      }
      if (entry.kind === "accepted") this.#entries.set(entry.id, { request: entry.request, result: undefined });
      else {
        const known = this.#entries.get(entry.id);
        if (known) this.#entries.set(entry.id, { ...known, result: entry.result });
      }
    }
  }

  get(id: string): JournalState | undefined {
    return this.#entries.get(id);
  }

  /** Executions accepted but never finished: the process stopped while they ran. */
  unfinished(): ExecutionRequest[] {
    return [...this.#entries.values()].filter((e) => !e.result).map((e) => e.request);
  }

  accept(request: ExecutionRequest): void {
    this.#append({ kind: "accepted", id: request.execution_id, at: new Date().toISOString(), request });
    this.#entries.set(request.execution_id, { request, result: undefined });
  }

  finish(result: ExecutionResult): void {
    this.#append({ kind: "finished", id: result.execution_id, at: new Date().toISOString(), result });
    const known = this.#entries.get(result.execution_id);
    if (known) this.#entries.set(result.execution_id, { ...known, result });
  }

  // Synchronous: the entry is on disk before the caller answers or runs anything.
  #append(entry: JournalEntry): void {
    appendFileSync(this.#path, `${JSON.stringify(entry)}\n`, { encoding: "utf8", flush: true });
  }
}
