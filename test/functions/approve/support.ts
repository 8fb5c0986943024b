import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import type { Kysely } from "kysely";
import { createApp } from "../../../functions/approve/src/app.ts";
import type { Env } from "../../../functions/approve/src/env.ts";
import { servicesOn } from "../../../functions/approve/src/services.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import type { Database } from "../../../shared/adapters/neon-kysely-db.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import type { DeadLetterV1, ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import type { RiskLevel, SuggestedAction } from "../../../shared/contracts/rca.ts";
import { approvalActionOf, proposeAction } from "../../../shared/domain/action.ts";
import { approvalLinkUrl, signLink } from "../../../shared/domain/approval-link.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import { flushingMetrics } from "../../../shared/ports/metrics.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { testEnv } from "../../support/worker/env.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

/** The action as classify stores it, without a plan. */
export async function approvalActionFor(suggested: SuggestedAction, alert: NormalizedAlert) {
  return approvalActionOf(suggested, await proposeAction(suggested, alert), undefined, []);
}

/** A pending approval as classify would have created it. */
export async function seedPendingApproval(
  db: Kysely<Database>,
  risk: RiskLevel = "high",
  requiredSignatures = 2,
  options: {
    fingerprint?: string;
    createdAt?: Date;
    expiresAt?: Date;
    priority?: "P0" | "P1" | "P2" | "P3";
    action?: SuggestedAction;
    status?: "PENDING" | "APPROVED";
    /** The alert's namespace (the fake executor is steered by it). */
    namespace?: string;
    /** Whether an execution written with an APPROVED status is a dry run. Default false. */
    dryRun?: boolean;
    /** An action offered as the alternative, derived for the same alert (as classify does for a playbook). */
    alternative?: SuggestedAction;
  } = {},
): Promise<ApprovalRecord> {
  const message = await seedAnalyzedIncident(
    db,
    { risk_level: risk, ...(options.action ? { suggested_action: options.action } : {}) },
    {
      ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
      alert: { ...(options.priority ? { priority: options.priority } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) },
    },
  );
  const { approval } = await createApprovalStore(db).createForIncident({
    id: crypto.randomUUID(),
    incidentId: message.payload.incident_id,
    riskLevel: risk,
    requiredSignatures,
    autoApproved: false,
    initialStatus: options.status ?? "PENDING",
    reasons: [`risk ${risk}`],
    action: await approvalActionFor(message.payload.rca.suggested_action, message.payload.alert),
    ...(options.alternative
      ? {
          alternative: {
            source: "playbook" as const,
            reason: `this alert's playbook: ${options.alternative.operation} worked in 90% of 10 repairs of this alert`,
            action: await approvalActionFor(options.alternative, message.payload.alert),
          },
        }
      : {}),
    expiresAt: options.expiresAt ?? new Date(Date.now() + 3_600_000),
    createdAt: options.createdAt ?? new Date(),
    correlationId: message.correlationId,
    dryRun: options.dryRun ?? false,
  });
  return approval;
}

export async function linkFor(approvalId: string, approver: string, options: { expiresAt?: number; key?: string } = {}): Promise<string> {
  const claims = { approvalId, approver, expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 3600 };
  return approvalLinkUrl("https://awoooi.test", claims, await signLink(claims, options.key ?? testEnv.LINK_SIGNING_KEY!));
}

type Requester = (input: string, init?: RequestInit, env?: Record<string, unknown>) => Promise<Response>;

/** Drives an approve app in-process, the way the runtime would for one request. */
function requesterFor(app: ReturnType<typeof createApp>): Requester {
  return async (input, init = {}, env = testEnv) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(input, init), env as unknown as Env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

/** One request through the production composition root: its own database pool, closed at the end. */
export const request: Requester = requesterFor(createApp());

/**
 * Requests through the same app over one shared pool of real Postgres
 * connections: fuzzing sends tens of thousands of requests, and a fresh
 * connection (a new Postgres backend) per request would dominate their cost.
 */
export function pooledRequester(db: Kysely<Database>): Requester {
  return requesterFor(createApp((env, work) => flushingMetrics(servicesOn(env, db), work)));
}

/**
 * POSTs a decision the way the confirm page's form does: with the digest of
 * the action the page showed (read from the page, as a browser would submit it).
 */
export async function decide(
  link: string,
  decision: "approve" | "reject",
  extra: Record<string, string> = {},
  env?: Record<string, unknown>,
): Promise<Response> {
  const digest = "action_digest" in extra ? undefined : await shownDigest(link, env);
  return postForm(link, "", { decision, ...(digest ? { action_digest: digest } : {}), ...extra }, env);
}

/** The action digest on the confirm page a link opens, when the page offers a decision. */
export async function shownDigest(link: string, env?: Record<string, unknown>): Promise<string | undefined> {
  const page = await (await request(link, {}, env)).text();
  return /name="action_digest" value="([0-9a-f]{64})"/.exec(page)?.[1];
}

/** POSTs "mark done / mark failed" the way the approval page's result form does. */
export function reportByHand(link: string, outcome: "succeeded" | "failed", note?: string, env?: Record<string, unknown>): Promise<Response> {
  return postForm(link, "/result", { outcome, ...(note ? { note } : {}) }, env);
}

function postForm(link: string, suffix: string, fields: Record<string, string>, env?: Record<string, unknown>): Promise<Response> {
  const url = new URL(link);
  const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), ...fields });
  return request(
    `${url.origin}${url.pathname}${suffix}`,
    { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() },
    env,
  );
}

/** The approve function's env with recording queues, so a test sees exactly what it published. */
export function recordingEnv(vars: Record<string, string> = {}) {
  const notify = recordingQueue<NotifyRequestedV2>();
  const execute = recordingQueue<ExecuteRequestedV1>();
  const deadLetters = recordingQueue<DeadLetterV1>();
  const env = { ...testEnv, ...vars, NOTIFY_QUEUE: notify, EXECUTE_QUEUE: execute, DEAD_LETTER_QUEUE: deadLetters } as Record<string, unknown>;
  return { env, notify, execute, deadLetters };
}

/** The env with the test executor configured (see test/support/fakes/fake-executor.ts). */
export const withExecutor = (vars: Record<string, string> = {}) =>
  recordingEnv({ EXECUTOR_URL: testEnv.TEST_EXECUTOR_URL!, EXECUTOR_SECRET: testEnv.TEST_EXECUTOR_SECRET!, ...vars });

export const ops = (path: string, token = testEnv.OPS_TOKEN) =>
  request(`https://awoooi.test${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** A notify-only incident (analyzed, nothing to sign) of a priority, opened `ageMs` ago. */
export async function seedNotifyOnlyIncident(db: Kysely<Database>, priority: "P0" | "P1" | "P2" | "P3", ageMs = 0): Promise<string> {
  const message = await seedAnalyzedIncident(db, { risk_level: "high" }, { alert: { priority, fired_at: new Date(Date.now() - ageMs).toISOString() } });
  return message.payload.incident_id;
}

/** `POST /api/v1/incidents/:id/ack` with the ops token (or `token`, or none for null). */
export const ackIncident = (incidentId: string, body: unknown, token: string | null = testEnv.OPS_TOKEN ?? null, env?: Record<string, unknown>) =>
  request(
    `https://awoooi.test/api/v1/incidents/${incidentId}/ack`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    },
    env,
  );
