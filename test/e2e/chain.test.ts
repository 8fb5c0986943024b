// The whole chain, black-box, through the one local base URL: the same stack
// `npm run dev` starts (wrangler dev, five functions, local queues, real Redis
// and Postgres).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { sampleAlertmanagerBody } from "../../scripts/lib/dev-defaults.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { answerOf, opsClient } from "../../shared/client/index.ts";
import { runSmokeCli } from "./support.ts";

let stack: Stack;
const output: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    // Its own Redis database, separate from the one the workerd projects share.
    redisDb: 4,
    persistTo: mkdtempSync(join(tmpdir(), "awoooi-e2e-")),
    onOutput: (line) => output.push(line),
  });
});
afterAll(async () => {
  await stack?.stop();
});

interface InboxMessage {
  incident_id: string;
  approval_id: string;
  kind: string;
  links: { approver: string; url: string }[];
}

const webhook = (body: unknown, token = stack.vars.WEBHOOK_TOKEN, extraHeaders: Record<string, string> = {}) =>
  fetch(`${stack.baseUrl}/api/v1/webhooks/alertmanager`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...extraHeaders },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The ops API through its typed client (shared/client): a non-2xx answer throws. */
const api = () => opsClient(stack.baseUrl, stack.vars.OPS_TOKEN!).api.v1;
const approvalOf = (approvalId: string) => answerOf(api().approvals[":approvalId"].$get({ param: { approvalId } }));
const incidentOf = (incidentId: string) => answerOf(api().incidents[":incidentId"].$get({ param: { incidentId } }));

const inboxFor = async (incidentId: string): Promise<InboxMessage[]> => {
  const { messages } = (await (await fetch(`${stack.baseUrl}/dev/inbox`)).json()) as { messages: InboxMessage[] };
  return messages.filter((m) => m.incident_id === incidentId);
};

/** Submits the confirm page's form as a browser would: with the digest of the action the page showed. */
async function postDecision(link: string, decision: "approve" | "reject"): Promise<Response> {
  const url = new URL(link);
  const page = await (await fetch(link)).text();
  const digest = /name="action_digest" value="([0-9a-f]{64})"/.exec(page)?.[1];
  return fetch(`${url.origin}${url.pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision, ...(digest ? { action_digest: digest } : {}) }).toString(),
  });
}

describe("one alert through all five functions", () => {
  let incidentId: string;
  let message: InboxMessage;

  it("accepts the sample alert and opens an incident that keeps the caller's X-Request-Id as its correlation id", async () => {
    const requestId = `am-${Date.now().toString(36)}`;
    const response = await webhook(sampleAlertmanagerBody(), stack.vars.WEBHOOK_TOKEN, { "X-Request-Id": requestId });
    expect(response.status).toBe(202);
    expect(response.headers.get("X-Request-Id")).toBe(requestId);
    const { results } = (await response.json()) as { results: Array<{ incident_id: string; status: string; fingerprint: string }> };
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "accepted", fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    incidentId = results[0]!.incident_id;
    await expect.poll(async () => (await incidentOf(incidentId)).correlation_id, { timeout: 30_000, interval: 250 }).toBe(requestId);
  });

  it("announces the P0 at admission, then puts one approval request with a link per approver in the dev inbox", async () => {
    const requests = async () => (await inboxFor(incidentId)).filter((m) => m.kind === "approval_requested");
    await expect.poll(requests, { timeout: 30_000, interval: 250 }).toHaveLength(1);
    message = (await requests())[0]!;
    const admitted = (await inboxFor(incidentId)).filter((m) => m.kind === "admitted");
    expect(admitted).toHaveLength(1);
    expect(admitted[0]?.links).toEqual([]);
    expect(message.links.map((l) => l.approver)).toEqual(["alice", "bob"]);
    expect(message.links.every((l) => l.url.startsWith(`${stack.baseUrl}/approve/${message.approval_id}?`))).toBe(true);
    expect(output.join("\n")).toContain(message.links[0]!.url);
  });

  it("leaves the approval pending when the links are only opened", async () => {
    for (const link of message.links) {
      const page = await fetch(link.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="status">PENDING');
    }
    const approval = await approvalOf(message.approval_id);
    expect(approval).toMatchObject({ status: "PENDING", risk_level: "high", required_signatures: 2, signatures: [] });
  });

  it("refuses a forged link with 403 and changes nothing", async () => {
    const forged = message.links[0]!.url.replace(/sig=[^&]+/, "sig=forgedforgedforgedforgedforgedforgedforged");
    expect((await fetch(forged)).status).toBe(403);
    expect((await postDecision(forged, "approve")).status).toBe(403);
    expect((await approvalOf(message.approval_id)).signatures).toEqual([]);
  });

  it("approves once both approvers POST, with two signatures and audit rows", async () => {
    expect((await postDecision(message.links[0]!.url, "approve")).status).toBe(200);
    expect((await approvalOf(message.approval_id)).status).toBe("PENDING");
    expect((await postDecision(message.links[1]!.url, "approve")).status).toBe(200);

    const approval = await approvalOf(message.approval_id);
    expect(approval.status).toBe("APPROVED");
    expect(approval.signatures.map((s: { approver: string }) => s.approver).sort()).toEqual(["alice", "bob"]);
    expect(approval.audit.map((a: { action: string }) => a.action).filter((action: string) => action.startsWith("approval."))).toEqual([
      "approval.requested",
      "approval.signed",
      "approval.signed",
      "approval.approved",
    ]);

    const incident = await incidentOf(incidentId);
    expect(incident).toMatchObject({ status: "analyzed", hit_count: 1, approval_id: message.approval_id, approval_status: "APPROVED" });
    expect(incident.rca).toMatchObject({ provider: "rules", suggested_action: { operation: "ROLLBACK_DEPLOYMENT" } });
  });

  it("hands the approved action to a human (no executor configured) and records their 'mark done'", async () => {
    await expect.poll(async () => (await approvalOf(message.approval_id)).execution?.status, { timeout: 30_000, interval: 250 }).toBe("manual");
    const page = await (await fetch(message.links[0]!.url)).text();
    expect(page).toContain("Run the command above by hand");
    const url = new URL(message.links[1]!.url);
    const response = await fetch(`${url.origin}${url.pathname}/result`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), outcome: "succeeded", note: "rolled back by hand" }).toString(),
    });
    expect(response.status).toBe(200);
    const approval = await approvalOf(message.approval_id);
    expect(approval).toMatchObject({ status: "EXECUTED", execution: { status: "succeeded", reported_by: "bob", dry_run: false } });
    await expect.poll(async () => (await inboxFor(incidentId)).map((m) => m.kind)).toContain("execution_result");
    const { fingerprint } = await incidentOf(incidentId);
    const learned = await answerOf(api().learning.summary[":fingerprint"].$get({ param: { fingerprint } }));
    expect(learned.actions).toEqual([expect.objectContaining({ action: "ROLLBACK_DEPLOYMENT", samples: 1, successes: 1 })]);
  });

  it("aggregates a repeat of the alert: same incident, hit count 2, no second message", async () => {
    const response = await webhook(sampleAlertmanagerBody());
    expect(response.status).toBe(202);
    expect(((await response.json()) as { results: unknown[] }).results).toEqual([expect.objectContaining({ incident_id: incidentId, status: "aggregated" })]);
    expect((await incidentOf(incidentId)).hit_count).toBe(2);
    // A wrongly enqueued analysis would travel ahead of a new alert sent after it: once the new
    // alert's approval request is in the inbox, the repeat has had every chance to produce one.
    const sentinel = sampleAlertmanagerBody() as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
    sentinel.alerts[0]!.labels.pod = "api-server-7d4b8c9f5-sentinel";
    sentinel.alerts[0]!.fingerprint = "5e471e15e471e1aa";
    const sent = (await (await webhook(sentinel)).json()) as { results: Array<{ incident_id: string; status: string }> };
    expect(sent.results[0]).toMatchObject({ status: "accepted" });
    await expect
      .poll(async () => (await inboxFor(sent.results[0]!.incident_id)).filter((m) => m.kind === "approval_requested"), { timeout: 60_000, interval: 250 })
      .toHaveLength(1);
    expect((await inboxFor(incidentId)).filter((m) => m.kind === "approval_requested")).toHaveLength(1);
  });
});

describe("alerts no queue message could hold as sent", () => {
  const canonical = (body: unknown) =>
    fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it.each([
    [
      "an Alertmanager summary cut inside an emoji",
      "alertmanager",
      (run: string) => {
        const body = sampleAlertmanagerBody() as {
          alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string }>;
        };
        body.alerts[0]!.labels.pod = `api-${run}`;
        body.alerts[0]!.fingerprint = run.padEnd(16, "0").slice(0, 16);
        body.alerts[0]!.annotations.summary = `${"a".repeat(1_998)}🔥b`;
        return body;
      },
    ],
    [
      "a canonical alert whose raw payload holds a NUL",
      "alerts",
      (run: string) => ({ alert_type: `Nul${run}`, severity: "warning", source: "e2e", message: "m", raw_payload: { x: "a\u0000b" } }),
    ],
  ])("%s: 202, a readable incident, and a repeat aggregates into it", async (_case, source, make) => {
    const run = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
    const post = async () => {
      const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/${source}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify(make(run)),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { results: Array<{ incident_id: string; status: string }> }).results[0]!;
    };
    const first = await post();
    expect(first.status).toBe("accepted");
    const read = () => fetch(`${stack.baseUrl}/api/v1/incidents/${first.incident_id}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } });
    await expect.poll(async () => (await read()).status, { timeout: 60_000, interval: 250 }).toBe(200);
    const again = await post();
    expect(again).toMatchObject({ status: "aggregated", incident_id: first.incident_id });
    expect(((await (await read()).json()) as { hit_count: number }).hit_count).toBe(2);
  });

  it("answers 202 twice for one alert with 160 labels of 1,000 characters beside a normal one, and both incidents are readable", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const labels = Object.fromEntries(Array.from({ length: 160 }, (_, i) => [`label_${i}`, `${"é".repeat(998)}🔥`]));
    const body = [
      {
        alert_type: `HugeLabels${run}`,
        severity: "warning",
        source: "e2e",
        message: "many long labels",
        labels: { ...labels, namespace: "shop", pod: `api-${run}` },
      },
      { alert_type: `Normal${run}`, severity: "warning", source: "e2e", message: "an ordinary alert", namespace: "shop", target_resource: `web-${run}` },
    ];
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const response = await canonical(body);
      expect(response.status).toBe(202);
      answers.push(((await response.json()) as { results: Array<{ incident_id: string; status: string }> }).results);
    }
    expect(answers[0]!.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    expect(answers[1]!.map((r) => r.status)).toEqual(["aggregated", "aggregated"]);
    expect(answers[1]!.map((r) => r.incident_id)).toEqual(answers[0]!.map((r) => r.incident_id));
    for (const { incident_id } of answers[0]!) {
      await expect
        .poll(
          async () =>
            (await fetch(`${stack.baseUrl}/api/v1/incidents/${incident_id}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })).status,
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toBe(200);
    }
    const huge = await incidentOf(answers[0]![0]!.incident_id);
    expect(huge.hit_count).toBe(2);
    expect(huge.trimmed).toEqual(expect.arrayContaining(["raw_payload", "labels"]));
  });
});

describe("readiness at the public base URL", () => {
  it("answers /ready 200 with every function's Redis, Postgres and queue checks, version and commit", async () => {
    const response = await fetch(`${stack.baseUrl}/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      ok: boolean;
      functions: Record<string, { ok: boolean; version: string; commit: string; checks: Record<string, string> }>;
    };
    expect(body.ok).toBe(true);
    expect(Object.keys(body.functions).sort()).toEqual(["analyze", "approve", "classify", "notify", "webhook-receive"]);
    expect(body.functions.approve).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/), commit: expect.any(String) });
    expect(body.functions.approve!.checks).toMatchObject({ configuration: "ok", redis: "ok", postgres: "ok", "queue NOTIFY_QUEUE": "ok" });
    expect(body.functions["webhook-receive"]!.checks).toMatchObject({ redis: "ok", "queue ANALYZE_QUEUE": "ok" });
  });
});

describe("refusals at the public base URL", () => {
  it("answers 401 with a JSON error to a wrong bearer token", async () => {
    const response = await webhook(sampleAlertmanagerBody(), "wrong-token-123");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized", requestId: expect.any(String) } });
  });

  it("answers 400 naming the bad field", async () => {
    const body = sampleAlertmanagerBody() as { alerts: Array<{ labels: Record<string, string> }> };
    delete body.alerts[0]!.labels.alertname;
    const response = await webhook(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("alerts.0.labels.alertname");
  });

  it("answers 404 with a JSON error for a path no function serves", async () => {
    const response = await fetch(`${stack.baseUrl}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("cron work in the local stack", () => {
  it("runs the approve sweeps, the parked-alert drain and the chain smoke test through the gateway", async () => {
    const report = (await stack.runCrons()) as { approve: unknown; "webhook-receive": { parked: unknown; smoke: { action: string; runId: string } } };
    expect(report.approve).toMatchObject({ expired: expect.any(Number), escalations: expect.any(Number), handOffsResent: expect.any(Number) });
    expect(report["webhook-receive"]).toMatchObject({ parked: { enqueued: 0 }, smoke: { action: "started", runId: expect.stringMatching(/^smoke-/) } });

    // The run travels the chain, the next tick judges it, and the chain metric moves.
    const runId = report["webhook-receive"].smoke.runId;
    await expect
      .poll(async () => (await answerOf(api().smoke[":run"].$get({ param: { run: runId }, query: {} }))).state, { timeout: 30_000, interval: 250 })
      .toBe("passed");
    const next = (await stack.runCrons()) as typeof report;
    expect(next["webhook-receive"].smoke).toMatchObject({ action: "waiting", runId });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const lastSuccess = Number(/awoooi_alert_chain_last_success_timestamp ([0-9.e+]+)/.exec(metrics)?.[1]);
    expect(lastSuccess).toBeGreaterThan(Date.now() / 1000 - 120);
  });
});

describe("npm run smoke against a healthy stack", () => {
  it("exits 0 and prints each stage", async () => {
    const { code, output } = await runSmokeCli(["--url", stack.baseUrl, "--timeout", "30"]);
    expect(code).toBe(0);
    for (const stage of ["sent", "received", "analyzed", "classified", "notified"]) expect(output).toMatch(new RegExp(`✓ ${stage}`));
    expect(output).toContain("PASS: the alert reached notify");
  });
});
