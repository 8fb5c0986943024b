// `npm run bench`, issue #19: CPU per new incident of analyze, classify and
// notify, and per decision of approve, each function in its own `wrangler dev`
// (its own workerd, whose CPU time is its own). The five sessions form a
// pipeline of their own through the dev registry (Worker and queue names
// prefixed, so another stack's consumers neither feed nor steal from it), on
// the given Redis and Postgres, whose commands and statements are counted.
import { Redis } from "ioredis";
import { freePort } from "../../infra/local/backing-services.ts";
import { FUNCTIONS } from "../workers.ts";
import { alertmanagerBody, sleep } from "./bench-load.ts";
import { cpuPerUnitEach, processCpuMs } from "./process-cpu.ts";
import type { Stack } from "./stack.ts";
import { type AloneWorker, prefixedConfig, startAlone } from "./wrangler-alone.ts";

type FunctionName = "webhook-receive" | "analyze" | "classify" | "notify" | "approve";

interface InboxMessage {
  readonly incident_id: string;
  readonly approval_id: string | null;
  readonly kind: string;
  readonly links: ReadonlyArray<{ approver: string; url: string }>;
}

export interface PerFunctionFigures {
  readonly method: string;
  readonly incidents: number;
  /** CPU ms per new incident by function (webhook-receive: its share of batches of 10); `total` is analyze + classify + notify. */
  readonly cpu_ms_per_incident: Readonly<Record<"analyze" | "classify" | "notify" | "total", number | null>>;
  /** Upstash commands per new incident through the whole pipeline, ingest included. */
  readonly upstash_commands_per_incident: number;
  readonly postgres_statements_per_incident: number;
  readonly postgres_transactions_per_incident: number;
  /** analyze.requested, classify.requested, notify.requested. */
  readonly queue_messages_per_incident: number;
  readonly decisions: number;
  /** One approver's decision: opening the signed link's confirm page and POSTing it; the last signature also runs the hand-over (execute queue, notify). */
  readonly per_decision: {
    readonly approve_cpu_ms: number | null;
    readonly notify_cpu_ms: number | null;
    readonly upstash_commands: number;
    readonly postgres_statements: number;
    readonly postgres_transactions: number;
  };
}

const METHOD =
  "each function in its own wrangler dev (queues joined through the dev registry); each runtime workerd's CPU (utime+stime from /proc) over the work, minus its idle rate";

/**
 * Opens `incidents` new incidents (batches of 10 needing approval) through the
 * split pipeline, waits until each one's approval request is in the dev inbox,
 * then has every approver decide every approval and waits until the functions
 * are quiet again.
 */
export async function measurePerFunction(
  stack: Pick<Stack, "services" | "vars">,
  run: string,
  incidents: number,
  log: (line: string) => void,
): Promise<PerFunctionFigures> {
  const prefix = `split${run}`;
  const ports = new Map<FunctionName, number>();
  for (const fn of FUNCTIONS) ports.set(fn.name as FunctionName, await freePort());
  const vars = { ...stack.vars, PUBLIC_BASE_URL: `http://127.0.0.1:${ports.get("approve")}` };
  const workers = new Map<FunctionName, AloneWorker>();
  const inbox = new Redis(stack.services.redis.redisUrl, { db: stack.services.redis.db, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await Promise.all(
      FUNCTIONS.map(async (fn) => {
        const name = fn.name as FunctionName;
        workers.set(name, await startAlone(prefixedConfig(name, prefix), ports.get(name)!, vars, async (url) => (await fetch(`${url}/health`)).ok));
      }),
    );
    await inbox.connect();
    const pids = Object.fromEntries([...workers].map(([name, w]) => [name, w.pid])) as Record<FunctionName, number | undefined>;
    const measurable = Object.values(pids).every((pid) => pid !== undefined);
    const url = (name: FunctionName) => workers.get(name)!.url;
    const auth = { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };
    const readInbox = async () => (await inbox.lrange("awoooi:dev-inbox", 0, 499)).map((row) => JSON.parse(row) as InboxMessage);

    const openIncidents = async (count: number, tag: string): Promise<InboxMessage[]> => {
      const ids = new Set<string>();
      for (let r = 0; r < count / 10; r++) {
        const body = alertmanagerBody(Array.from({ length: 10 }, (_, k) => ({ name: "PodCrashLoopBackOff", ns: `${tag}-${run}-${r}`, pod: `api-${k}` })));
        const response = await fetch(`${url("webhook-receive")}/api/v1/webhooks/alertmanager`, { method: "POST", headers: auth, body });
        const answer = (await response.json()) as { results?: Array<{ incident_id: string | null; status: string }> };
        for (const result of answer.results ?? []) {
          if (result.status !== "accepted" || !result.incident_id) throw new Error(`per-function: an alert was answered "${result.status}", not accepted`);
          ids.add(result.incident_id);
        }
      }
      // The inbox is read from Redis directly: polling notify's /dev/inbox would add to the CPU measured.
      for (let poll = 0; poll < 1_200; poll++) {
        const requests = (await readInbox()).filter((m) => ids.has(m.incident_id) && m.kind === "approval_requested");
        if (requests.length === ids.size) return requests;
        await sleep(100);
      }
      throw new Error(
        `per-function: ${(await readInbox()).filter((m) => ids.has(m.incident_id)).length} of ${ids.size} incidents reached the dev inbox within 120 s`,
      );
    };

    // Warm every function (first requests compile the code), then measure.
    await openIncidents(10, "pfwarm");
    if (measurable) await settled(pids as Record<FunctionName, number>);
    await restStats(stack, true);
    stack.services.postgres.resetStatementCounts();
    let requests: InboxMessage[] = [];
    const openAll = async () => {
      requests = await openIncidents(incidents, "pf");
      if (measurable) await settled(pids as Record<FunctionName, number>);
    };
    const incidentCpu = measurable ? await cpuPerUnitEach(pids as Record<FunctionName, number>, incidents, openAll) : await openAll();
    const incidentRedis = await restStats(stack);
    await restStats(stack, true);
    const incidentPg = stack.services.postgres.statementCounts();
    stack.services.postgres.resetStatementCounts();

    // Decisions: every approver opens their link's confirm page and approves.
    let decisions = 0;
    const decide = async () => {
      for (const request of requests) {
        for (const link of request.links) {
          const page = await (await fetch(link.url)).text();
          const digest = /name="action_digest" value="([0-9a-f]{64})"/.exec(page)?.[1];
          const target = new URL(link.url);
          const response = await fetch(`${target.origin}${target.pathname}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
              ...Object.fromEntries(target.searchParams),
              decision: "approve",
              ...(digest ? { action_digest: digest } : {}),
            }).toString(),
          });
          if (response.status !== 200) throw new Error(`per-function: a decision was answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
          decisions++;
        }
      }
      if (measurable) await settled(pids as Record<FunctionName, number>);
    };
    const expected = requests.reduce((sum, r) => sum + r.links.length, 0);
    const decisionCpu = measurable ? await cpuPerUnitEach(pids as Record<FunctionName, number>, Math.max(1, expected), decide) : await decide();
    const decisionRedis = await restStats(stack);
    const decisionPg = stack.services.postgres.statementCounts();
    await requireApproved(url("approve"), stack.vars.OPS_TOKEN!, requests);

    const round = (n: number | undefined, digits = 3) => (n === undefined ? null : Number(n.toFixed(digits)));
    const cpu = (name: FunctionName) => round(incidentCpu?.[name]);
    const total = incidentCpu ? (incidentCpu.analyze ?? 0) + (incidentCpu.classify ?? 0) + (incidentCpu.notify ?? 0) : undefined;
    const figures: PerFunctionFigures = {
      method: METHOD,
      incidents,
      cpu_ms_per_incident: { analyze: cpu("analyze"), classify: cpu("classify"), notify: cpu("notify"), total: round(total) },
      upstash_commands_per_incident: Number((incidentRedis.commands / incidents).toFixed(2)),
      postgres_statements_per_incident: Number((incidentPg.statements / incidents).toFixed(2)),
      postgres_transactions_per_incident: Number((incidentPg.transactions / incidents).toFixed(2)),
      queue_messages_per_incident: 3,
      decisions,
      per_decision: {
        approve_cpu_ms: round(decisionCpu?.approve),
        notify_cpu_ms: round(decisionCpu?.notify),
        upstash_commands: Number((decisionRedis.commands / Math.max(1, decisions)).toFixed(2)),
        postgres_statements: Number((decisionPg.statements / Math.max(1, decisions)).toFixed(2)),
        postgres_transactions: Number((decisionPg.transactions / Math.max(1, decisions)).toFixed(2)),
      },
    };
    log(
      `cpu per new incident (own workerd each): analyze ${figures.cpu_ms_per_incident.analyze} ms, classify ${figures.cpu_ms_per_incident.classify} ms, notify ${figures.cpu_ms_per_incident.notify} ms (webhook-receive ${cpu("webhook-receive")} ms); ${figures.upstash_commands_per_incident} Upstash commands, ${figures.postgres_statements_per_incident} Postgres statements in ${figures.postgres_transactions_per_incident} transactions`,
    );
    log(
      `cpu per decision: approve ${figures.per_decision.approve_cpu_ms} ms (confirm page + signed POST), notify ${figures.per_decision.notify_cpu_ms} ms; ${figures.per_decision.upstash_commands} Upstash commands, ${figures.per_decision.postgres_statements} Postgres statements over ${decisions} decisions`,
    );
    return figures;
  } finally {
    inbox.disconnect();
    await Promise.allSettled([...workers.values()].map((w) => w.stop()));
  }
}

/**
 * Waits until every process is back to idle: queue consumers run after the
 * requests that fed them, so work is over when no process has used more than
 * a clock tick or two beyond its idle rate for two seconds.
 */
export async function settled(pids: Readonly<Record<string, number>>, quietMs = 2_000, timeoutMs = 120_000): Promise<void> {
  const step = 250;
  const read = () => Object.values(pids).map((pid) => processCpuMs(pid) ?? 0);
  let last = read();
  let quietFor = 0;
  for (let waited = 0; waited < timeoutMs; waited += step) {
    await sleep(step);
    const now = read();
    const busy = now.some((ms, i) => ms - last[i]! > 20);
    last = now;
    quietFor = busy ? 0 : quietFor + step;
    if (quietFor >= quietMs) return;
  }
  throw new Error(`per-function: the functions were still busy ${timeoutMs / 1000} s after the work`);
}

/** After the measurement: every approval decided by all its approvers is APPROVED (else the figures measured refusals). */
async function requireApproved(approveUrl: string, opsToken: string, requests: readonly InboxMessage[]): Promise<void> {
  for (const request of requests) {
    const response = await fetch(`${approveUrl}/api/v1/approvals/${request.approval_id}`, { headers: { Authorization: `Bearer ${opsToken}` } });
    const approval = (await response.json()) as { status?: string };
    if (approval.status !== "APPROVED" && approval.status !== "EXECUTED") {
      throw new Error(`per-function: approval ${request.approval_id} is ${approval.status ?? `unreadable (${response.status})`} after every approver approved`);
    }
  }
}

export async function restStats(stack: Pick<Stack, "services">, reset = false): Promise<{ requests: number; commands: number }> {
  const response = await fetch(`${stack.services.redis.restUrl}/_awoooi/stats`, {
    method: reset ? "DELETE" : "GET",
    headers: { Authorization: `Bearer ${stack.services.redis.restToken}` },
  });
  return (await response.json()) as { requests: number; commands: number };
}
