// The fault matrix: the same alerts through the whole chain under each fault,
// then counted — alerts lost, duplicate incidents, approvals, notifications
// and signatures. Every cell must be 0. `npm run test:faults` prints the table.
import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../shared/adapters/neon-kysely-approval-store.ts";
import { approvalLinkUrl, signLink } from "../../shared/domain/approval-link.ts";
import { FAKE_TELEGRAM_TOKEN } from "../support/fakes/chat-credentials.ts";
import { dbForTests, testEnv } from "../support/worker/env.ts";
import { Pipeline, type PipelineOptions } from "./pipeline.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;
const ALERTS = 6;
const RUN = Date.now().toString(36);

interface Fault {
  readonly name: string;
  readonly options?: PipelineOptions;
  /** Alert names; default a crash-looping pod (needs two signatures). */
  readonly alertname?: (i: number) => string;
  /** Channel settings for this row (a unique Telegram chat unless the fault needs a special one). */
  readonly chat?: string;
  readonly slack?: boolean;
  /** The fault must make something retry (proof that it was injected). */
  readonly retries?: boolean;
}

const DOWN = "http://127.0.0.1:9";
const FAULTS: Fault[] = [
  { name: "no fault" },
  { name: "Redis down", options: { vars: { UPSTASH_REDIS_REST_URL: DOWN } } },
  { name: "Redis slow", options: { vars: { UPSTASH_REDIS_REST_URL: testEnv.SLOW_REDIS_REST_URL! } } },
  { name: "Postgres down mid-transaction", retries: true, options: { vars: { NEON_WS_PROXY: testEnv.FLAKY_NEON_WS_PROXY! } } },
  { name: "queue send failing", retries: true, options: { failingSends: 3 } },
  {
    name: "relay down",
    options: { vars: { OLLAMA_RELAY_URL: DOWN, RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET!, AI_FALLBACK_ORDER: "ollama,rules" } },
    alertname: (i) => `LLMTest-ok-${RUN}-${i}`,
  },
  {
    name: "relay slow past timeout",
    options: {
      vars: {
        OLLAMA_RELAY_URL: testEnv.TEST_RELAY_URL!,
        RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET!,
        AI_FALLBACK_ORDER: "ollama,rules",
        OLLAMA_TIMEOUT_SECONDS: "5",
      },
    },
    alertname: (i) => `LLMTest-hang-${RUN}-${i}`,
  },
  {
    name: "model garbage",
    options: { vars: { ANTHROPIC_API_KEY: "sk-test", ANTHROPIC_BASE_URL: testEnv.TEST_FAKE_ANTHROPIC_URL!, AI_FALLBACK_ORDER: "anthropic,rules" } },
    alertname: (i) => `LLMTest-garbage-${RUN}-${i}`,
  },
  { name: "Telegram 429", retries: true, chat: "-100429" },
  { name: "Slack 500", retries: true, slack: true },
  { name: "every message delivered 3×", options: { deliveries: 3 } },
  { name: "function restarted mid-batch", retries: true, options: { restartMidBatch: true } },
];

interface Row {
  fault: string;
  retried: number;
  lost: number;
  dupIncidents: number;
  dupApprovals: number;
  dupNotifications: number;
  dupSignatures: number;
}
const rows: Row[] = [];

async function recorded(channel: string): Promise<Array<{ body: any; status: number; path: string }>> {
  return (await fetch(`${FAKE}/_requests?channel=${channel}`)).json();
}

const duplicatesIn = (keys: string[]) => keys.length - new Set(keys).size;

async function runFault(fault: Fault, index: number): Promise<Row> {
  const namespace = `faults-${index}-${RUN}`;
  const chat = fault.chat ?? `-2${index}${Date.now() % 100000}`;
  const slack = fault.slack ? `${FAKE}/slack/fail-once-${namespace}` : `${FAKE}/slack/ok-${namespace}`;
  const channels = { TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN, TELEGRAM_API_BASE: FAKE, TELEGRAM_CHAT_ID: chat, SLACK_WEBHOOK_URL: slack, DEV_INBOX: "off" };
  const pipeline = new Pipeline({ ...fault.options, vars: { ...channels, ...fault.options?.vars } });
  const name = fault.alertname ?? (() => "PodCrashLoopBackOff");
  const body = {
    version: "4",
    status: "firing",
    receiver: "awoooi",
    alerts: Array.from({ length: ALERTS }, (_, i) => ({
      status: "firing",
      labels: { alertname: name(i), severity: "critical", namespace, pod: `probe-${i}` },
      annotations: { summary: `fault probe ${i}` },
      startsAt: new Date().toISOString(),
    })),
  };

  // The fault is on while the alerts arrive and the first deliveries run; then it passes.
  await pipeline.post(body);
  await pipeline.drain(8);
  pipeline.heal();
  // Senders retry what they were refused; a redelivered batch of the same alerts must change nothing.
  const healedChannels = new Pipeline({ vars: channels });
  for (const [queue, list] of pipeline.queues) healedChannels.queues.set(queue, list);
  await healedChannels.post(body);
  await healedChannels.drain(200);

  const incidents = await db.selectFrom("incidents").select(["id", "fingerprint", "status"]).where("namespace", "=", namespace).execute();
  const fingerprints = new Set(incidents.map((i) => i.fingerprint));
  const approvals = incidents.length
    ? await db
        .selectFrom("approvals")
        .select(["id", "incident_id", "expires_at", "status"])
        .where(
          "incident_id",
          "in",
          incidents.map((i) => i.id),
        )
        .execute()
    : [];

  // Both approvers click, twice each, at once: at most one signature each.
  for (const approval of approvals.filter((a) => a.status === "PENDING")) {
    const clicks = ["alice", "bob", "alice", "bob"].map(async (approver) => {
      const claims = { approvalId: approval.id, approver, expiresAt: Math.floor(approval.expires_at.getTime() / 1000) };
      return healedChannels.decide(approvalLinkUrl("https://awoooi.test", claims, await signLink(claims, testEnv.LINK_SIGNING_KEY!)), "approve");
    });
    await Promise.all(clicks);
  }
  await healedChannels.drain(100);
  const signatures = approvals.length
    ? await db
        .selectFrom("approval_signatures")
        .select(["approval_id", "approver"])
        .where(
          "approval_id",
          "in",
          approvals.map((a) => a.id),
        )
        .execute()
    : [];

  const telegram = (await recorded("telegram")).filter(
    (r) => r.status === 200 && String(r.body.chat_id) === chat && incidents.some((i) => r.body.text.includes(i.id)),
  );
  const slackSent = (await recorded("slack")).filter((r) => r.status === 200 && r.path.endsWith(namespace));
  const notified = new Set(incidents.filter((i) => telegram.some((r) => r.body.text.includes(i.id))).map((i) => i.fingerprint));

  return {
    fault: fault.name,
    retried: pipeline.retries,
    lost: ALERTS - [...fingerprints].filter((f) => notified.has(f)).length,
    dupIncidents: incidents.length - fingerprints.size,
    dupApprovals: approvals.length - new Set(approvals.map((a) => a.incident_id)).size,
    dupNotifications: duplicatesIn(telegram.map((r) => r.body.text)) + duplicatesIn(slackSent.map((r) => JSON.stringify(r.body))),
    dupSignatures:
      signatures.length -
      new Set(signatures.map((s) => `${s.approval_id}:${s.approver}`)).size +
      signatures.filter((s) => !["alice", "bob"].includes(s.approver)).length,
  };
}

describe("the fault matrix", () => {
  it.each(FAULTS.map((fault, index) => [fault.name, fault, index] as const))(
    "%s: nothing lost, nothing doubled",
    async (_name, fault, index) => {
      const row = await runFault(fault, index);
      rows.push(row);
      const { retried, ...counts } = row;
      expect(counts).toEqual({ fault: fault.name, lost: 0, dupIncidents: 0, dupApprovals: 0, dupNotifications: 0, dupSignatures: 0 });
      // The fault really struck: something had to be retried (faults absorbed without any retry are marked).
      if (fault.retries) expect(retried, "the fault caused retries").toBeGreaterThan(0);
      // The approvals really got both signatures (the clicks were not all refused).
      const approved = await createApprovalStore(db).getByIncident(
        (await db.selectFrom("incidents").select("id").where("namespace", "=", `faults-${index}-${RUN}`).executeTakeFirstOrThrow()).id,
      );
      if (approved && !fault.alertname) expect(approved.signatures.length).toBe(2);
    },
    180_000,
  );

  afterAll(() => {
    const header = `${"fault".padEnd(32)} ${"retried".padStart(8)} ${"lost".padStart(5)} ${"dup inc".padStart(8)} ${"dup appr".padStart(9)} ${"dup notif".padStart(10)} ${"dup sig".padStart(8)}`;
    const lines = rows.map(
      (r) =>
        `${r.fault.padEnd(32)} ${String(r.retried).padStart(8)} ${String(r.lost).padStart(5)} ${String(r.dupIncidents).padStart(8)} ${String(r.dupApprovals).padStart(9)} ${String(r.dupNotifications).padStart(10)} ${String(r.dupSignatures).padStart(8)}`,
    );
    console.log(`\nfault matrix (${ALERTS} alerts per fault)\n${header}\n${lines.join("\n")}\n`);
  });
});
