// The decision names what past repairs taught: the learned record and the
// alert's playbook, agreeing with the verdict or offering the playbook's action
// as the alternative. The reasons reach the incident, the approval and the message.
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/classify/src/env.ts";
import worker from "../../../functions/classify/src/index.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import { type DeadLetterV1, type ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

const db = dbForTests();
afterAll(() => db.destroy());

function harness() {
  const notify = recordingQueue<NotifyRequestedV2>();
  const env = {
    ...testEnv,
    NOTIFY_QUEUE: notify,
    EXECUTE_QUEUE: recordingQueue<ExecuteRequestedV1>(),
    DEAD_LETTER_QUEUE: recordingQueue<DeadLetterV1>(),
  } as unknown as Env;
  return { notify, run: (bodies: unknown[]) => deliver(worker, env, "awoooi-classify", bodies) };
}

const newFingerprint = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);
const restart = { operation: "RESTART_DEPLOYMENT" as const, command: "kubectl rollout restart deployment/api -n production", description: "restart" };

async function learn(fingerprint: string, operation: "RESTART_DEPLOYMENT" | "DELETE_POD", successes: number, failures = 0) {
  const learning = createUpstashLearningStats(redisForTests());
  for (let i = 0; i < successes + failures; i++) {
    await learning.record({ executionId: crypto.randomUUID(), fingerprint, operation, success: i < successes, durationMs: 700 });
  }
}

describe("learned reasons in the decision", () => {
  it("names the learned record the verdict agrees with, on the incident, the approval and the message", async () => {
    const { notify, run } = harness();
    const fingerprint = newFingerprint();
    await learn(fingerprint, "RESTART_DEPLOYMENT", 5);
    const message = await seedAnalyzedIncident(db, { risk_level: "high", suggested_action: restart }, { fingerprint });
    await run([message]);

    const reason = "learned: RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict agrees";
    expect((await createIncidentStore(db).get(message.payload.incident_id))?.triage?.reasons).toContain(reason);
    expect((await createApprovalStore(db).getByIncident(message.payload.incident_id))?.reasons).toContain(reason);
    expect(NotifyRequestedV2.parse(notify.sent[0]).payload.reasons).toContain(reason);
  });

  it("offers the playbook's action as the alternative when the verdict proposes another", async () => {
    const { run } = harness();
    const fingerprint = newFingerprint();
    await db
      .insertInto("playbooks")
      .values({
        fingerprint,
        alert_type: "PodCrashLoopBackOff",
        operation: "DELETE_POD",
        command: "kubectl delete pod api-7d4b -n production",
        success_rate: 0.9,
        samples: 10,
      })
      .execute();
    const message = await seedAnalyzedIncident(db, { risk_level: "high", suggested_action: restart }, { fingerprint });
    await run([message]);

    expect((await createIncidentStore(db).get(message.payload.incident_id))?.triage?.reasons).toContain(
      "playbook: DELETE_POD is this alert's playbook (90% of 10); the verdict proposes RESTART_DEPLOYMENT — the playbook's alternative: kubectl delete pod api-7d4b -n production",
    );
    // A choice the approvers can make: the playbook's operation, derived for the alert's own pod and bound to its own digest.
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    const { alert } = message.payload;
    expect(approval?.action.operation).toBe("RESTART_DEPLOYMENT");
    expect(approval?.alternative).toMatchObject({
      source: "playbook",
      reason: "this alert's playbook: DELETE_POD worked in 90% of 10 repairs of this alert",
      action: { operation: "DELETE_POD", typed: { operation: "DELETE_POD", target: { kind: "pod", name: alert.target_resource, namespace: alert.namespace } } },
    });
    expect(approval?.alternative?.action.argv).toEqual(["kubectl", "delete", "pod", alert.target_resource, "-n", alert.namespace, "--wait=false"]);
    expect(approval?.alternative?.action.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(approval?.alternative?.action.digest).not.toBe(approval?.action.digest);
  });

  it("offers no alternative when the verdict agrees with the playbook", async () => {
    const { run } = harness();
    const fingerprint = newFingerprint();
    await db
      .insertInto("playbooks")
      .values({ fingerprint, alert_type: "PodCrashLoopBackOff", operation: "RESTART_DEPLOYMENT", command: restart.command, success_rate: 1, samples: 6 })
      .execute();
    const message = await seedAnalyzedIncident(db, { risk_level: "high", suggested_action: restart }, { fingerprint });
    await run([message]);
    expect((await createApprovalStore(db).getByIncident(message.payload.incident_id))?.alternative).toBeUndefined();
  });

  it("says nothing learned while the record is thin, and decides the same", async () => {
    const { run } = harness();
    const fingerprint = newFingerprint();
    await learn(fingerprint, "RESTART_DEPLOYMENT", 3, 1);
    const message = await seedAnalyzedIncident(db, { risk_level: "high", suggested_action: restart }, { fingerprint });
    await run([message]);
    const triage = (await createIncidentStore(db).get(message.payload.incident_id))?.triage;
    expect(triage).toMatchObject({ decision: "require_approval", required_signatures: 2 });
    expect(triage?.reasons.filter((r) => r.startsWith("learned:") || r.startsWith("playbook:"))).toEqual([]);
  });
});
