// Fuzzing that follows each case to its end state across functions, not just
// to a status code: every webhook answered 202 becomes a readable incident, and
// every model answer — however hostile its text — ends in a stored triage.

import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { conclude } from "../../functions/analyze/src/analysis.ts";
import analyzeWorker from "../../functions/analyze/src/index.ts";
import { createApp as createApproveApp } from "../../functions/approve/src/app.ts";
import { servicesOn } from "../../functions/approve/src/services.ts";
import classifyWorker from "../../functions/classify/src/index.ts";
import { createIncidentStore } from "../../shared/adapters/neon-kysely-incident-store.ts";
import type { AnalyzeQueueMessage, ClassifyRequestedV1 } from "../../shared/contracts/queue.ts";
import type { Rca } from "../../shared/contracts/rca.ts";
import { parseVerdictObject } from "../../shared/domain/rca-parse.ts";
import { rulesVerdict } from "../../shared/domain/rules-provider.ts";
import { flushingMetrics } from "../../shared/ports/metrics.ts";
import { BEARER, postTo } from "../functions/webhook-receive/support.ts";
import { FUZZ_CONCURRENCY, FUZZ_RUNS, FUZZ_TIMEOUT, hostileVariantsOf } from "../support/fuzz.ts";
import { dbForTests, testEnv } from "../support/worker/env.ts";
import { hostileWebhookBody, SOURCES, type SourceName } from "./webhook-bodies.ts";

const db = dbForTests(FUZZ_CONCURRENCY);
/** Incidents the webhook fuzzing made: removed when the file is done, so tens of thousands of them do not slow every later test's stats queries. */
const made = new Set<string>();
afterAll(async () => {
  const ids = [...made];
  for (let i = 0; i < ids.length; i += 5_000)
    await db
      .deleteFrom("incidents")
      .where("id", "in", ids.slice(i, i + 5_000))
      .execute();
  await db.destroy();
});

/** A producer binding that keeps what was sent. */
function recording<T>() {
  const sent: T[] = [];
  return {
    sent,
    send: async (body: T) => void sent.push(body),
    sendBatch: async (messages: Iterable<{ body: T }>) => void sent.push(...[...messages].map((m) => m.body)),
  };
}

async function consume(worker: { queue?: unknown }, env: object, queue: string, bodies: readonly unknown[]) {
  const ctx = createExecutionContext();
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `fuzz-${i}-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts: 1 })),
  );
  await (worker.queue as (b: unknown, e: unknown, c: unknown) => Promise<void>)(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const approveApp = createApproveApp((env, work) => flushingMetrics(servicesOn(env, db), work));
const ERROR_SHAPE = { error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } };

function post(source: SourceName, raw: string) {
  const headers = source === "sentry" ? { ...BEARER, "Sentry-Hook-Resource": "event_alert" } : BEARER;
  return postTo(source, undefined, { raw, headers });
}

async function readIncident(id: string): Promise<{ status: number; body: any }> {
  const ctx = createExecutionContext();
  const response = await approveApp.fetch(
    new Request(`https://awoooi.test/api/v1/incidents/${id}`, { headers: { Authorization: `Bearer ${testEnv.OPS_TOKEN}` } }),
    testEnv as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: response.status === 200 ? await response.json() : await response.text() };
}

const downstream = () => ({ ...testEnv, CLASSIFY_QUEUE: recording(), NOTIFY_QUEUE: recording(), EXECUTE_QUEUE: recording(), DEAD_LETTER_QUEUE: recording() });

describe(`every 202 becomes a readable incident (${FUZZ_RUNS} hostile bodies per source)`, () => {
  it.each(SOURCES)(
    "%s: no 5xx, refusals in the error shape, and every incident a 202 names readable after analyze",
    async (source) => {
      await fc.assert(
        fc.asyncProperty(fc.array(hostileWebhookBody(source), { minLength: FUZZ_CONCURRENCY, maxLength: FUZZ_CONCURRENCY }), async (bodies) => {
          const answers = await Promise.all(bodies.map((raw) => post(source, raw)));
          const messages: AnalyzeQueueMessage[] = [];
          const incidentIds = new Set<string>();
          for (const [i, { response, json, queue }] of answers.entries()) {
            expect(response.status, bodies[i]).toBeLessThan(500);
            if (response.status >= 400) {
              expect(json, bodies[i]).toMatchObject(ERROR_SHAPE);
              continue;
            }
            expect(response.status, bodies[i]).toBe(202);
            messages.push(...(queue.sent as AnalyzeQueueMessage[]));
            for (const result of json.results as Array<{ incident_id: string | null }>) if (result.incident_id) incidentIds.add(result.incident_id);
          }
          if (messages.length > 0) {
            const result = await consume(analyzeWorker, downstream(), "awoooi-analyze", messages);
            expect(result.retryMessages, `${source}: analyze retried a message`).toHaveLength(0);
          }
          const reads = await Promise.all([...incidentIds].map(readIncident));
          for (const [i, read] of reads.entries()) {
            expect(read.status, `${source}: incident ${[...incidentIds][i]}`).toBe(200);
            made.add(read.body.id);
          }
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / FUZZ_CONCURRENCY) },
      );
    },
    FUZZ_TIMEOUT,
  );
});

/** Deletes incidents this file made, with what classify attached to them. */
async function forget(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const approvals = db.selectFrom("approvals").select("id").where("incident_id", "in", ids);
  await db.deleteFrom("executions").where("incident_id", "in", ids).execute();
  await db.deleteFrom("approval_signatures").where("approval_id", "in", approvals).execute();
  await db.deleteFrom("approvals").where("incident_id", "in", ids).execute();
  await db.deleteFrom("incidents").where("id", "in", ids).execute();
}

/** A model's answer shaped like the seed's verdict, before any hostile change. */
const validVerdict = () => ({
  root_cause: "the container runs out of memory on start",
  risk_level: "medium",
  confidence: 82,
  blast_radius: { affected_pods: 1, estimated_downtime: "30s", related_services: ["api"], data_impact: "none" },
  suggested_action: { operation: "RESTART_DEPLOYMENT", command: "kubectl rollout restart deployment/api -n production", description: "restart" },
  dry_run_checks: [{ name: "replicas", passed: true, message: "2 ready" }],
});

/**
 * Each verdict case runs the whole analyze → classify path against Postgres
 * (~10 ms of a 2-core machine), so this chain-level suite takes a quarter of
 * FUZZ_RUNS; the verdict parser's own property tests and the classify
 * consumer's fuzz (10,000 hostile messages) keep their full depth.
 */
const VERDICT_CASES = FUZZ_RUNS / 4;

describe(`every verdict ends in a stored triage (${VERDICT_CASES} hostile model answers)`, () => {
  it(
    "a hostile answer is stored as the verdict when it parses, else the rules verdict stands in; classify then records its decision",
    async () => {
      const incidents = createIncidentStore(db);
      const classifyEnv = downstream();
      /** Opens an incident and concludes it with the answer as analyze does; answers its id. */
      const analyzed = async (answer: unknown, publish: (message: ClassifyRequestedV1) => void): Promise<string> => {
        const id = crypto.randomUUID();
        const alert = {
          alert_type: "FuzzVerdict",
          severity: "warning" as const,
          priority: "P2" as const,
          source: "fuzz",
          status: "firing" as const,
          namespace: "production",
          target_resource: "api-7d4b8c9f5-xk2m3",
          message: "fuzzed verdict",
          fired_at: new Date().toISOString(),
        };
        const incident = await incidents.open({
          id,
          fingerprint: id.replaceAll("-", "").slice(0, 16),
          alert,
          openedAt: new Date(),
          correlationId: `fuzz:${id}`,
        });
        // The one verdict boundary every provider's answer goes through; a refused answer falls back to rules.
        const parsed = parseVerdictObject(answer);
        const rca: Rca = parsed.ok ? { ...parsed.verdict, provider: "ollama", model: "fuzz" } : rulesVerdict(alert);
        await conclude(incident, rca, { incidents, now: () => new Date(), publishClassify: async (m) => publish(m) }, `fuzz:${id}`);
        return id;
      };
      // Like the platform, several classify invocations run at once, each on its own batch.
      const consumers = 4;
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileVariantsOf(validVerdict), { minLength: consumers * FUZZ_CONCURRENCY, maxLength: consumers * FUZZ_CONCURRENCY }),
          async (answers) => {
            const published: ClassifyRequestedV1[] = [];
            const ids: string[] = [];
            for (let i = 0; i < answers.length; i += FUZZ_CONCURRENCY) {
              ids.push(...(await Promise.all(answers.slice(i, i + FUZZ_CONCURRENCY).map((answer) => analyzed(answer, (m) => published.push(m))))));
            }
            const batches = Array.from({ length: consumers }, (_, c) => published.filter((_, i) => i % consumers === c));
            const results = await Promise.all(batches.map((batch) => consume(classifyWorker, classifyEnv, "awoooi-classify", batch)));
            for (const result of results) expect(result.retryMessages).toHaveLength(0);
            const stored = await Promise.all(ids.map((id) => incidents.get(id)));
            for (const [i, incident] of stored.entries()) expect(incident?.triage, `incident ${ids[i]}`).toMatchObject({ decision: expect.any(String) });
            // The ops API reads such an incident, triage included.
            expect(await readIncident(ids[0]!)).toMatchObject({ status: 200, body: { triage: { decision: expect.any(String) } } });
            // Checked: remove them again, so thousands of synthetic approvals do not slow every other test's stats queries.
            await forget(ids);
          },
        ),
        { numRuns: Math.ceil(VERDICT_CASES / (consumers * FUZZ_CONCURRENCY)) },
      );
    },
    FUZZ_TIMEOUT,
  );
});
