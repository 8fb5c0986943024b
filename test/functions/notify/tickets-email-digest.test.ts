// Issue #18 inside notify: one ticket per incident (recorded on the incident),
// mail over real SMTP (the team's without links, each approver's with only
// their own), quiet priorities, Slack category channels and the digest.
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import type { Digest } from "../../../shared/contracts/digest.ts";
import { digestReady, incidentAdmitted, notifyRequested } from "../../../shared/contracts/envelopes.ts";
import type { DeadLetterV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { FAKE_SLACK_BOT_TOKEN } from "../../support/fakes/chat-credentials.ts";
import type { FakeIssue } from "../../support/fakes/fake-github.ts";
import type { ReceivedMail } from "../../support/fakes/smtp-inbox.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";
import { withChatFakes } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;
const TEAM_CHAT = "-1001";

function notifyEnv(vars: Record<string, string> = {}) {
  const deadLetters = recordingQueue<DeadLetterV1>();
  const env = withChatFakes({ TELEGRAM_CHAT_ID: TEAM_CHAT, DEAD_LETTER_QUEUE: deadLetters, ...vars });
  return { env, deadLetters, run: (bodies: unknown[]) => deliver(worker, env as unknown as Env, "awoooi-notify", bodies) };
}

const ticketVars = (repository: string) => ({
  TICKET_SYSTEM: "github",
  GITHUB_TOKEN: testEnv.TEST_GITHUB_TOKEN!,
  GITHUB_REPOSITORY: repository,
  GITHUB_API_URL: testEnv.TEST_GITHUB_URL!,
});

const mailVars = (teamTo: string) => ({
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: testEnv.TEST_SMTP_PORT!,
  SMTP_SECURE: "none",
  SMTP_FROM: "awoooi@example.com",
  EMAIL_TO: teamTo,
});

const issuesOf = async (repository: string): Promise<FakeIssue[]> => (await fetch(`${testEnv.TEST_GITHUB_URL}/_issues/${repository}`)).json();
const mailsTo = async (fragment: string): Promise<ReceivedMail[]> =>
  ((await (await fetch(`${testEnv.TEST_SMTP_INBOX_URL}/_mails`)).json()) as ReceivedMail[]).filter((m) => m.to.some((to) => to.includes(fragment)));
const telegramWith = async (contains: string): Promise<Array<{ body: { chat_id: string; text: string } }>> =>
  (await fetch(`${FAKE}/_requests?channel=telegram&contains=${encodeURIComponent(contains)}`)).json();

/** A seeded incident and its notice of `kind`, as classify or approve would send it. */
async function incidentNotice(kind: NotifyRequestedV2["payload"]["kind"], alert: Record<string, unknown> = {}) {
  const seeded = await seedAnalyzedIncident(db, {}, { alert: { severity: "critical", priority: "P0", ...alert } });
  const { incident_id, fingerprint, alert: a, rca } = seeded.payload;
  const approval = kind === "notify_only" ? {} : { approval_id: crypto.randomUUID(), expires_at: Math.floor(Date.now() / 1000) + 3600 };
  const notice = (k: NotifyRequestedV2["payload"]["kind"], extra: Partial<NotifyRequestedV2["payload"]> = {}) =>
    notifyRequested(
      {
        kind: k,
        incident_id,
        fingerprint,
        alert: a,
        rca,
        required_signatures: 2,
        reasons: [],
        signatures: [],
        approval_status: "PENDING",
        ...approval,
        ...extra,
      },
      { id: `notify:${incident_id}:${k}`, at: new Date(), correlationId: `corr-${incident_id}` },
    );
  return { incidentId: incident_id, fingerprint, alert: a, notice };
}

describe("tickets", () => {
  it("opens one GitHub issue per incident at its first notice, comments on the verdict, absorbs a redelivery, and closes it on resolution; the reference is on the incident", async () => {
    const repository = `acme/t${crypto.randomUUID().slice(0, 8)}`;
    const { run } = notifyEnv(ticketVars(repository));
    const { incidentId, fingerprint, alert, notice } = await incidentNotice("approval_requested");

    await run([incidentAdmitted({ incident_id: incidentId, fingerprint, alert }, { id: `admitted:${incidentId}`, at: new Date(), correlationId: "c" })]);
    const verdict = notice("approval_requested");
    await run([verdict]);
    await run([verdict]);
    let [issue, ...others] = await issuesOf(repository);
    expect(others).toHaveLength(0);
    expect(issue?.title).toBe(`[P0] ${alert.alert_type} on ${alert.namespace}/${alert.target_resource}`);
    expect(issue?.labels).toEqual(["awoooi", "priority:P0"]);
    expect(issue?.comments).toHaveLength(1);
    expect(issue?.comments[0]).toContain("**Verdict**");
    expect(JSON.stringify(issue)).not.toContain("sig=");

    const stored = await db.selectFrom("incidents").select("ticket").where("id", "=", incidentId).executeTakeFirstOrThrow();
    expect(stored.ticket).toEqual({ system: "github", key: String(issue?.number), url: `https://github.com/${repository}/issues/${issue?.number}` });

    await run([notice("resolved")]);
    [issue, ...others] = await issuesOf(repository);
    expect(others).toHaveLength(0);
    expect(issue?.state).toBe("closed");
    expect(issue?.state_reason).toBe("completed");
    expect(issue?.comments.at(-1)).toContain("Resolved");
  });

  it("dead-letters the ticket when GitHub refuses the credentials, and still delivers everything else", async () => {
    const repository = `acme/t${crypto.randomUUID().slice(0, 8)}`;
    const { run, deadLetters } = notifyEnv({ ...ticketVars(repository), GITHUB_TOKEN: "ghp_wrong_token_000000000" });
    const { incidentId, notice } = await incidentNotice("notify_only", { priority: "P1" });
    const { result } = await run([notice("notify_only")]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(deadLetters.sent.map((d) => d.payload.reason)).toEqual([expect.stringMatching(/^ticket → incident: .*401/)]);
    expect(await issuesOf(repository)).toEqual([]);
    expect(await telegramWith(incidentId)).toHaveLength(1);
    const stored = await db.selectFrom("incidents").select("ticket").where("id", "=", incidentId).executeTakeFirstOrThrow();
    expect(stored.ticket).toBeNull();
  });
});

describe("tickets in Jira", () => {
  it("opens one issue with the priority mapped, comments in ADF, and closes it through the Done transition", async () => {
    const project = `J${crypto
      .randomUUID()
      .replaceAll("-", "")
      .replace(/[^a-f]/g, "")
      .slice(0, 6)
      .toUpperCase()}`;
    const { run } = notifyEnv({
      TICKET_SYSTEM: "jira",
      JIRA_BASE_URL: testEnv.TEST_JIRA_URL!,
      JIRA_EMAIL: testEnv.TEST_JIRA_EMAIL!,
      JIRA_API_TOKEN: testEnv.TEST_JIRA_TOKEN!,
      JIRA_PROJECT_KEY: project,
    });
    const { incidentId, notice } = await incidentNotice("notify_only", { priority: "P1" });
    await run([notice("notify_only")]);
    await run([notice("resolved")]);
    const issues = (await (await fetch(`${testEnv.TEST_JIRA_URL}/_issues/${project}`)).json()) as Array<{
      key: string;
      fields: { priority: { name: string }; labels: string[] };
      status: string;
      comments: unknown[];
    }>;
    expect(issues.map((i) => [i.fields.priority.name, i.status, i.comments.length])).toEqual([["High", "Done", 1]]);
    const key = issues[0]!.key;
    const stored = await db.selectFrom("incidents").select("ticket").where("id", "=", incidentId).executeTakeFirstOrThrow();
    expect(stored.ticket).toEqual({ system: "jira", key, url: `${testEnv.TEST_JIRA_URL}/browse/${key}` });
  });
});

describe("e-mail over SMTP", () => {
  it("mails the team without a signing link and each approver with only their own link, as multipart text and HTML", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { run } = notifyEnv({
      ...mailVars(`team-${tag}@example.com`),
      APPROVERS: JSON.stringify([
        { id: "alice", email: `alice-${tag}@example.com` },
        { id: "bob", email: `bob-${tag}@example.com` },
      ]),
    });
    const { incidentId, notice } = await incidentNotice("approval_requested");
    await run([notice("approval_requested")]);

    const [team, ...moreTeam] = await mailsTo(`team-${tag}@`);
    expect(moreTeam).toHaveLength(0);
    expect(team?.from).toBe("awoooi@example.com");
    expect(team?.text).toContain(incidentId);
    expect(team?.html).toContain(incidentId);
    expect(`${team?.text}${team?.html}`).not.toContain("approver=");
    expect(`${team?.text}${team?.html}`).not.toContain("sig=");

    const [alice] = await mailsTo(`alice-${tag}@`);
    expect(alice?.to).toEqual([`alice-${tag}@example.com`]);
    expect(alice?.text).toContain("approver=alice");
    expect(alice?.html).toContain("approver=alice");
    expect(`${alice?.text}${alice?.html}`).not.toContain("approver=bob");
    const [bob] = await mailsTo(`bob-${tag}@`);
    expect(`${bob?.text}${bob?.html}`).not.toContain("approver=alice");
  });

  it("dead-letters a recipient the server refuses for good, and retries one it refuses for now", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const refused = notifyEnv(mailVars(`bounce-${tag}@example.com`));
    const first = await incidentNotice("notify_only", { priority: "P1" });
    await refused.run([first.notice("notify_only")]);
    expect(refused.deadLetters.sent.map((d) => d.payload.reason)).toEqual([expect.stringMatching(/^email → team: .*550/)]);

    const busy = notifyEnv(mailVars(`busy-${tag}@example.com`));
    const second = await incidentNotice("notify_only", { priority: "P1" });
    const { result } = await busy.run([second.notice("notify_only")]);
    expect(result.retryMessages).toHaveLength(1);
    expect(busy.deadLetters.sent).toHaveLength(0);
  });
});

describe("quiet by default", () => {
  it("keeps a P3 notice out of the live chat and the mail, and still opens its ticket", async () => {
    const repository = `acme/t${crypto.randomUUID().slice(0, 8)}`;
    const tag = crypto.randomUUID().slice(0, 8);
    const { run } = notifyEnv({ ...ticketVars(repository), ...mailVars(`team-${tag}@example.com`) });
    const { incidentId, notice } = await incidentNotice("notify_only", { severity: "info", priority: "P3" });
    await run([notice("notify_only")]);
    expect(await telegramWith(incidentId)).toHaveLength(0);
    expect(await mailsTo(`team-${tag}@`)).toHaveLength(0);
    expect(await issuesOf(repository)).toHaveLength(1);
  });
});

describe("Slack category channels", () => {
  it("sends a security finding to SLACK_CHANNEL_SECURITY instead of the default channel, and a P0 to SLACK_CHANNEL_P0 as well", async () => {
    const { run } = notifyEnv({
      SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "C0ALERTS",
      SLACK_CHANNEL_SECURITY: "C0SECURITY",
      SLACK_CHANNEL_INFRA: "C0INFRA",
      SLACK_CHANNEL_P0: "C0WARROOM",
      SLACK_API_BASE: `${FAKE}/slack-api`,
    });
    const security = await incidentNotice("notify_only", { priority: "P1", alert_type: "CVEDetected", source: "scanner" });
    const infra = await incidentNotice("notify_only", { priority: "P0" });
    await run([security.notice("notify_only"), infra.notice("notify_only")]);
    const channelsOf = async (incidentId: string) =>
      ((await (await fetch(`${FAKE}/_requests?channel=slack&contains=${incidentId}`)).json()) as Array<{ path: string; body: { channel: string } }>)
        .filter((r) => r.path.endsWith("chat.postMessage"))
        .map((r) => r.body.channel)
        .sort();
    expect(await channelsOf(security.incidentId)).toEqual(["C0SECURITY"]);
    expect(await channelsOf(infra.incidentId)).toEqual(["C0INFRA", "C0WARROOM"]);
  });
});

describe("the daily digest", () => {
  it("goes to the team chat and the team's mail once, however often its message is delivered", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { run } = notifyEnv(mailVars(`team-${tag}@example.com`));
    const quietId = crypto.randomUUID();
    const digest: Digest = {
      day: "2026-12-01",
      from: "2026-11-30T08:00:00.000Z",
      to: "2026-12-01T08:00:00.000Z",
      incidents: { total: 3, by_priority: { P0: 1, P1: 0, P2: 1, P3: 1 }, by_source: { alertmanager: 3 } },
      automatic: { runs: 2, succeeded: 1, failed: 1, dry_runs: 0 },
      pending: [],
      pending_total: 0,
      quiet: [{ incident_id: quietId, title: `DiskAlmostFull-${tag} on default/db-0`, priority: "P3", status: "analyzed" }],
      quiet_total: 1,
      noisiest: [{ fingerprint: "0123456789abcdef", title: "PodCrashLoopBackOff on prod/api", hits: 42 }],
      autonomy_index: 50,
      mttr_seconds: 600,
    };
    const message = digestReady(digest, { id: `digest:test:${tag}`, at: new Date(), correlationId: "c" });
    await run([message]);
    await run([message]);
    const [chat, ...again] = await telegramWith(`DiskAlmostFull-${tag}`);
    expect(again).toHaveLength(0);
    expect(chat?.body.chat_id).toBe(TEAM_CHAT);
    expect(chat?.body.text).toContain("AWOOOI daily digest — 2026-12-01");
    expect(chat?.body.text).toContain("Autonomy index 50%");
    const mails = await mailsTo(`team-${tag}@`);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe("AWOOOI daily digest — 2026-12-01");
    expect(mails[0]?.text).toContain(`DiskAlmostFull-${tag}`);
  });
});
