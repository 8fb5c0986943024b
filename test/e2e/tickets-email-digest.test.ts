// Issue #18's acceptance, black-box: the whole bundle under `wrangler dev`
// with GitHub and Telegram replaced by local servers speaking their protocols
// and a real SMTP server on loopback. A critical incident opens exactly one
// GitHub issue that its resolution closes; mails about its approval reach the
// SMTP server, the team's without any signing link, alice's with only hers; a
// P3 info incident stays out of the live chat until the digest names it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { FAKE_TELEGRAM_TOKEN } from "../support/fakes/chat-credentials.ts";
import { startFakeChatServices } from "../support/fakes/fake-chat-services.ts";
import { type FakeGitHub, startFakeGitHub } from "../support/fakes/fake-github.ts";
import { type SmtpInbox, startSmtpInbox } from "../support/fakes/smtp-inbox.ts";

const TEAM_CHAT = "-1018";
const REPOSITORY = "acme/platform";
const run = Date.now().toString(36);

let stack: Stack;
let chat: Awaited<ReturnType<typeof startFakeChatServices>>;
let github: FakeGitHub;
let smtp: SmtpInbox;

beforeAll(async () => {
  chat = await startFakeChatServices();
  github = await startFakeGitHub();
  smtp = await startSmtpInbox();
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    redisDb: 13,
    persistTo: mkdtempSync(join(tmpdir(), "awoooi-tickets-")),
    vars: {
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_BASE: chat.url,
      TELEGRAM_CHAT_ID: TEAM_CHAT,
      TICKET_SYSTEM: "github",
      GITHUB_TOKEN: github.token,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: github.url,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      SMTP_SECURE: "none",
      SMTP_FROM: "awoooi@example.com",
      EMAIL_TO: "oncall@example.com",
      APPROVERS: JSON.stringify([
        { id: "alice", email: "alice@example.com" },
        { id: "bob", email: "bob@example.com" },
      ]),
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
  await github?.close();
  await chat?.close();
});

const ops = async (path: string, init: RequestInit = {}) =>
  fetch(`${stack.baseUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}`, ...init.headers } });

async function alertmanager(status: "firing" | "resolved", labels: Record<string, string>): Promise<{ incident_id: string | null; status: string }> {
  const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alertmanager`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      version: "4",
      status,
      receiver: "awoooi",
      alerts: [{ status, labels, annotations: { summary: `${labels.alertname} in ${labels.namespace}` }, startsAt: new Date().toISOString() }],
    }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { results: Array<{ incident_id: string | null; status: string }> }).results[0]!;
}

const issues = () => github.issues.get(REPOSITORY) ?? [];
const issueAbout = (pod: string) => issues().filter((i) => i.title.includes(pod));

describe("tickets, e-mail and the digest (issue #18 acceptance)", () => {
  it("a new critical incident opens exactly one GitHub issue naming the alert and its target; two repeats open no other; the resolved alert closes it", async () => {
    const pod = `checkout-${run}`;
    const labels = { alertname: "PodCrashLoopBackOff", severity: "critical", namespace: "production", pod };
    const first = await alertmanager("firing", labels);
    expect(first.status).toBe("accepted");
    await expect.poll(() => issueAbout(pod).length, { timeout: 60_000, interval: 250 }).toBe(1);
    expect(issueAbout(pod)[0]?.title).toBe(`[P0] PodCrashLoopBackOff on production/${pod}`);

    expect((await alertmanager("firing", labels)).status).toBe("aggregated");
    expect((await alertmanager("firing", labels)).status).toBe("aggregated");

    // The mails about the approval: the team's holds no signing link, alice's only hers.
    await expect
      .poll(() => smtp.mails.filter((m) => m.to.includes("alice@example.com") && m.text.includes(first.incident_id!)).length, { timeout: 30_000 })
      .toBe(1);
    const about = smtp.mails.filter((m) => m.text.includes(first.incident_id!));
    const team = about.filter((m) => m.to.includes("oncall@example.com"));
    expect(team.length).toBeGreaterThan(0);
    for (const mail of team) expect(`${mail.text}${mail.html}`).not.toContain("approver=");
    const alice = about.find((m) => m.to.includes("alice@example.com"))!;
    expect(alice.to).toEqual(["alice@example.com"]);
    expect(alice.html).toContain("approver=alice");
    expect(`${alice.text}${alice.html}`).not.toContain("approver=bob");

    // The API shows the ticket on the incident.
    const incident = (await (await ops(`/api/v1/incidents/${first.incident_id}`)).json()) as { ticket: { system: string; key: string; url: string } | null };
    expect(incident.ticket).toEqual({ system: "github", key: String(issueAbout(pod)[0]?.number), url: expect.stringContaining(`/${REPOSITORY}/issues/`) });

    await alertmanager("resolved", labels);
    await expect.poll(() => issueAbout(pod)[0]?.state, { timeout: 60_000, interval: 250 }).toBe("closed");
    expect(issueAbout(pod)).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === "POST" && r.path === `/repos/${REPOSITORY}/issues`).length).toBe(issues().length);
    expect(github.requests.some((r) => r.method === "PATCH" && r.path === `/repos/${REPOSITORY}/issues/${issueAbout(pod)[0]?.number}`)).toBe(true);
  });

  it("a P3 info incident sends nothing to the live Telegram chat; POST /api/v1/digest/run then sends the team chat a digest that mentions it", async () => {
    const pod = `reports-${run}`;
    const quiet = await alertmanager("firing", { alertname: "ReportJobSlow", severity: "info", namespace: "batch", pod });
    // Its ticket is the sign notify has handled it.
    await expect.poll(() => issueAbout(pod).length, { timeout: 60_000, interval: 250 }).toBe(1);
    const toChat = () => chat.requests.filter((r) => r.channel === "telegram" && JSON.stringify(r.body).includes(pod));
    expect(toChat().map((r) => r.body)).toEqual([]);

    const response = await ops("/api/v1/digest/run", { method: "POST" });
    expect(response.status).toBe(202);
    const digest = (await response.json()) as { quiet: Array<{ incident_id: string; title: string }> };
    expect(digest.quiet.map((q) => q.incident_id)).toContain(quiet.incident_id);

    await expect.poll(() => toChat().length, { timeout: 30_000, interval: 250 }).toBe(1);
    const [message] = toChat();
    expect(String(message?.body.chat_id)).toBe(TEAM_CHAT);
    expect(message?.body.text).toContain("daily digest");
    expect(message?.body.text).toContain(`ReportJobSlow on batch/${pod}`);
  });
});
