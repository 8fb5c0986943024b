import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createExecutionStore } from "../../../shared/adapters/neon-kysely-execution-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { METRICS_KEY } from "../../../shared/adapters/upstash-metrics.ts";
import { trustKeys } from "../../../shared/adapters/upstash-trust-counters.ts";
import { ExecutionResultAnswer } from "../../../shared/contracts/ops-api.ts";
import type { ExecuteRequestedV1 } from "../../../shared/contracts/queue.ts";
import type { SuggestedAction } from "../../../shared/contracts/rca.ts";
import { signedHeaders } from "../../../shared/http/signatures.ts";
import { metricKey } from "../../../shared/ports/metrics.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";
import { approvalActionFor, decide, linkFor, recordingEnv, reportByHand, request, seedPendingApproval, withExecutor } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const approvals = () => createApprovalStore(db);
const executions = () => createExecutionStore(db);

const newFingerprint = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

/** A pending approval needing one signature, approved through alice's link. */
async function approvedByAlice(env: Record<string, unknown>, action?: SuggestedAction, namespace?: string) {
  const approval = await seedPendingApproval(db, "medium", 1, { ...(action ? { action } : {}), ...(namespace ? { namespace } : {}) });
  const link = await linkFor(approval.id, "alice");
  expect((await decide(link, "approve", {}, env)).status).toBe(200);
  const decided = await approvals().get(approval.id);
  return { approval: decided!, link };
}

function handOffMessage(executionId: string, approvalId: string, incidentId: string): ExecuteRequestedV1 {
  return {
    type: "execute.requested",
    version: 1,
    id: `execute:${executionId}`,
    occurredAt: new Date().toISOString(),
    correlationId: "test",
    payload: { execution_id: executionId, approval_id: approvalId, incident_id: incidentId },
  };
}

const dispatch = (env: Record<string, unknown>, message: ExecuteRequestedV1) => deliver(worker, env as unknown as Env, "awoooi-execute", [message]);

async function receivedByExecutor(
  executionId: string,
): Promise<Array<{ signatureValid: boolean; body: Record<string, unknown>; headers: Record<string, string | undefined> }>> {
  return (await fetch(`${new URL(testEnv.TEST_EXECUTOR_URL!).origin}/?execution_id=${executionId}`)).json();
}

/** POSTs a result to the executor callback, signed with the executor secret unless told otherwise. */
async function postResult(executionId: string, body: unknown, options: { secret?: string | undefined; env?: Record<string, unknown> } = {}) {
  const text = JSON.stringify({ execution_id: executionId, ...(body as object) });
  const secret = "secret" in options ? options.secret : testEnv.TEST_EXECUTOR_SECRET!;
  const headers = { "Content-Type": "application/json", ...(secret ? await signedHeaders(secret, text, Math.floor(Date.now() / 1000)) : {}) };
  return request(`https://awoooi.test/api/v1/executions/${executionId}/result`, { method: "POST", headers, body: text }, options.env ?? withExecutor().env);
}

describe("approval hands the action off", () => {
  it("writes one execution row with the deciding signature and publishes its hand-off", async () => {
    const { env, execute } = recordingEnv();
    const { approval } = await approvedByAlice(env);
    expect(approval.status).toBe("APPROVED");
    const execution = await executions().getByApproval(approval.id);
    expect(execution).toMatchObject({ status: "requested", automatic: false, operation: approval.action.operation, command: approval.action.command });
    expect(execute.sent).toEqual([expect.objectContaining({ id: `execute:${execution!.id}` })]);
  });

  it("hands off exactly once when both approvers of a two-signature approval POST at the same instant", async () => {
    const { env, execute } = recordingEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    await Promise.all([decide(await linkFor(approval.id, "alice"), "approve", {}, env), decide(await linkFor(approval.id, "bob"), "approve", {}, env)]);
    const rows = await db.selectFrom("executions").select("id").where("approval_id", "=", approval.id).execute();
    expect(rows).toHaveLength(1);
    expect(execute.sent).toHaveLength(1);
  });

  it("writes no execution when the approval is rejected", async () => {
    const { env, execute } = recordingEnv();
    const approval = await seedPendingApproval(db, "medium", 1);
    await decide(await linkFor(approval.id, "bob"), "reject", {}, env);
    expect(await executions().getByApproval(approval.id)).toBeUndefined();
    expect(execute.sent).toHaveLength(0);
  });
});

describe("without an executor", () => {
  it("leaves the command to a human, whose signed 'mark done' records the outcome and teaches the learner", async () => {
    const { env } = recordingEnv();
    const { approval, link } = await approvedByAlice(env);
    const execution = (await executions().getByApproval(approval.id))!;
    await dispatch(env, handOffMessage(execution.id, approval.id, approval.incidentId));
    expect((await executions().get(execution.id))?.status).toBe("manual");

    const page = await (await request(link, {}, env)).text();
    expect(page).toContain('id="execution-status">manual');
    expect(page).toContain(approval.action.command);
    expect(page).toContain('name="outcome" value="succeeded"');

    const { env: resultEnv, notify } = recordingEnv();
    const response = await reportByHand(await linkFor(approval.id, "bob"), "succeeded", "pod came back healthy", resultEnv);
    expect(response.status).toBe(200);
    expect(await executions().get(execution.id)).toMatchObject({
      status: "succeeded",
      reportedBy: "bob",
      dryRun: false,
      outputExcerpt: "pod came back healthy",
    });
    expect((await approvals().get(approval.id))?.status).toBe("EXECUTED");
    const outcome = await db.selectFrom("repair_outcomes").selectAll().where("execution_id", "=", execution.id).execute();
    expect(outcome).toMatchObject([{ success: true, operation: approval.action.operation }]);
    expect(notify.sent.map((m) => m.payload.kind)).toEqual(["execution_result"]);

    const again = await reportByHand(await linkFor(approval.id, "alice"), "failed", undefined, resultEnv);
    expect(again.status).toBe(409);
    expect((await executions().get(execution.id))?.status).toBe("succeeded");
  });

  it("refuses a forged 'mark done' and changes nothing", async () => {
    const { env } = recordingEnv();
    const { approval } = await approvedByAlice(env);
    const execution = (await executions().getByApproval(approval.id))!;
    await dispatch(env, handOffMessage(execution.id, approval.id, approval.incidentId));
    const forged = (await linkFor(approval.id, "bob")).replace(/sig=.{4}/, "sig=AAAA");
    expect((await reportByHand(forged, "succeeded", undefined, env)).status).toBe(403);
    expect((await executions().get(execution.id))?.status).toBe("manual");
  });
});

describe("with an executor", () => {
  it("POSTs a signed dry-run hand-off once, however often the message is delivered", async () => {
    const { env } = withExecutor();
    const { approval } = await approvedByAlice(env);
    const execution = (await executions().getByApproval(approval.id))!;
    const message = handOffMessage(execution.id, approval.id, approval.incidentId);
    await dispatch(env, message);
    await dispatch(env, message);
    const received = await receivedByExecutor(execution.id);
    expect(received).toHaveLength(1);
    expect(received[0]?.signatureValid).toBe(true);
    expect(received[0]?.body).toMatchObject({
      execution_id: execution.id,
      approval_id: approval.id,
      operation: approval.action.operation,
      action: approval.action.typed,
      argv: approval.action.argv,
      digest: approval.action.digest,
      command: approval.action.command,
      dry_run: true,
      automatic: false,
      approved_by: ["alice"],
      callback_url: `https://awoooi.test/api/v1/executions/${execution.id}/result`,
    });
    expect(received[0]?.body).not.toHaveProperty("description");
    expect(await executions().get(execution.id)).toMatchObject({ status: "dispatched", dryRun: true });
  });

  it("carries the incident's correlation id to the executor (X-Correlation-Id), whatever the message says, across the human decision", async () => {
    const recording = withExecutor();
    const { approval } = await approvedByAlice(recording.env);
    const incident = await createIncidentStore(db).get(approval.incidentId);
    const published = recording.execute.sent.find((m) => m.payload.approval_id === approval.id)!;
    expect(published.correlationId).toBe(incident?.correlationId);
    const execution = (await executions().getByApproval(approval.id))!;
    await dispatch(recording.env, handOffMessage(execution.id, approval.id, approval.incidentId));
    const [received] = await receivedByExecutor(execution.id);
    expect(received?.body.correlation_id).toBe(incident?.correlationId);
    expect(received?.headers["x-correlation-id"]).toBe(incident?.correlationId);
  });

  it("decides dry_run when the execution is written, not when it is handed off", async () => {
    const { env } = withExecutor({ EXECUTOR_DRY_RUN: "false" });
    const { approval } = await approvedByAlice(env);
    expect(await executions().getByApproval(approval.id)).toMatchObject({ status: "requested", dryRun: false });
  });

  it("runs an untyped action by hand even with an executor configured", async () => {
    const { env } = withExecutor();
    const { approval } = await approvedByAlice(env, { operation: "RENEW_CERTIFICATE", command: "cmctl renew api-tls -n production", description: "d" });
    const execution = (await executions().getByApproval(approval.id))!;
    await dispatch(env, handOffMessage(execution.id, approval.id, approval.incidentId));
    expect(await executions().get(execution.id)).toMatchObject({ status: "manual", dryRun: false });
    expect(await receivedByExecutor(execution.id)).toHaveLength(0);
  });

  it("sends real runs when EXECUTOR_DRY_RUN=false", async () => {
    const { env } = withExecutor({ EXECUTOR_DRY_RUN: "false" });
    const { approval } = await approvedByAlice(env);
    const execution = (await executions().getByApproval(approval.id))!;
    await dispatch(env, handOffMessage(execution.id, approval.id, approval.incidentId));
    expect((await receivedByExecutor(execution.id))[0]?.body.dry_run).toBe(false);
  });

  it("retries later when the executor is down, and sends the same hand-off again", async () => {
    const { env } = withExecutor();
    const { approval } = await approvedByAlice(env, { operation: "DELETE_POD", command: "", description: "d" }, "executor-down");
    const execution = (await executions().getByApproval(approval.id))!;
    const message = handOffMessage(execution.id, approval.id, approval.incidentId);
    const { result } = await dispatch(env, message);
    expect(result.retryMessages).toHaveLength(1);
    // Marked before the call (a fast executor may report first); the retry still sends.
    expect((await executions().get(execution.id))?.status).toBe("dispatched");
    await dispatch(env, message);
    expect(await receivedByExecutor(execution.id)).toHaveLength(2);
  });

  it("records a refused hand-off as a failure that teaches nothing", async () => {
    const { env, notify } = withExecutor();
    const { approval } = await approvedByAlice(env, { operation: "DELETE_POD", command: "", description: "d" }, "executor-refuse");
    const execution = (await executions().getByApproval(approval.id))!;
    const { result } = await dispatch(env, handOffMessage(execution.id, approval.id, approval.incidentId));
    expect(result.retryMessages).toHaveLength(0);
    expect(await executions().get(execution.id)).toMatchObject({ status: "failed", reportedBy: "approve" });
    expect((await executions().get(execution.id))?.outputExcerpt).toContain("400");
    expect((await approvals().get(approval.id))?.status).toBe("FAILED");
    expect(await db.selectFrom("repair_outcomes").select("id").where("execution_id", "=", execution.id).execute()).toHaveLength(0);
    expect(notify.sent.at(-1)?.payload).toMatchObject({ kind: "execution_result", execution: { status: "failed" } });
  });
});

describe("POST /api/v1/executions/:id/result", () => {
  async function dispatchedExecution(fingerprint = newFingerprint(), operation: SuggestedAction["operation"] = "DELETE_POD") {
    const approval = await seedPendingApproval(db, "medium", 1, {
      fingerprint,
      status: "APPROVED",
      action: { operation, command: "", description: "d" },
    });
    const execution = (await executions().getByApproval(approval.id))!;
    await executions().markDispatched(execution.id);
    return { approval, execution };
  }

  it("records a signed result once: execution, approval status, audit and outcome", async () => {
    const { approval, execution } = await dispatchedExecution();
    const response = await postResult(execution.id, { status: "succeeded", duration_ms: 4200, output_excerpt: "pod/api deleted" });
    expect(response.status).toBe(200);
    const answer = ExecutionResultAnswer.parse(await response.json());
    expect(answer).toMatchObject({ recorded: true, execution: { id: execution.id, status: "succeeded", duration_ms: 4200 } });
    expect((await approvals().get(approval.id))?.status).toBe("EXECUTED");
    expect((await approvals().auditTrail(approval.id)).map((e) => e.action)).toContain("execution.succeeded");

    const repeat = await postResult(execution.id, { status: "succeeded", duration_ms: 4200 });
    expect(repeat.status).toBe(200);
    expect(ExecutionResultAnswer.parse(await repeat.json())).toMatchObject({ recorded: false });
    expect(await db.selectFrom("repair_outcomes").select("id").where("execution_id", "=", execution.id).execute()).toHaveLength(1);
  });

  it("moves the failure streak: failures count up, a success clears it", async () => {
    const fingerprint = newFingerprint();
    for (const status of ["failed", "failed"] as const) {
      const { execution } = await dispatchedExecution(fingerprint);
      expect((await postResult(execution.id, { status })).status).toBe(200);
    }
    expect(await redisForTests().get<string>(trustKeys.failStreak(fingerprint))).toBe("2");
    const { execution } = await dispatchedExecution(fingerprint);
    await postResult(execution.id, { status: "succeeded" });
    expect(await redisForTests().get(trustKeys.failStreak(fingerprint))).toBeNull();
  });

  it("refuses a signed report that names another execution, and changes nothing", async () => {
    const { execution } = await dispatchedExecution();
    const { execution: other } = await dispatchedExecution();
    const response = await postResult(execution.id, { execution_id: other.id, status: "succeeded" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { fields: [{ field: "execution_id" }] } });
    expect((await executions().get(execution.id))?.status).toBe("dispatched");
    expect((await executions().get(other.id))?.status).toBe("dispatched");
  });

  it("refuses a result for an execution that was never handed off", async () => {
    const approval = await seedPendingApproval(db, "medium", 1, { status: "APPROVED" });
    const execution = (await executions().getByApproval(approval.id))!;
    const response = await postResult(execution.id, { status: "succeeded" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining("never handed off") } });
    expect((await executions().get(execution.id))?.status).toBe("requested");
  });

  it("refuses a result for another argv than the approved one", async () => {
    const { execution } = await dispatchedExecution();
    const response = await postResult(execution.id, { status: "succeeded", digest: "f".repeat(64) });
    expect(response.status).toBe(409);
    expect((await executions().get(execution.id))?.status).toBe("dispatched");
  });

  it("answers 409 to a different result for a finished execution", async () => {
    const { execution } = await dispatchedExecution();
    await postResult(execution.id, { status: "succeeded" });
    const response = await postResult(execution.id, { status: "failed" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "conflict" } });
  });

  it.each([
    ["no signature", { secret: undefined }, 401, "unauthorized"],
    ["a signature made with another key", { secret: "some-other-executor-secret-000" }, 401, "unauthorized"],
  ])("refuses a result with %s and changes nothing", async (_case, options, status, code) => {
    const { execution } = await dispatchedExecution();
    const response = await postResult(execution.id, { status: "succeeded" }, options);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
    expect((await executions().get(execution.id))?.status).toBe("dispatched");
  });

  it("names the bad field of an invalid result", async () => {
    const { execution } = await dispatchedExecution();
    const response = await postResult(execution.id, { status: "done", duration_ms: -1 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fields: Array<{ field: string }> } };
    expect(body.error.fields.map((f) => f.field)).toEqual(["status", "duration_ms"]);
  });

  it("answers 404 for an unknown execution and when no executor is configured", async () => {
    expect((await postResult(crypto.randomUUID(), { status: "succeeded" })).status).toBe(404);
    const { execution } = await dispatchedExecution();
    expect((await postResult(execution.id, { status: "succeeded" }, { env: recordingEnv().env })).status).toBe(404);
  });

  it("does not ask for the ops token (the signature is the credential)", async () => {
    const { execution } = await dispatchedExecution();
    const response = await postResult(execution.id, { status: "succeeded" });
    expect(response.status).toBe(200);
  });

  it("changes the recommendation once enough outcomes exist, and writes the playbook", async () => {
    const fingerprint = newFingerprint();
    const recommendation = async () =>
      (await (
        await request(`https://awoooi.test/api/v1/learning/recommendation/${fingerprint}`, { headers: { Authorization: `Bearer ${testEnv.OPS_TOKEN}` } })
      ).json()) as {
        recommendation: { action: string; samples: number; success_rate: number } | null;
        reason?: string;
      };
    for (let i = 0; i < 4; i++) {
      const { execution } = await dispatchedExecution(fingerprint, "RESTART_DEPLOYMENT");
      await postResult(execution.id, { status: "succeeded", duration_ms: 1000 * (i + 1) });
    }
    expect(await recommendation()).toMatchObject({ recommendation: null, reason: expect.stringContaining("5 or more outcomes") });

    const { execution } = await dispatchedExecution(fingerprint, "RESTART_DEPLOYMENT");
    const fifth = await postResult(execution.id, { status: "succeeded", duration_ms: 5000 });
    expect(await fifth.json()).toMatchObject({ playbook: "update" });
    expect(await recommendation()).toMatchObject({ recommendation: { action: "RESTART_DEPLOYMENT", samples: 5, success_rate: 1 } });

    const summary = (await (
      await request(`https://awoooi.test/api/v1/learning/summary/${fingerprint}`, { headers: { Authorization: `Bearer ${testEnv.OPS_TOKEN}` } })
    ).json()) as Record<string, any>;
    expect(summary).toMatchObject({
      fingerprint,
      total_samples: 5,
      actions: [{ action: "RESTART_DEPLOYMENT", samples: 5, successes: 5, success_rate: 1, avg_duration_ms: 3000, tier: 1 }],
      playbook: { action: "RESTART_DEPLOYMENT", command: "kubectl rollout restart deployment/api-server -n production", samples: 5, success_rate: 1 },
      recommendation: { action: "RESTART_DEPLOYMENT" },
    });
    expect(summary.recent_outcomes).toHaveLength(5);

    // Two failures: still recommended at 5/7 ≥ 0.6, but no longer playbook material (< 0.8).
    for (let i = 0; i < 2; i++) {
      const { execution: failed } = await dispatchedExecution(fingerprint, "RESTART_DEPLOYMENT");
      await postResult(failed.id, { status: "failed" });
    }
    expect((await recommendation()).recommendation).toMatchObject({ action: "RESTART_DEPLOYMENT", samples: 7 });
    expect(await db.selectFrom("playbooks").select("operation").where("fingerprint", "=", fingerprint).execute()).toHaveLength(0);
  });

  it("does not learn from dry runs", async () => {
    const fingerprint = newFingerprint();
    const approval = await seedPendingApproval(db, "medium", 1, { fingerprint, status: "APPROVED", dryRun: true });
    const execution = (await executions().getByApproval(approval.id))!;
    await executions().markDispatched(execution.id);
    expect((await postResult(execution.id, { status: "succeeded" })).status).toBe(200);
    expect(await db.selectFrom("repair_outcomes").select("id").where("fingerprint", "=", fingerprint).execute()).toHaveLength(0);
    expect(await redisForTests().exists(trustKeys.learned(fingerprint, approval.action.operation))).toBe(0);
  });
});

describe("autonomy index counters", () => {
  const metric = async (field: string) => Number((await redisForTests().hget<string>(METRICS_KEY, field)) ?? 0);

  it("counts a human decision when the deciding signature lands", async () => {
    const field = metricKey("awoooi_incidents_human_resolved_total", { source: "alertmanager", risk_level: "medium" });
    const before = await metric(field);
    await approvedByAlice(recordingEnv().env);
    expect(await metric(field)).toBeGreaterThanOrEqual(before + 1);
  });

  it("counts an automatic resolution when an auto-approved action succeeds for real, once", async () => {
    const field = metricKey("awoooi_incidents_auto_resolved_total", { source: "alertmanager", action_type: "SCALE_DEPLOYMENT" });
    const before = await metric(field);
    const message = await seedAnalyzedIncident(db, {
      risk_level: "low",
      suggested_action: { operation: "SCALE_DEPLOYMENT", command: "scale", description: "d" },
    });
    const { approval } = await approvals().createForIncident({
      id: crypto.randomUUID(),
      incidentId: message.payload.incident_id,
      riskLevel: "low",
      requiredSignatures: 0,
      autoApproved: true,
      initialStatus: "APPROVED",
      reasons: ["every guardrail held"],
      action: await approvalActionFor(message.payload.rca.suggested_action, message.payload.alert),
      expiresAt: new Date(Date.now() + 3_600_000),
      createdAt: new Date(),
      correlationId: "test",
      dryRun: false,
    });
    await executions().markDispatched(approval.executionId!);
    await postResult(approval.executionId!, { status: "succeeded" });
    await postResult(approval.executionId!, { status: "succeeded" });
    expect(await metric(field)).toBe(before + 1);
  });
});
