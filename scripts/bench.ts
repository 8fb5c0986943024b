// `npm run bench`: measured figures, printed as a table and written to
// bench/results.json (docs/performance.md and docs/cost.md explain them). Not
// part of `npm test`. Everything runs here, on loopback: first CPU, each
// function and a bare Hono Worker (one Redis call, one queue send) in a
// `wrangler dev` of its own; then the whole bundle under `wrangler dev`
// (workerd, real local queues, real Redis and Postgres) for rates and latency.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startBackingServices } from "../infra/local/backing-services.ts";
import { startFakeOllama } from "../test/support/fakes/fake-ollama.ts";
import { alertmanagerBody, load as loadAt, quantile } from "./lib/bench-load.ts";
import { measurePerFunction, type PerFunctionFigures, restStats, settled } from "./lib/bench-per-function.ts";
import { includedAlerts, mixOf, monthlyFloor, Prices, type UnitsPerAlert, usdPerAlert } from "./lib/cost-model.ts";
import { DEV_DEFAULTS } from "./lib/dev-defaults.ts";
import { cpuMeasurable, cpuPerUnit } from "./lib/process-cpu.ts";
import { ROOT, type Stack, startStack } from "./lib/stack.ts";
import { prefixedConfig, startAlone } from "./lib/wrangler-alone.ts";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const results: Record<string, unknown> = { at: new Date().toISOString(), concurrency: CONCURRENCY, requests_per_scenario: REQUESTS };
const log = (line: string) => console.log(line);
const load = (total: number, send: (i: number) => Promise<Response>) => loadAt(total, CONCURRENCY, send);

/** What is running, so a bench that fails midway stops it rather than leaving wrangler and workerd behind. */
const running = new Set<{ stop: () => Promise<void> }>();
function tracked<T extends { stop: () => Promise<void> }>(thing: T): T {
  const stop = thing.stop;
  const entry = { stop: () => stop.call(thing) };
  running.add(entry);
  return Object.assign(thing, {
    stop: async () => {
      running.delete(entry);
      await stop.call(thing);
    },
  });
}

/** The whole bundle under `wrangler dev` for one part of the run, on Redis database `redisDb`, without rate limit or smoke runs. */
async function benchStack(part: string, redisDb: number, options: { vars?: Record<string, string>; ollamaUrl?: string } = {}): Promise<Stack> {
  return tracked(
    await startStack({
      port: await freePort(),
      purpose: "test",
      redisDb,
      persistTo: mkdtempSync(join(tmpdir(), `awoooi-bench-${part}-`)),
      ...(options.ollamaUrl ? { ollamaUrl: options.ollamaUrl } : {}),
      vars: { RATE_LIMIT_PER_MINUTE: "100000", SMOKE_INTERVAL_SECONDS: "0", ...options.vars },
    }),
  );
}

/** Where CPU is measured: backing services of its own and the functions' variables. */
type MeasureTarget = Pick<Stack, "services" | "vars">;

const redisVars = (stack: MeasureTarget) => ({
  UPSTASH_REDIS_REST_URL: stack.services.redis.restUrl,
  UPSTASH_REDIS_REST_TOKEN: stack.services.redis.restToken,
});
const startBare = (port: number, stack: MeasureTarget) =>
  startAlone(
    join(ROOT, "infra/bench/wrangler.toml"),
    port,
    redisVars(stack),
    async (url) => (await fetch(`${url}/ingest`, { method: "POST", body: "{}" })).status === 202,
  );

async function main() {
  const run = Date.now().toString(36);

  // 0. CPU, before any stack runs (a bundle's sessions in the dev registry would share the machine and the
  // registry with what is measured): the webhook function alone in its own workerd beside the bare Worker in
  // its own; then each function in a workerd of its own, per new incident (analyze, classify, notify) and per
  // decision (approve), on Redis and Postgres of their own whose commands and statements are counted.
  log("measuring CPU: each function in its own wrangler dev…");
  const cpuServices = tracked(await startBackingServices({ purpose: "test", redisDb: 11, countStatements: true }));
  const cpuTarget: MeasureTarget = {
    services: cpuServices,
    vars: {
      ...DEV_DEFAULTS,
      ...cpuServices.env,
      DIGEST_AT: "off",
      RATE_LIMIT_PER_MINUTE: "100000",
      STORM_THRESHOLD: "10000",
      SMOKE_INTERVAL_SECONDS: "0",
    },
  };
  const cpu = await measureCpu(cpuTarget, run);
  const downstream = await measurePerFunction(cpuTarget, run, PER_FUNCTION_INCIDENTS, log);
  await cpuServices.stop();
  const bareMs = cpu.bare_worker_cpu_ms_per_request;
  const timesBare = (ms: number | null) => (ms === null || !bareMs ? null : round(ms / bareMs, 2));
  results.cpu = {
    ...cpu,
    per_function: {
      method: downstream.method,
      per_incident_ms: downstream.cpu_ms_per_incident,
      per_decision_ms: { approve: downstream.per_decision.approve_cpu_ms, notify: downstream.per_decision.notify_cpu_ms },
      times_bare_request: {
        ...Object.fromEntries(Object.entries(downstream.cpu_ms_per_incident).map(([name, ms]) => [`${name} per incident`, timesBare(ms)])),
        "approve per decision": timesBare(downstream.per_decision.approve_cpu_ms),
      },
    },
  };
  // A quick look at CPU alone (BENCH_CPU_ONLY=1): nothing is written.
  if (process.env.BENCH_CPU_ONLY) return;

  log("starting the bundle under wrangler dev…");
  // Throughput runs open thousands of incidents a minute; the storm run keeps the default storm guard.
  const stack = await benchStack("ingest", 9, { vars: { STORM_THRESHOLD: "10000" } });
  const auth = { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };
  const post = (body: string) => fetch(`${stack.baseUrl}/api/v1/webhooks/alertmanager`, { method: "POST", headers: auth, body });

  // 1. Ingest rate and latency by traffic shape, and Upstash cost per request and per alert.
  const ingest: Record<string, unknown> = {};
  const shapes: Array<[string, number, (i: number) => string]> = [
    ["unique ×1", 1, (i) => alertmanagerBody([{ name: "BenchUnique", ns: `u-${run}-${i}`, pod: "p" }])],
    ["duplicate ×1", 1, () => alertmanagerBody([{ name: "BenchDuplicate", ns: `d-${run}`, pod: "p" }])],
    ["mixed ×1", 1, (i) => alertmanagerBody([{ name: "BenchMixed", ns: i % 2 ? `m-${run}-${i}` : `m-${run}`, pod: "p" }])],
    ["batch ×10", 10, (i) => alertmanagerBody(Array.from({ length: 10 }, (_, k) => ({ name: "BenchBatch", ns: `b10-${run}-${i}`, pod: `p${k}` })))],
    ["batch ×100", 100, (i) => alertmanagerBody(Array.from({ length: 100 }, (_, k) => ({ name: "BenchBatch", ns: `b100-${run}-${i}`, pod: `p${k}` })))],
  ];
  for (const [name, perRequest, body] of shapes) {
    const total = perRequest === 100 ? Math.max(50, Math.floor(REQUESTS / 4)) : REQUESTS;
    await post(body(-1)); // warm-up: script load
    await restStats(stack, true);
    const figures = await load(total, (i) => post(body(i)));
    const redis = await restStats(stack);
    ingest[name] = {
      ...figures,
      alerts_per_second: figures.rps * perRequest,
      upstash_round_trips_per_request: Number((redis.requests / total).toFixed(2)),
      upstash_commands_per_request: Number((redis.commands / total).toFixed(2)),
      upstash_commands_per_alert: Number((redis.commands / (total * perRequest)).toFixed(3)),
    };
    log(`ingest ${name.padEnd(13)} ${figures.rps} req/s  p50 ${figures.p50_ms} ms  p99 ${figures.p99_ms} ms  failures ${figures.failures}`);
    if (figures.failures > 0) throw new Error(`${figures.failures} of ${total} "${name}" requests were refused: the figures would measure errors, not ingest`);
  }
  results.ingest = ingest;

  // 2. The same unique ×1 load against the bare Worker, in this run.
  const bare = tracked(await startBare(await freePort(), stack));
  await restStats(stack, true);
  const bareFigures = await load(REQUESTS, () =>
    fetch(`${bare.url}/ingest`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: alertmanagerBody([{ name: "Bare", ns: "bare", pod: "p" }]),
    }),
  );
  await bare.stop();
  const webhook = ingest["unique ×1"] as { rps: number; p50_ms: number; p99_ms: number };
  results.bare_worker = bareFigures;
  results.ratio_vs_bare = {
    throughput: Number((webhook.rps / bareFigures.rps).toFixed(2)),
    p50_latency: Number((webhook.p50_ms / bareFigures.p50_ms).toFixed(2)),
    p99_latency: Number((webhook.p99_ms / bareFigures.p99_ms).toFixed(2)),
  };
  log(`bare worker         ${bareFigures.rps} req/s  p50 ${bareFigures.p50_ms} ms  p99 ${bareFigures.p99_ms} ms`);

  await stack.stop();

  // 3. Storm and alert → first notification, on a stack with the default storm guard.
  const storm = await benchStack("storm", 10);
  const stormAuth = { Authorization: `Bearer ${storm.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };
  const ops = async (path: string) =>
    (await (await fetch(`${storm.baseUrl}${path}`, { headers: { Authorization: `Bearer ${storm.vars.OPS_TOKEN}` } })).json()) as Record<string, any>;
  const since = new Date(Date.now() - 60_000).toISOString();
  const stormNs = `storm-${run}`;
  await restStats(storm, true);
  for (let r = 0; r < 100; r++) {
    const body = alertmanagerBody(Array.from({ length: 100 }, (_, k) => ({ name: "BenchStorm", ns: stormNs, pod: `pod-${(r * 100 + k) % 50}` })));
    await fetch(`${storm.baseUrl}/api/v1/webhooks/alertmanager`, { method: "POST", headers: stormAuth, body });
  }
  const stormCommands = (await restStats(storm)).commands;
  // Wait until every alert is accounted for in an analyzed incident (the storm incident's analysis may lag), or 90 s.
  let incidents: Array<{ id: string; analyzed_at: string | null; namespace: string }> = [];
  let hits = 0;
  for (let i = 0; i < 180; i++) {
    incidents = ((await ops(`/api/v1/incidents?since=${encodeURIComponent(since)}&limit=200`)).items as typeof incidents).filter(
      (x) => x.namespace === stormNs,
    );
    hits = 0;
    for (const incident of incidents) hits += (await ops(`/api/v1/incidents/${incident.id}`)).hit_count as number;
    if (hits >= 10_000 && incidents.every((x) => x.analyzed_at)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  results.storm = {
    alerts: 10_000,
    fingerprints: 50,
    incidents_opened: incidents.length,
    analyses_run: incidents.filter((x) => x.analyzed_at).length,
    hit_counts_summed: hits,
    alerts_lost: 10_000 - hits,
  };
  log(`storm: 10,000 alerts over 50 fingerprints → ${incidents.length} incidents, ${hits} hits, ${10_000 - hits} lost`);
  results.cost = costOf(ingest, cpu, downstream, { alerts: 10_000, incidents: incidents.length, upstashCommandsPerAlert: stormCommands / 10_000 });

  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const response = await fetch(`${storm.baseUrl}/api/v1/webhooks/alertmanager`, {
      method: "POST",
      headers: stormAuth,
      body: alertmanagerBody([{ name: "PodCrashLoopBackOff", ns: `latency-${run}-${i}`, pod: "api-1" }]),
    });
    const incidentId = ((await response.json()) as { results: Array<{ incident_id: string }> }).results[0]!.incident_id;
    for (let poll = 0; poll < 400; poll++) {
      const inbox = (await (await fetch(`${storm.baseUrl}/dev/inbox?limit=50`)).json()) as { messages: Array<{ incident_id: string; at: string }> };
      const found = inbox.messages.find((m) => m.incident_id === incidentId);
      if (found) {
        latencies.push(Date.parse(found.at) - t0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  latencies.sort((a, b) => a - b);
  results.alert_to_first_notification_ms = { samples: latencies.length, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), provider: "rules" };
  log(`alert → first notification (rules): p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms over ${latencies.length}`);
  await storm.stop();

  // 4. P0 fast lane: alert → first human-visible message, model answering at once and model hanging.
  const ollama = await startFakeOllama();
  const lane = await benchStack("p0", 10, { ollamaUrl: ollama.url });
  const fastLane: Record<string, unknown> = {};
  for (const [shape, behaviour] of [
    ["model_answering", "ok"],
    ["model_hanging", "hang"],
  ] as const) {
    const firstMessage = await timeToFirstMessage(lane, 20, (i) => ({
      alert_type: `LLMTest-${behaviour}-p0-${run}-${i}`,
      severity: "critical",
      source: "bench",
      namespace: `p0-${run}-${i}`,
      message: "checkout is down",
    }));
    fastLane[shape] = { samples: firstMessage.length, p50: quantile(firstMessage, 0.5), p95: quantile(firstMessage, 0.95) };
    log(`P0 alert → first message (${shape.replace("_", " ")}): p50 ${quantile(firstMessage, 0.5)} ms, p95 ${quantile(firstMessage, 0.95)} ms`);
  }
  results.p0_alert_to_first_message_ms = fastLane;
  await lane.stop();
  await ollama.close();

  // 5. Bundle sizes.
  const build = spawnSync(process.execPath, ["scripts/build-check.ts"], { cwd: ROOT, encoding: "utf8" });
  results.bundle_gzip_kib = Object.fromEntries(
    build.stdout
      .split("\n")
      .map((line) => /^(\S+)\s+([\d.]+)\s+([\d.]+)(?:\s+\S+)?$/.exec(line.trim()))
      .flatMap((m) => (m ? [[m[1], Number(m[3])]] : [])),
  );

  mkdirSync(join(ROOT, "bench"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
}

/**
 * Posts `count` alerts one after another and answers, per alert, the time
 * from the POST to the first message about its incident in the dev inbox
 * (the stand-in for every chat), sorted.
 */
async function timeToFirstMessage(stack: Stack, count: number, alert: (i: number) => Record<string, unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = Date.now();
    const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(alert(i)),
    });
    const incidentId = ((await response.json()) as { results: Array<{ incident_id: string }> }).results[0]!.incident_id;
    for (let poll = 0; poll < 1_200; poll++) {
      const inbox = (await (await fetch(`${stack.baseUrl}/dev/inbox?limit=100`)).json()) as { messages: Array<{ incident_id: string; at: string }> };
      const found = inbox.messages.filter((m) => m.incident_id === incidentId).at(-1);
      if (found) {
        latencies.push(Date.parse(found.at) - t0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return latencies.sort((a, b) => a - b);
}

const PER_FUNCTION_INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100);
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 5);
const median = (values: readonly number[]) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 3_000);
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

interface CpuFigures {
  readonly method: string;
  readonly bare_worker_cpu_ms_per_request: number | null;
  readonly webhook: Record<string, { cpu_ms_per_request: number | null; cpu_ms_per_alert: number | null }>;
  readonly ratio_vs_bare: number | null;
  readonly ratio_vs_bare_per_alert: Record<string, number | null>;
  readonly rounds: number;
  readonly ratio_vs_bare_by_round: ReadonlyArray<number | null>;
}

/**
 * CPU per request of webhook-receive and of the bare Worker, each alone in
 * its own workerd: the process's CPU time over a fixed number of requests,
 * minus what it burns idle over as long (issue #19). Linux only (/proc).
 */
async function measureCpu(stack: MeasureTarget, run: string): Promise<CpuFigures> {
  const method =
    "workerd process CPU (utime+stime from /proc) over a fixed request count, minus its idle rate; each Worker in its own wrangler dev; the median of rounds alternating webhook and bare";
  if (!cpuMeasurable()) {
    log("cpu: /proc is not available here; CPU per request is measured on Linux only");
    return {
      method,
      bare_worker_cpu_ms_per_request: null,
      webhook: {},
      ratio_vs_bare: null,
      ratio_vs_bare_per_alert: {},
      rounds: 0,
      ratio_vs_bare_by_round: [],
    };
  }
  const webhookAlone = tracked(
    await startAlone(prefixedConfig("webhook-receive", `alone${run}`), await freePort(), stack.vars, async (url) => (await fetch(`${url}/health`)).ok),
  );
  const bare = tracked(await startBare(await freePort(), stack));
  const auth = { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };
  const post = (body: string) => fetch(`${webhookAlone.url}/api/v1/webhooks/alertmanager`, { method: "POST", headers: auth, body });
  const shapes: Array<[string, number, (i: number) => string]> = [
    ["unique ×1", 1, (i) => alertmanagerBody([{ name: "CpuUnique", ns: `cu-${run}-${i}`, pod: "p" }])],
    ["duplicate ×1", 1, () => alertmanagerBody([{ name: "CpuDuplicate", ns: `cd-${run}`, pod: "p" }])],
    ["batch ×10", 10, (i) => alertmanagerBody(Array.from({ length: 10 }, (_, k) => ({ name: "CpuBatch", ns: `cb10-${run}-${i}`, pod: `p${k}` })))],
    ["batch ×100", 100, (i) => alertmanagerBody(Array.from({ length: 100 }, (_, k) => ({ name: "CpuBatch", ns: `cb100-${run}-${i}`, pod: `p${k}` })))],
  ];
  const webhook: CpuFigures["webhook"] = {};
  try {
    // Warm both: the first requests compile the code and load the Lua scripts.
    await load(100, (i) => post(shapes[0]![2](-1 - i)));
    await load(100, () => fetch(`${bare.url}/ingest`, { method: "POST", body: alertmanagerBody([{ name: "Bare", ns: "bare", pod: "p" }]) }));
    // Rounds alternate the webhook shapes and the bare Worker, and the medians are compared: whatever else
    // the machine does during one round weighs on one sample of each, not on one side of the ratio.
    const perRound = Math.max(100, Math.floor(CPU_REQUESTS / CPU_ROUNDS));
    const samples = new Map<string, number[]>();
    const bareSamples: number[] = [];
    for (let r = 0; r < CPU_ROUNDS && webhookAlone.pid !== undefined && bare.pid !== undefined; r++) {
      for (const [name, size, body] of shapes) {
        const total = size === 100 ? Math.max(50, Math.floor(perRound / 10)) : perRound;
        let failures = 0;
        await settled({ webhook: webhookAlone.pid, bare: bare.pid });
        const ms = await cpuPerUnit(webhookAlone.pid, total, async () => {
          failures = (await load(total, (i) => post(body(r * perRound + i)))).failures;
        });
        if (failures > 0) throw new Error(`cpu: ${failures} of ${total} "${name}" requests were refused: the figure would measure errors`);
        if (ms !== undefined) samples.set(name, [...(samples.get(name) ?? []), ms]);
      }
      await settled({ webhook: webhookAlone.pid, bare: bare.pid });
      const ms = await cpuPerUnit(bare.pid, perRound, () =>
        load(perRound, () => fetch(`${bare.url}/ingest`, { method: "POST", body: alertmanagerBody([{ name: "Bare", ns: "bare", pod: "p" }]) })),
      );
      if (ms !== undefined) bareSamples.push(ms);
    }
    for (const [name, size] of shapes) {
      const perRequest = median(samples.get(name) ?? []);
      webhook[name] = {
        cpu_ms_per_request: perRequest === undefined ? null : round(perRequest),
        cpu_ms_per_alert: perRequest === undefined ? null : round(perRequest / size, 4),
      };
    }
    const bareMs = median(bareSamples);
    const ratio = (ms: number | null) => (ms === null || bareMs === undefined || bareMs === 0 ? null : round(ms / bareMs, 2));
    const figures: CpuFigures = {
      method,
      bare_worker_cpu_ms_per_request: bareMs === undefined ? null : round(bareMs),
      webhook,
      // The honest worst case: one new alert per request.
      ratio_vs_bare: ratio(webhook["unique ×1"]?.cpu_ms_per_request ?? null),
      ratio_vs_bare_per_alert: Object.fromEntries(Object.entries(webhook).map(([name, f]) => [name, ratio(f.cpu_ms_per_alert)])),
      rounds: CPU_ROUNDS,
      // Each round's own unique ×1 ÷ bare: how far the median could move.
      ratio_vs_bare_by_round: (samples.get("unique ×1") ?? []).map((ms, i) => (bareSamples[i] ? round(ms / bareSamples[i]!, 2) : null)),
    };
    for (const [name, f] of Object.entries(webhook)) log(`cpu webhook ${name.padEnd(13)} ${f.cpu_ms_per_request} ms/request  ${f.cpu_ms_per_alert} ms/alert`);
    log(
      `cpu bare worker        ${figures.bare_worker_cpu_ms_per_request} ms/request  → webhook unique ×1 is ×${figures.ratio_vs_bare} (median of ${CPU_ROUNDS} rounds: ${figures.ratio_vs_bare_by_round.join(", ")})`,
    );
    return figures;
  } finally {
    await webhookAlone.stop();
    await bare.stop();
  }
}

/** Units per alert for each traffic shape, and what they cost (docs/cost.md). */
function costOf(
  ingest: Record<string, unknown>,
  cpu: CpuFigures,
  d: PerFunctionFigures,
  storm: { alerts: number; incidents: number; upstashCommandsPerAlert: number },
) {
  const pricesFile = process.env.BENCH_PRICES ?? join(ROOT, "bench/prices.json");
  const prices = Prices.parse(JSON.parse(readFileSync(pricesFile, "utf8")));
  const shape = (name: string) => ingest[name] as { upstash_commands_per_alert: number };
  const webhookCpu = (name: string) => cpu.webhook[name]?.cpu_ms_per_alert ?? 0;
  // Cloudflare counts a message as a write, a read and a delete (64 KB each); one consumer invocation per message at worst.
  const perIncident = {
    invocations: d.queue_messages_per_incident,
    cpu: d.cpu_ms_per_incident.total ?? 0,
    queueOps: d.queue_messages_per_incident * 3,
    upstash: Math.max(0, d.upstash_commands_per_incident - shape("batch ×10").upstash_commands_per_alert),
  };
  const unitsFor = (alertsPerRequest: number, newIncidentsPerAlert: number, webhookCpuMs: number, upstashPerAlert: number): UnitsPerAlert => ({
    worker_invocations: round(1 / alertsPerRequest + newIncidentsPerAlert * perIncident.invocations, 4),
    worker_cpu_ms: round(webhookCpuMs + newIncidentsPerAlert * perIncident.cpu, 4),
    queue_operations: round(newIncidentsPerAlert * perIncident.queueOps, 4),
    upstash_commands: round(upstashPerAlert + newIncidentsPerAlert * perIncident.upstash, 4),
    postgres_statements: round(newIncidentsPerAlert * d.postgres_statements_per_incident, 4),
    postgres_transactions: round(newIncidentsPerAlert * d.postgres_transactions_per_incident, 4),
    // The bench's verdicts come from the rules; a model adds one call per incident and its tokens (GET /api/v1/stats/llm).
    llm_calls: 0,
    llm_tokens: 0,
  });
  const units = {
    unique: unitsFor(1, 1, webhookCpu("unique ×1"), shape("unique ×1").upstash_commands_per_alert),
    duplicate: unitsFor(1, 0, webhookCpu("duplicate ×1"), shape("duplicate ×1").upstash_commands_per_alert),
    storm: unitsFor(100, storm.incidents / storm.alerts, webhookCpu("batch ×100"), storm.upstashCommandsPerAlert),
    "batch ×100": unitsFor(100, 1, webhookCpu("batch ×100"), shape("batch ×100").upstash_commands_per_alert),
  };
  // The Worker lines of each shape split by function: ingest's request, then one queue message per new incident
  // to each of analyze, classify and notify, each with its own CPU.
  const byFunction = (alertsPerRequest: number, newIncidentsPerAlert: number, webhookCpuMs: number) => ({
    "webhook-receive": { worker_invocations: round(1 / alertsPerRequest, 4), worker_cpu_ms: round(webhookCpuMs, 4) },
    ...Object.fromEntries(
      (["analyze", "classify", "notify"] as const).map((name) => [
        name,
        { worker_invocations: round(newIncidentsPerAlert, 4), worker_cpu_ms: round(newIncidentsPerAlert * (d.cpu_ms_per_incident[name] ?? 0), 4) },
      ]),
    ),
  });
  const unitsByFunction = {
    unique: byFunction(1, 1, webhookCpu("unique ×1")),
    duplicate: byFunction(1, 0, webhookCpu("duplicate ×1")),
    storm: byFunction(100, storm.incidents / storm.alerts, webhookCpu("batch ×100")),
    "batch ×100": byFunction(100, 1, webhookCpu("batch ×100")),
  };
  const MIX = { duplicate: 0.9, unique: 0.09, storm: 0.01 } as const;
  const perMillion = Object.fromEntries(Object.entries(units).map(([name, u]) => [name, round(usdPerAlert(u, prices).total * 1e6, 4)])) as Record<
    keyof typeof units,
    number
  >;
  const mixUnits = Object.fromEntries(
    (Object.keys(units.unique) as Array<keyof UnitsPerAlert>).map((key) => [
      key,
      round(mixOf(Object.fromEntries(Object.entries(units).map(([n, u]) => [n, u[key]])), MIX), 4),
    ]),
  ) as unknown as UnitsPerAlert;
  // One approver's decision (confirm page + signed POST; the last one also hands the action over). Queue hops
  // after it are not counted here: approve and notify CPU over the decisions include their work, not their operations.
  const decisionUnits: UnitsPerAlert = {
    worker_invocations: 2,
    worker_cpu_ms: round((d.per_decision.approve_cpu_ms ?? 0) + (d.per_decision.notify_cpu_ms ?? 0), 4),
    queue_operations: 0,
    upstash_commands: d.per_decision.upstash_commands,
    postgres_statements: d.per_decision.postgres_statements,
    postgres_transactions: d.per_decision.postgres_transactions,
    llm_calls: 0,
    llm_tokens: 0,
  };
  const cost = {
    prices_read_on: prices.read_on,
    prices_file: pricesFile.replace(`${ROOT}/`, ""),
    mix_weights: MIX,
    downstream_per_incident: d,
    units_per_alert: { ...units, mix: mixUnits },
    worker_units_per_alert_by_function: unitsByFunction,
    usd_per_million_alerts: { ...perMillion, mix: round(mixOf(perMillion, MIX), 4) },
    line_items_per_million_mix_alerts: Object.fromEntries(Object.entries(usdPerAlert(mixUnits, prices).items).map(([k, v]) => [k, round(v * 1e6, 4)])),
    per_decision: { units: decisionUnits, usd_per_million_decisions: round(usdPerAlert(decisionUnits, prices).total * 1e6, 4) },
    monthly_floor_usd: monthlyFloor(prices),
    included_alerts_per_month_mix: includedAlerts(mixUnits, prices),
  };
  log(
    `cost per million alerts (prices read ${prices.read_on}): ${Object.entries(cost.usd_per_million_alerts)
      .map(([k, v]) => `${k} $${v}`)
      .join(", ")}`,
  );
  return cost;
}

function printTable() {
  const ingest = results.ingest as Record<string, Record<string, number>>;
  console.log(`\n== AWOOOI Edge bench (${CONCURRENCY} concurrent, loopback, ${results.at}) ==\n`);
  console.log(
    `${"scenario".padEnd(20)} ${"req/s".padStart(7)} ${"alerts/s".padStart(9)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"RT/req".padStart(7)} ${"cmd/req".padStart(8)} ${"cmd/alert".padStart(10)}`,
  );
  for (const [name, f] of Object.entries(ingest)) {
    console.log(
      `${`webhook ${name}`.padEnd(20)} ${String(f.rps).padStart(7)} ${String(f.alerts_per_second).padStart(9)} ${String(f.p50_ms).padStart(7)} ${String(f.p99_ms).padStart(7)} ${String(f.upstash_round_trips_per_request).padStart(7)} ${String(f.upstash_commands_per_request).padStart(8)} ${String(f.upstash_commands_per_alert).padStart(10)}`,
    );
  }
  const bare = results.bare_worker as Record<string, number>;
  console.log(
    `${"bare Hono Worker".padEnd(20)} ${String(bare.rps).padStart(7)} ${String(bare.rps).padStart(9)} ${String(bare.p50_ms).padStart(7)} ${String(bare.p99_ms).padStart(7)} ${"1".padStart(7)} ${"1".padStart(8)} ${"1".padStart(10)}`,
  );
  const ratio = results.ratio_vs_bare as Record<string, number>;
  console.log(`\nwebhook unique ×1 vs bare Worker: throughput ×${ratio.throughput}, p50 ×${ratio.p50_latency}, p99 ×${ratio.p99_latency}`);
  const storm = results.storm as Record<string, number>;
  console.log(
    `storm: ${storm.alerts} alerts / ${storm.fingerprints} fingerprints → ${storm.incidents_opened} incidents, ${storm.analyses_run} analyses, ${storm.hit_counts_summed} hits summed, ${storm.alerts_lost} lost`,
  );
  const n = results.alert_to_first_notification_ms as Record<string, number>;
  console.log(`alert → first notification (rules): p50 ${n.p50} ms, p95 ${n.p95} ms (${n.samples} samples)`);
  const lane = results.p0_alert_to_first_message_ms as Record<string, Record<string, number>>;
  for (const [shape, f] of Object.entries(lane)) {
    console.log(`P0 alert → first message, ${shape.replace("_", " ")}: p50 ${f.p50} ms, p95 ${f.p95} ms (${f.samples} samples)`);
  }
  console.log(
    `bundle gzip KiB: ${Object.entries(results.bundle_gzip_kib as Record<string, number>)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  const cpu = results.cpu as CpuFigures;
  console.log(
    `cpu per request (own workerd): webhook unique ×1 ${cpu.webhook["unique ×1"]?.cpu_ms_per_request ?? "n/a"} ms, bare Worker ${cpu.bare_worker_cpu_ms_per_request ?? "n/a"} ms → cpu.ratio_vs_bare ${cpu.ratio_vs_bare ?? "n/a"}`,
  );
  const { per_function: perFunction } = results.cpu as {
    per_function: { per_incident_ms: Record<string, number | null>; per_decision_ms: Record<string, number | null> };
  };
  console.log(
    `cpu per new incident (own workerd each): ${Object.entries(perFunction.per_incident_ms)
      .map(([name, ms]) => `${name} ${ms ?? "n/a"} ms`)
      .join(", ")}; per decision: approve ${perFunction.per_decision_ms.approve ?? "n/a"} ms, notify ${perFunction.per_decision_ms.notify ?? "n/a"} ms`,
  );
  const cost = results.cost as { usd_per_million_alerts: Record<string, number>; prices_read_on: string };
  console.log(
    `cost.usd_per_million_alerts (prices read ${cost.prices_read_on}): ${Object.entries(cost.usd_per_million_alerts)
      .map(([k, v]) => `${k} $${v}`)
      .join(", ")} (docs/cost.md)`,
  );
  console.log("\nwritten to bench/results.json");
}

try {
  await main();
} catch (error) {
  console.error(error);
  await Promise.allSettled([...running].map((thing) => thing.stop()));
  process.exit(1);
}
process.exit(0);
